// The one definition of config.json: validation, defaults, the inferred TypeScript types and the
// JSON Schema editors use (scripts/generate-schema.ts) all come from here. Objects are strict so a
// misspelt key is an error rather than a silently ignored setting.

import { z } from 'zod';
import { pgNameProblem } from '../types/pgName';
import { PG_TYPE_NAME, PG_TYPE_NAME_HELP } from '../types/pgTypeName';
import { ENV_REFERENCE } from './secret';

const text = () => z.string().min(1, 'must not be empty');

function secretReference(key: string, exampleVariable: string) {
  const hint = `write "${key}": "\${env:${exampleVariable}}" and set ${exampleVariable} in the environment (the VS Code extension can supply it from its secret storage)`;
  // The message never quotes the value: it may be the very secret we refuse to hold.
  return z.string().regex(ENV_REFERENCE, {
    error: (issue) =>
      typeof issue.input === 'string' && issue.input.includes('${')
        ? `is not a valid reference: ${hint}`
        : `must not hold the secret itself: ${hint}`,
  });
}

/** Lower-case so that the name means the same quoted or unquoted in SQL. */
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const pgIdentifier = z
  .string()
  .max(63, 'must be at most 63 characters (PostgreSQL truncates longer names)')
  .regex(PG_IDENTIFIER, 'must be a PostgreSQL identifier: lower-case letters, digits and _, not starting with a digit');

/** A schema or table name Thaw creates in PostgreSQL: any text (it is always quoted) that PostgreSQL keeps whole. */
const pgName = () => text().superRefine((name, ctx) => {
  const problem = pgNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-full'] as const;
export const NUL_POLICIES = ['error', 'strip'] as const;
export const EXTRACT_MODES = ['auto', 'unload', 'query'] as const;
export const UNLOAD_COMPRESSIONS = ['gzip', 'none'] as const;
export const SCHEMA_CHANGE_POLICIES = ['fail', 'add_columns'] as const;
export const SNAPSHOT_MODES = ['auto', 'time_travel', 'clone'] as const;

const nulPolicy = z.enum(NUL_POLICIES);
const nulPolicyHelp =
  'What to do with U+0000 in text, which PostgreSQL cannot store: `error` fails the chunk naming the row, `strip` removes the character.';

export const sourceSchema = z
  .strictObject({
    account: text().meta({ title: 'Account', description: 'Snowflake account identifier, e.g. `xy12345.us-east-1` or `myorg-myaccount`.' }),
    username: text().meta({ title: 'User name', description: 'Snowflake user to log in as.' }),
    warehouse: text().meta({ title: 'Warehouse', description: 'Warehouse that runs the chunk queries.' }),
    database: text().meta({ title: 'Database', description: 'Snowflake database holding the source tables.' }),
    schema: text()
      .default('PUBLIC')
      .meta({ title: 'Schema', description: 'Default schema of the source tables; a table’s `source_schema` overrides it.' }),
    role: text().optional().meta({ title: 'Role', description: 'Role to use; the user’s default role when absent.' }),
    access_url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional()
      .meta({
        title: 'Access URL',
        description: 'Where to reach Snowflake instead of the account’s public URL: a private link, or `http://127.0.0.1:PORT` for `thaw emulator`.',
      }),
    password: secretReference('password', 'SNOWFLAKE_PASSWORD')
      .optional()
      .meta({ title: 'Password', description: 'Password, as a reference `${env:NAME}`. Use exactly one of password, token and private_key_path.' }),
    token: secretReference('token', 'SNOWFLAKE_TOKEN')
      .optional()
      .meta({ title: 'Programmatic access token', description: 'Programmatic access token, as a reference `${env:NAME}`. Use exactly one of password, token and private_key_path.' }),
    private_key_path: text()
      .optional()
      .meta({ title: 'Private key file', description: 'PEM file of the key for key-pair authentication; a relative path is relative to this config file. Use exactly one of password, token and private_key_path.' }),
    private_key_passphrase: secretReference('private_key_passphrase', 'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE')
      .optional()
      .meta({ title: 'Private key passphrase', description: 'Passphrase of an encrypted private key, as a reference `${env:NAME}`.' }),
  })
  .superRefine((source, ctx) => {
    const methods = (['password', 'token', 'private_key_path'] as const).filter((k) => source[k] !== undefined);
    if (methods.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'needs one way to authenticate: password, token or private_key_path' });
    }
    for (const extra of methods.slice(1)) {
      ctx.addIssue({ code: 'custom', path: [extra], message: `choose one way to authenticate: ${methods.join(' and ')} are ${methods.length === 2 ? 'both' : 'all'} set` });
    }
    if (source.private_key_passphrase !== undefined && source.private_key_path === undefined) {
      ctx.addIssue({ code: 'custom', path: ['private_key_passphrase'], message: 'only means something together with private_key_path' });
    }
  })
  .meta({
    title: 'Snowflake source',
    description: 'Where the data comes from. Authenticate with exactly one of password, token or private_key_path.',
    oneOf: [{ required: ['password'] }, { required: ['token'] }, { required: ['private_key_path'] }],
  });

const TARGET_PARAMETERS = ['host', 'port', 'database', 'user', 'password', 'ssl', 'ssl_root_cert'] as const;

export const targetSchema = z
  .strictObject({
    connection_string: secretReference('connection_string', 'DATABASE_URL')
      .optional()
      .meta({ title: 'Connection string', description: 'A `postgres://user:password@host:port/database?sslmode=...` URL, as a reference `${env:NAME}`. Replaces all other target keys.' }),
    host: text().optional().meta({ title: 'Host', description: 'PostgreSQL host name or address (or a Unix socket directory).' }),
    port: z.int().min(1).max(65535).optional().meta({ title: 'Port', description: 'PostgreSQL port.', default: 5432 }),
    database: text().optional().meta({ title: 'Database', description: 'PostgreSQL database to load into.' }),
    user: text().optional().meta({ title: 'User', description: 'PostgreSQL role to log in as.' }),
    password: secretReference('password', 'PGPASSWORD')
      .optional()
      .meta({ title: 'Password', description: 'Password, as a reference `${env:NAME}`. Optional: without it PostgreSQL may use PGPASSWORD or ~/.pgpass.' }),
    ssl: z
      .enum(SSL_MODES)
      .optional()
      .meta({
        title: 'TLS mode',
        description: '`disable`, `prefer` (TLS when the server offers it), `require` (TLS, certificate not checked) or `verify-full` (the certificate must be signed by a trusted CA and name the host).',
        default: 'prefer',
      }),
    ssl_root_cert: text()
      .optional()
      .meta({
        title: 'TLS root certificate',
        description:
          'PEM file of the CA(s) that `verify-full` trusts, instead of the system’s: a path (relative to this config file) or `${env:NAME}`, a variable holding the path.',
      }),
  })
  .superRefine((target, ctx) => {
    if (target.connection_string !== undefined) {
      for (const key of TARGET_PARAMETERS) {
        if (target[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'cannot be combined with connection_string: put it in the connection string, or drop connection_string' });
        }
      }
      return;
    }
    for (const key of ['host', 'database', 'user'] as const) {
      if (target[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required (or give connection_string instead)' });
    }
    if (target.ssl_root_cert !== undefined && target.ssl !== 'verify-full') {
      ctx.addIssue({ code: 'custom', path: ['ssl_root_cert'], message: 'only means something with "ssl": "verify-full"' });
    }
  })
  .meta({
    title: 'PostgreSQL target',
    description: 'Where the data goes: either connection_string, or host, port, database, user, password and ssl.',
    oneOf: [
      { required: ['connection_string'], not: { anyOf: TARGET_PARAMETERS.map((key) => ({ required: [key] })) } },
      { required: ['host', 'database', 'user'], not: { required: ['connection_string'] } },
    ],
  });

const schemaChange = z.enum(SCHEMA_CHANGE_POLICIES);
const schemaChangeHelp =
  'What a run does when the source has a column the existing target table lacks: `fail` stops before any data moves, naming the column; `add_columns` adds it with the mapped type. A column gone from the source, or a type the target cannot take, always stops the run.';
const lookback = z.number().min(0).max(31_536_000);
const lookbackHelp =
  'Incremental loads re-read source rows whose source_watermark is at most this many seconds before MAX(target_watermark) in the target, so rows that arrive late are not missed.';

const watermarkHelp =
  'Column compared to load only changed rows (incremental loads); null for full loads. source_watermark and target_watermark are set together or not at all.';

const verifySchema = z
  .strictObject({
    columns: z
      .array(text())
      .min(1, 'must list at least one column')
      .optional()
      .meta({
        title: 'Checksum columns',
        description:
          'Source column names whose values `thaw verify` checksums, e.g. `["VISIT_ID", "SCORE"]`; every column when absent. Row counts always cover every row.',
      }),
  })
  .superRefine((verify, ctx) => {
    const seen = new Set<string>();
    verify.columns?.forEach((column, i) => {
      if (seen.has(column)) ctx.addIssue({ code: 'custom', path: ['columns', i], message: `lists ${column} twice` });
      seen.add(column);
    });
  })
  .meta({ title: 'Verify', description: 'How `thaw verify` compares this table with its source.' });

export const tableSchema = z
  .strictObject({
    source_table: text().meta({ title: 'Source table', description: 'Snowflake table name, as Snowflake stores it (upper case when created unquoted).' }),
    source_schema: text().optional().meta({ title: 'Source schema', description: 'Snowflake schema of this table; defaults to source.schema.' }),
    target_schema: pgName().meta({ title: 'Target schema', description: 'PostgreSQL schema to load into.' }),
    target_table: pgName().optional().meta({ title: 'Target table', description: 'PostgreSQL table name; defaults to source_table in lower case.' }),
    partition_column: text()
      .nullable()
      .optional()
      .meta({ title: 'Partition column', description: 'Column (usually a date) whose distinct values split the table first; chunks never span two values. Absent or null: no partitioning.' }),
    split_column: text().meta({ title: 'Split column', description: 'Column whose value ranges cut each partition into chunks of about batch_size rows; ideally unique and indexed, like the primary key.' }),
    primary_key: z
      .array(text())
      .min(1, 'must list at least one column')
      .optional()
      .meta({ title: 'Primary key', description: 'Source column names of the primary key. Required when insert_only_mode is false (upserts match rows on it).' }),
    truncate_onstart: z.boolean().optional().meta({ title: 'Truncate on start', description: 'Empty the target table when a run starts (never on resume). Overrides the top-level truncate_onstart.' }),
    insert_only_mode: z.boolean().optional().meta({ title: 'Insert-only mode', description: 'true: plain COPY (fastest; for full loads). false: upsert on primary_key. Overrides the top-level insert_only_mode.' }),
    on_nul_character: nulPolicy.optional().meta({ title: 'On NUL character', description: `${nulPolicyHelp} Overrides the top-level on_nul_character.` }),
    source_watermark: text().nullable().optional().meta({ title: 'Source watermark', description: watermarkHelp }),
    target_watermark: text().nullable().optional().meta({ title: 'Target watermark', description: watermarkHelp }),
    watermark_lookback_seconds: lookback.optional().meta({ title: 'Watermark look-back (s)', description: `${lookbackHelp} Overrides the top-level watermark_lookback_seconds.` }),
    on_schema_change: schemaChange.optional().meta({ title: 'On schema change', description: `${schemaChangeHelp} Overrides the top-level on_schema_change.` }),
    column_types: z
      .record(text(), z.string().regex(PG_TYPE_NAME, PG_TYPE_NAME_HELP))
      .optional()
      .meta({ title: 'Column types', description: 'PostgreSQL type per source column name, replacing the type Thaw would choose, e.g. `{ "SCORE": "double precision" }`.' }),
    verify: verifySchema.optional(),
  })
  .superRefine((table, ctx) => {
    const hasSource = table.source_watermark != null;
    if (hasSource !== (table.target_watermark != null)) {
      const missing = hasSource ? 'target_watermark' : 'source_watermark';
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required because ${hasSource ? 'source_watermark' : 'target_watermark'} is set: give both watermarks or neither` });
    }
    const seen = new Set<string>();
    table.primary_key?.forEach((column, i) => {
      if (seen.has(column)) ctx.addIssue({ code: 'custom', path: ['primary_key', i], message: `lists ${column} twice` });
      seen.add(column);
    });
  })
  .meta({ title: 'Table', description: 'One table to migrate. Table-level keys override the top-level ones of the same name.' });

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ title: 'JSON Schema', description: 'Marks this file as a Thaw config for editors and for the VS Code extension.' }),
    source: sourceSchema,
    target: targetSchema,
    status_schema: pgIdentifier
      .default('migration_status')
      .meta({ title: 'Status schema', description: 'PostgreSQL schema of the status tables (runs, tables, chunks, workers).' }),
    parallel_threads: z
      .int()
      .min(1)
      .max(256)
      .default(4)
      .meta({ title: 'Parallel threads', description: 'Chunks loaded at the same time. A tunable: may change between resumes.' }),
    batch_size: z
      .int()
      .min(1)
      .max(10_000_000)
      .default(25000)
      .meta({ title: 'Batch size', description: 'Target number of rows per chunk. A tunable: may change between resumes.' }),
    max_worker_memory_mb: z
      .int()
      .min(128)
      .max(1_048_576)
      .default(2048)
      .meta({ title: 'Worker memory (MB)', description: 'Memory budget of one worker process; parallelism is held back to stay under it.' }),
    max_attempts: z
      .int()
      .min(1)
      .max(100)
      .default(5)
      .meta({ title: 'Max attempts', description: 'Tries per chunk (with backoff) before it is marked failed.' }),
    retry_delay_seconds: z
      .number()
      .min(0)
      .max(3600)
      .default(5)
      .meta({ title: 'Retry delay (s)', description: 'Wait after a chunk’s first transient failure; doubled per further attempt, at most 5 minutes.' }),
    worker_heartbeat_timeout_seconds: z
      .int()
      .min(5)
      .max(3600)
      .default(30)
      .meta({
        title: 'Worker heartbeat timeout (s)',
        description: 'A worker silent for this long is dead: another worker takes back its chunks. Workers on this host whose process is gone are found at once.',
      }),
    target_outage_seconds: z
      .int()
      .min(0)
      .max(86_400)
      .default(60)
      .meta({ title: 'Target outage (s)', description: 'How long a worker waits for PostgreSQL to answer again before the run stops with exit 1.' }),
    consistent_snapshot: z
      .boolean()
      .default(true)
      .meta({ title: 'Consistent snapshot', description: 'Read every chunk at the plan’s Time-Travel snapshot, so the target matches one moment of the source.' }),
    snapshot: z
      .enum(SNAPSHOT_MODES)
      .default('auto')
      .meta({
        title: 'Snapshot',
        description:
          'How chunks read the plan’s snapshot (with consistent_snapshot): `time_travel` reads each table AT the snapshot, which fails once the run outlives the table’s DATA_RETENTION_TIME_IN_DAYS; `clone` reads a zero-copy CLONE made at plan time, which cannot expire and is dropped when the run completes or is abandoned; `auto` chooses the clone when the run’s estimate passes a table’s retention.',
      }),
    snapshot_clone_schema: text()
      .optional()
      .meta({
        title: 'Snapshot clone schema',
        description: 'Snowflake schema (of source.database) where snapshot clones are created; defaults to each table’s source schema. The role needs CREATE TABLE there.',
      }),
    on_nul_character: nulPolicy.default('error').meta({ title: 'On NUL character', description: nulPolicyHelp }),
    extract_mode: z
      .enum(EXTRACT_MODES)
      .default('auto')
      .meta({
        title: 'Extract mode',
        description:
          'How chunks leave Snowflake. `unload`: COPY INTO a named internal stage, files streamed through presigned URLs (least loader CPU per row; needs CREATE STAGE or READ/WRITE on `unload_stage`). `query`: one streaming query per chunk through the driver (needs only SELECT). `auto`: chunks of at least `unload_min_rows` rows unload, smaller ones take the query path, and all take it when unloading is refused (logged once).',
      }),
    unload_min_rows: z
      .int()
      .min(1)
      .max(10_000_000)
      .default(10_000)
      .meta({
        title: 'Unload from (rows)',
        description:
          'With extract_mode `auto`: chunks planned below this many rows take the query path. An unload costs three extra statements and, on Snowflake, a second or more of latency per chunk, while saving the query path’s JSON decoding (~3 µs of loader CPU per row): below ~10,000 rows the latency outweighs the saving.',
      }),
    unload_stage: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/, 'must be a stage name: STAGE, SCHEMA.STAGE or DATABASE.SCHEMA.STAGE (unquoted identifiers)')
      .optional()
      .meta({
        title: 'Unload stage',
        description:
          'Named internal stage for the unload path, created with ENCRYPTION = (TYPE = \'SNOWFLAKE_SSE\') (presigned URLs need it). Absent: Thaw creates THAW_UNLOAD_STAGE in the source database and schema.',
      }),
    unload_compression: z
      .enum(UNLOAD_COMPRESSIONS)
      .default('gzip')
      .meta({
        title: 'Unload compression',
        description:
          'How the unload path\'s files are written. `gzip`: about a third of the bytes to store and download, and the loader spends ~0.7 µs of CPU per 440-byte row on gunzip. `none`: no decompression, three times the bytes downloaded: for a loader in the stage\'s cloud region, where bandwidth is not the limit.',
      }),
    truncate_onstart: z
      .boolean()
      .default(false)
      .meta({ title: 'Truncate on start', description: 'Default for tables: empty the target table when a run starts (never on resume).' }),
    insert_only_mode: z
      .boolean()
      .default(true)
      .meta({ title: 'Insert-only mode', description: 'Default for tables: true loads with plain COPY; false upserts on primary_key.' }),
    watermark_lookback_seconds: lookback.default(0).meta({ title: 'Watermark look-back (s)', description: lookbackHelp }),
    on_schema_change: schemaChange.default('fail').meta({ title: 'On schema change', description: schemaChangeHelp }),
    tables: z
      .array(tableSchema)
      .min(1, 'must list at least one table')
      .meta({ title: 'Tables', description: 'The tables to migrate.' }),
  })
  .superRefine((config, ctx) => {
    const targets = new Map<string, number>();
    config.tables.forEach((table, i) => {
      const target = `${table.target_schema}.${table.target_table ?? table.source_table.toLowerCase()}`;
      const defaultName = table.target_table === undefined ? pgNameProblem(table.source_table.toLowerCase()) : undefined;
      if (defaultName) {
        ctx.addIssue({ code: 'custom', path: ['tables', i, 'source_table'], message: `as the target table name (lower-cased) ${defaultName.replace(/^is/, 'it is')}: give a target_table` });
      }
      const first = targets.get(target);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['tables', i, 'target_table'], message: `loads into ${target} like tables[${first}]: each table needs its own target` });
      } else {
        targets.set(target, i);
      }
      if (!(table.insert_only_mode ?? config.insert_only_mode) && table.primary_key === undefined) {
        const why = table.insert_only_mode === undefined ? 'the top-level insert_only_mode is false' : 'insert_only_mode is false';
        ctx.addIssue({ code: 'custom', path: ['tables', i, 'primary_key'], message: `is required because ${why} (upserts match rows on the primary key)` });
      }
      if (table.source_watermark != null && (table.insert_only_mode ?? config.insert_only_mode)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tables', i, 'source_watermark'],
          message: 'needs "insert_only_mode": false: an incremental load re-reads rows inside the look-back window and must upsert them on primary_key, not append them twice',
        });
      }
    });
  })
  .meta({
    title: 'Thaw migration config',
    description: 'What Thaw migrates from Snowflake to PostgreSQL, and how.',
  });

/** config.json as validated, defaults applied; secrets are still `${env:NAME}` references. */
export type ThawConfig = z.output<typeof configSchema>;
/** config.json as written. */
export type ThawConfigInput = z.input<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type TableConfig = z.output<typeof tableSchema>;
export type SslMode = (typeof SSL_MODES)[number];
export type NulPolicy = (typeof NUL_POLICIES)[number];
export type ExtractMode = (typeof EXTRACT_MODES)[number];
export type UnloadCompression = (typeof UNLOAD_COMPRESSIONS)[number];
/** How logs and reports name the files an unload compression writes. */
export const UNLOAD_FILES: Readonly<Record<UnloadCompression, string>> = { gzip: 'gzipped', none: 'uncompressed' };
export type SchemaChangePolicy = (typeof SCHEMA_CHANGE_POLICIES)[number];
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];
