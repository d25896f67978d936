-- What happened to a target table besides its chunks, kept on its row of the run:
-- how many rows `truncate_onstart` removed when the run started (next to truncated_at), and why
-- the primary key could not be added after the full load (null once it was; a run whose key is
-- missing is not `completed`, and `thaw resume` tries the key again).
ALTER TABLE :"status_schema".migration_table_status
  ADD COLUMN truncated_rows bigint,
  ADD COLUMN finalize_error text;
