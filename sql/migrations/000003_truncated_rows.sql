-- How many rows `truncate_onstart` removed from a target table when its run started: the
-- truncation is part of the run's record, next to when it happened (truncated_at).
ALTER TABLE :"status_schema".migration_table_status ADD COLUMN truncated_rows bigint;
