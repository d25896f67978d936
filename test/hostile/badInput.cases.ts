// The bad-input corpus: malformed configs and hostile values, each with the exact error Thaw must
// give (its message and where: the config path, the table) before anything is written. The runner
// (badInput.test.ts) builds the world these cases name (source tables, PostgreSQL roles), runs
// `thaw start --json` on each and checks that no status row and no target table appeared.

// Loose on purpose: cases put wrong types and unknown keys into it.
export type ConfigObject = Record<string, any>;

/** A ConfigError: every problem of the file, each with its JSON path. */
export interface ConfigRejection {
  kind: 'config';
  issues: Array<{ path: string; message: string }>;
}

/** An error found by looking at the databases, before anything is written. */
export interface Refusal {
  kind: 'refused';
  name: 'DefinitionError' | 'PrivilegeError' | 'ConnectionError';
  /** The whole message as the user reads it, context included. */
  message: string;
  context: Record<string, string>;
}

export interface BadInputCase {
  name: string;
  /** Edits the valid base config in place, or returns a replacement (a string is the file's text). */
  config: (c: ConfigObject) => ConfigObject | string | void;
  /** Replaces the environment's variables of these names (undefined removes one). */
  env?: Record<string, string | undefined>;
  expect: ConfigRejection | Refusal;
}

/** The hostile source table name of the issue: a statement in disguise, if anything spliced it. */
export const DROP_TABLE_NAME = 'x"; DROP TABLE y; --';
/** A table each side holds that the hostile name above would drop if it ever ran as SQL. */
export const SENTINEL_TABLE = 'Y';

/** Source tables the runner creates in the emulator (PUBLIC of database ANALYTICS). */
export const SOURCE = {
  /** ID BIGINT NOT NULL, PLACED DATE, NOTE VARCHAR, DOC VARIANT, FLAG BOOLEAN. */
  orders: 'ORDERS',
  /** A column whose name is 70 bytes. */
  longColumn: 'LONG_COLUMN',
  longColumnName: 'C'.repeat(70),
  /** AREA reported as GEOGRAPHY. */
  shapes: 'SHAPES',
  /** SELECT revoked from SOURCE_READER_ROLE. */
  restricted: 'PAYROLL',
} as const;

export const SOURCE_READER_ROLE = 'ANALYST';

/** PostgreSQL roles the runner creates (their password is the test database's). */
export const ROLES = {
  /** LOGIN and nothing else: may not even create the status schema. */
  nobody: 'thaw_nobody',
  /** Owns its status schema STATUS_OF_LOADER; no CREATE on the database. */
  loader: 'thaw_loader',
} as const;
export const STATUS_OF_LOADER = 'loader_status';
/** A schema the loader has no USAGE on. */
export const LOCKED_SCHEMA = 'locked';
/** A schema the loader may use, holding READ_ONLY_TABLE (SELECT only) and APPEND_ONLY_TABLE (SELECT, INSERT). */
export const SHARED_SCHEMA = 'shared';
export const READ_ONLY_TABLE = 'orders_ro';
export const APPEND_ONLY_TABLE = 'orders_append';

const asLoader = (c: ConfigObject) => {
  c.target.user = ROLES.loader;
  c.status_schema = STATUS_OF_LOADER;
};
const table = (c: ConfigObject) => c.tables[0];
const config = (path: string, message: string): ConfigRejection => ({ kind: 'config', issues: [{ path, message }] });

export const CASES: BadInputCase[] = [
  // ---- The shape of the file ----
  { name: 'empty file', config: () => '', expect: config('', 'invalid JSON: the file is empty') },
  { name: 'JSON with a trailing comma', config: (c) => JSON.stringify(c, null, 2).replace(/\n}$/, ',\n}'), expect: config('', 'invalid JSON: trailing comma') },
  { name: 'a JSON array instead of an object', config: (c) => [c], expect: config('', 'must be an object, not an array') },
  { name: 'the same key twice', config: (c) => JSON.stringify(c, null, 2).replace('"batch_size": 1000', '"batch_size": 1000,\n  "batch_size": 5'), expect: config('batch_size', 'appears twice in the same object') },
  {
    name: 'a key spelt with a Cyrillic letter',
    config: (c) => void ((c['b\u0430tch_size'] = 10), delete c.batch_size),
    expect: config('["b\u0430tch_size"]', 'unknown key; did you mean "batch_size"?'),
  },

  // ---- Tables ----
  { name: 'empty tables list', config: (c) => void (c.tables = []), expect: config('tables', 'must list at least one table') },
  { name: 'tables as an object', config: (c) => void (c.tables = table(c)), expect: config('tables', 'must be an array, not an object') },
  { name: 'a table without split_column', config: (c) => void delete table(c).split_column, expect: config('tables[0].split_column', 'is required') },
  { name: 'source_table as a number', config: (c) => void (table(c).source_table = 42), expect: config('tables[0].source_table', 'must be a string, not an integer') },
  { name: 'empty source_table', config: (c) => void (table(c).source_table = ''), expect: config('tables[0].source_table', 'must not be empty') },
  { name: 'split_column null', config: (c) => void (table(c).split_column = null), expect: config('tables[0].split_column', 'must be a string, not null') },
  { name: 'empty primary_key', config: (c) => void (table(c).primary_key = []), expect: config('tables[0].primary_key', 'must list at least one column') },
  {
    name: 'target_schema holding a NUL',
    config: (c) => void (table(c).target_schema = 'corpus\u0000; DROP SCHEMA public'),
    expect: config('tables[0].target_schema', 'must not contain the character U+0000, which PostgreSQL names cannot hold'),
  },
  {
    name: 'target_table longer than PostgreSQL keeps',
    config: (c) => void (table(c).target_table = 'é'.repeat(40)),
    expect: config('tables[0].target_table', 'is 80 bytes long in UTF-8; PostgreSQL keeps only the first 63 bytes of a name and would cut the rest off'),
  },
  {
    name: 'a long source_table as the default target name',
    config: (c) => void (table(c).source_table = `ORDERS_${'X'.repeat(60)}`),
    expect: config('tables[0].source_table', 'as the target table name (lower-cased) it is 67 bytes long in UTF-8; PostgreSQL keeps only the first 63 bytes of a name and would cut the rest off: give a target_table'),
  },
  {
    name: 'two tables into one target',
    config: (c) => void c.tables.push({ ...table(c), source_table: 'Orders' }),
    expect: config('tables[1].target_table', 'loads into corpus.orders like tables[0]: each table needs its own target'),
  },

  // ---- Numbers and types ----
  { name: 'batch_size as a string', config: (c) => void (c.batch_size = '1000; DROP TABLE y'), expect: config('batch_size', 'must be a number, not a string') },
  { name: 'oversize batch_size', config: (c) => void (c.batch_size = 1e12), expect: config('batch_size', 'must be at most 10000000') },
  {
    name: 'batch_size past 2^53',
    config: (c) => JSON.stringify(c).replace('"batch_size":1000', '"batch_size":9007199254740993'),
    expect: { kind: 'config', issues: [{ path: 'batch_size', message: 'must be at most 9007199254740991' }, { path: 'batch_size', message: 'must be at most 10000000' }] },
  },
  { name: 'infinite retry delay (1e400)', config: (c) => JSON.stringify(c).replace('"retry_delay_seconds":0.1', '"retry_delay_seconds":1e400'), expect: config('retry_delay_seconds', 'must be a finite number (JSON reads a number this large as infinity)') },
  { name: 'negative threads', config: (c) => void (c.parallel_threads = -4), expect: config('parallel_threads', 'must be at least 1') },
  { name: 'fractional threads', config: (c) => void (c.parallel_threads = 1.5), expect: config('parallel_threads', 'must be a whole number') },
  { name: 'port out of range', config: (c) => void (c.target.port = 70000), expect: config('target.port', 'must be at most 65535') },
  { name: 'truncate_onstart as a string', config: (c) => void (table(c).truncate_onstart = 'yes'), expect: config('tables[0].truncate_onstart', 'must be true or false, not a string') },
  { name: 'a look-back of ten years', config: (c) => void (table(c).watermark_lookback_seconds = 315_360_000), expect: config('tables[0].watermark_lookback_seconds', 'must be at most 31536000') },
  { name: 'ssl mode unknown', config: (c) => void (c.target.ssl = 'on'), expect: config('target.ssl', 'must be one of "disable", "prefer", "require", "verify-full"') },

  // ---- Hostile values in settings spliced into SQL if anything would ----
  {
    name: 'status_schema with a quote and a statement',
    config: (c) => void (c.status_schema = 'migration_status"; DROP SCHEMA public; --'),
    expect: config('status_schema', 'must be a PostgreSQL identifier: lower-case letters, digits and _, not starting with a digit'),
  },
  {
    name: 'column type with a statement after it',
    config: (c) => void (table(c).column_types = { NOTE: 'text); DROP TABLE y; --' }),
    expect: config('tables[0].column_types.NOTE', 'must be a PostgreSQL type name such as `double precision`, `numeric(38,0)`, `public.citext` or `text[]`'),
  },
  { name: 'access_url with a javascript: scheme', config: (c) => void (c.source.access_url = 'javascript:alert(1)'), expect: config('source.access_url', 'must be an http:// or https:// URL') },

  // ---- Secrets ----
  {
    name: 'a literal password',
    config: (c) => void (c.source.password = "p4ss'; DROP TABLE y; --"),
    expect: config('source.password', 'must not hold the secret itself: write "password": "${env:SNOWFLAKE_PASSWORD}" and set SNOWFLAKE_PASSWORD in the environment (the VS Code extension can supply it from its secret storage)'),
  },
  {
    name: 'an unset secret variable',
    config: () => undefined,
    env: { THAW_TEST_PG_PASSWORD: undefined },
    expect: config('target.password', 'environment variable THAW_TEST_PG_PASSWORD is not set (or is empty)'),
  },

  // ---- Source tables and columns (Snowflake answers) ----
  {
    name: 'a missing source table named like a statement',
    config: (c) => void (table(c).source_table = DROP_TABLE_NAME),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: `source_table "${DROP_TABLE_NAME}": ANALYTICS.PUBLIC.${DROP_TABLE_NAME} does not exist in Snowflake, or the role cannot see it (table=ANALYTICS.PUBLIC.${DROP_TABLE_NAME} path=source_table)`,
      context: { table: `ANALYTICS.PUBLIC.${DROP_TABLE_NAME}`, path: 'source_table' },
    },
  },
  {
    name: 'a missing source table close to an existing one',
    config: (c) => void (table(c).source_table = 'ORDER'),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: 'source_table "ORDER": ANALYTICS.PUBLIC.ORDER does not exist in Snowflake, or the role cannot see it (did you mean "ORDERS"?) (table=ANALYTICS.PUBLIC.ORDER path=source_table)',
      context: { table: 'ANALYTICS.PUBLIC.ORDER', path: 'source_table' },
    },
  },
  {
    name: 'a missing source schema',
    config: (c) => void (table(c).source_schema = 'STAGING'),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: 'source_table "ORDERS": ANALYTICS.STAGING.ORDERS does not exist in Snowflake, or the role cannot see it; schema ANALYTICS.STAGING has no table the role can see (table=ANALYTICS.STAGING.ORDERS path=source_table)',
      context: { table: 'ANALYTICS.STAGING.ORDERS', path: 'source_table' },
    },
  },
  {
    name: 'a split_column the table lacks',
    config: (c) => void (table(c).split_column = 'Id'),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: 'split_column "Id" is not a column of ANALYTICS.PUBLIC.ORDERS (did you mean "ID"?) (table=ANALYTICS.PUBLIC.ORDERS column=Id path=split_column)',
      context: { table: 'ANALYTICS.PUBLIC.ORDERS', column: 'Id', path: 'split_column' },
    },
  },
  {
    name: 'a VARIANT partition_column',
    config: (c) => void (table(c).partition_column = 'DOC'),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: 'partition_column "DOC" has type VARIANT; a partition_column must be one of NUMBER, DATE, TIMESTAMP_NTZ, TEXT (table=ANALYTICS.PUBLIC.ORDERS column=DOC path=partition_column)',
      context: { table: 'ANALYTICS.PUBLIC.ORDERS', column: 'DOC', path: 'partition_column' },
    },
  },
  {
    name: 'column_types naming no column',
    config: (c) => void (table(c).column_types = { NOTES: 'varchar(20)' }),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: 'column_types names "NOTES", which is not a column of the table (did you mean "NOTE"?) (column=NOTES path=tables[0].column_types.NOTES)',
      context: { column: 'NOTES', path: 'tables[0].column_types.NOTES' },
    },
  },
  {
    name: 'a column name longer than PostgreSQL keeps',
    config: (c) => void (table(c).source_table = SOURCE.longColumn),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: `column "${SOURCE.longColumnName}" becomes the PostgreSQL column "${SOURCE.longColumnName.toLowerCase()}", which is 70 bytes long in UTF-8; PostgreSQL keeps only the first 63 bytes of a name and would cut the rest off (column=${SOURCE.longColumnName})`,
      context: { column: SOURCE.longColumnName },
    },
  },
  {
    name: 'a column type Thaw cannot move',
    config: (c) => void (table(c).source_table = SOURCE.shapes),
    expect: {
      kind: 'refused',
      name: 'DefinitionError',
      message: 'column AREA has type GEOGRAPHY, which Thaw cannot move (supported: NUMBER, FLOAT, TEXT, BOOLEAN, DATE, TIME, TIMESTAMP_NTZ, TIMESTAMP_LTZ, TIMESTAMP_TZ, VARIANT, OBJECT, ARRAY, BINARY) (table=ANALYTICS.PUBLIC.SHAPES column=AREA)',
      context: { table: 'ANALYTICS.PUBLIC.SHAPES', column: 'AREA' },
    },
  },

  // ---- Privileges ----
  {
    name: 'Snowflake: the role may not read the table',
    config: (c) => void ((c.source.role = SOURCE_READER_ROLE), (table(c).source_table = SOURCE.restricted)),
    expect: {
      kind: 'refused',
      name: 'PrivilegeError',
      message: `Snowflake refused ${SOURCE_READER_ROLE} (SQL access control error: Insufficient privileges to operate on table '${SOURCE.restricted}'): grant it SELECT, e.g. GRANT SELECT ON TABLE ANALYTICS.PUBLIC.${SOURCE.restricted} TO ROLE ${SOURCE_READER_ROLE} (see "Least privilege" in the README) (table=ANALYTICS.PUBLIC.${SOURCE.restricted} code=003001)`,
      context: { table: `ANALYTICS.PUBLIC.${SOURCE.restricted}`, code: '003001' },
    },
  },
  {
    name: 'PostgreSQL: a role that may not create the status schema',
    config: (c) => void (c.target.user = ROLES.nobody),
    expect: {
      kind: 'refused',
      name: 'PrivilegeError',
      message: `status_schema "migration_status" does not exist and role ${ROLES.nobody} may not create it (no CREATE on database <database>): create it with CREATE SCHEMA "migration_status" AUTHORIZATION "${ROLES.nobody}", or GRANT CREATE ON DATABASE "<database>" TO "${ROLES.nobody}" (path=status_schema)`,
      context: { path: 'status_schema' },
    },
  },
  {
    name: 'PostgreSQL: a missing target schema the role may not create',
    config: (c) => void (asLoader(c), (table(c).target_schema = 'brand_new')),
    expect: {
      kind: 'refused',
      name: 'PrivilegeError',
      message: `target_schema "brand_new" does not exist and role ${ROLES.loader} may not create it (no CREATE on database <database>): create it with CREATE SCHEMA "brand_new" AUTHORIZATION "${ROLES.loader}", or GRANT CREATE ON DATABASE "<database>" TO "${ROLES.loader}" (table=brand_new.orders path=tables[0].target_schema)`,
      context: { table: 'brand_new.orders', path: 'tables[0].target_schema' },
    },
  },
  {
    name: 'PostgreSQL: a target schema without USAGE',
    config: (c) => void (asLoader(c), (table(c).target_schema = LOCKED_SCHEMA)),
    expect: {
      kind: 'refused',
      name: 'PrivilegeError',
      message: `role ${ROLES.loader} lacks USAGE and CREATE on target_schema "${LOCKED_SCHEMA}": GRANT USAGE, CREATE ON SCHEMA "${LOCKED_SCHEMA}" TO "${ROLES.loader}" (table=${LOCKED_SCHEMA}.orders path=tables[0].target_schema)`,
      context: { table: `${LOCKED_SCHEMA}.orders`, path: 'tables[0].target_schema' },
    },
  },
  {
    name: 'PostgreSQL: an existing target table without INSERT',
    config: (c) => void (asLoader(c), Object.assign(table(c), { target_schema: SHARED_SCHEMA, target_table: READ_ONLY_TABLE })),
    expect: {
      kind: 'refused',
      name: 'PrivilegeError',
      message: `role ${ROLES.loader} lacks INSERT on target table ${SHARED_SCHEMA}.${READ_ONLY_TABLE}: GRANT INSERT ON "${SHARED_SCHEMA}"."${READ_ONLY_TABLE}" TO "${ROLES.loader}" (table=${SHARED_SCHEMA}.${READ_ONLY_TABLE} path=tables[0].target_table)`,
      context: { table: `${SHARED_SCHEMA}.${READ_ONLY_TABLE}`, path: 'tables[0].target_table' },
    },
  },
  {
    name: 'PostgreSQL: truncate_onstart without TRUNCATE',
    config: (c) => void (asLoader(c), Object.assign(table(c), { target_schema: SHARED_SCHEMA, target_table: APPEND_ONLY_TABLE, truncate_onstart: true })),
    expect: {
      kind: 'refused',
      name: 'PrivilegeError',
      message: `role ${ROLES.loader} lacks TRUNCATE on target table ${SHARED_SCHEMA}.${APPEND_ONLY_TABLE}: GRANT TRUNCATE ON "${SHARED_SCHEMA}"."${APPEND_ONLY_TABLE}" TO "${ROLES.loader}" (table=${SHARED_SCHEMA}.${APPEND_ONLY_TABLE} path=tables[0].target_table)`,
      context: { table: `${SHARED_SCHEMA}.${APPEND_ONLY_TABLE}`, path: 'tables[0].target_table' },
    },
  },
];
