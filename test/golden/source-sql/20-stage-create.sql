-- binds: []
CREATE STAGE IF NOT EXISTS "ANALYTICS"."PUBLIC"."THAW_UNLOAD_STAGE" ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE') COMMENT = 'Thaw unload files; each run removes its own'
