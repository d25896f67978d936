// From a validated config to the form the engine uses: every table carries its effective settings,
// and secrets are read from the environment into Secrets that never print.

import { resolve as resolvePath } from 'node:path';
import type { ConfigIssue } from '../errors';
import type { ExtractMode, NulPolicy, SchemaChangePolicy, SnapshotMode, SslMode, ThawConfig, UnloadCompression } from './schema';
import { referencedVariable, Secret } from './secret';

export type Env = Readonly<Record<string, string | undefined>>;

export type SourceAuth =
  | { method: 'password'; password: Secret }
  | { method: 'token'; token: Secret }
  | { method: 'key_pair'; private_key_path: string; private_key_passphrase: Secret | undefined };

export interface ResolvedSource {
  account: string;
  username: string;
  warehouse: string;
  database: string;
  schema: string;
  role: string | undefined;
  access_url: string | undefined;
  auth: SourceAuth;
}

/**
 * Either the whole connection string (host, port and database are read out of it, for display and
 * the config hash), or the separate parameters with their defaults applied.
 */
export type ResolvedTarget =
  | { kind: 'connection_string'; connection_string: Secret; host: string; port: number; database: string }
  | {
      kind: 'parameters';
      host: string;
      port: number;
      database: string;
      user: string;
      password: Secret | undefined;
      ssl: SslMode;
      /** Absolute path of the CA file `verify-full` trusts; undefined: the system's CAs. */
      ssl_root_cert: string | undefined;
    };

export interface ResolvedTable {
  /** `target_schema.target_table`: how messages and status rows name the table. */
  name: string;
  source_schema: string;
  source_table: string;
  target_schema: string;
  target_table: string;
  partition_column: string | null;
  split_column: string;
  /** Empty when the config gives none. */
  primary_key: string[];
  truncate_onstart: boolean;
  insert_only_mode: boolean;
  on_nul_character: NulPolicy;
  source_watermark: string | null;
  target_watermark: string | null;
  watermark_lookback_seconds: number;
  on_schema_change: SchemaChangePolicy;
  column_types: Record<string, string>;
  /** Source columns `thaw verify` checksums; null: every column. */
  verify_columns: string[] | null;
}

/** The config as the engine uses it: defaults applied, table settings merged, secrets read. */
export interface ResolvedConfig {
  source: ResolvedSource;
  target: ResolvedTarget;
  status_schema: string;
  parallel_threads: number;
  batch_size: number;
  max_worker_memory_mb: number;
  max_attempts: number;
  retry_delay_seconds: number;
  worker_heartbeat_timeout_seconds: number;
  target_outage_seconds: number;
  consistent_snapshot: boolean;
  extract_mode: ExtractMode;
  unload_min_rows: number;
  /** The stage named in the config, as written; undefined: Thaw's own. */
  unload_stage: string | undefined;
  unload_compression: UnloadCompression;
  snapshot: SnapshotMode;
  /** Where snapshot clones go; null: each table's source schema. */
  snapshot_clone_schema: string | null;
  tables: ResolvedTable[];
}

export interface ResolveOptions {
  env: Env;
  /** Directory that a relative private_key_path is relative to. */
  baseDir: string;
  /**
   * false: the command opens no Snowflake connection (status, stop, abandon, tune --threads), so a
   * source secret missing from the environment is no problem: an operator with database access
   * alone can act on a run. Such a config's source secrets reveal ''.
   */
  sourceSecrets?: boolean;
}

export type Resolved = { ok: true; config: ResolvedConfig } | { ok: false; issues: ConfigIssue[] };

export function resolveConfig(config: ThawConfig, options: ResolveOptions): Resolved {
  const issues: ConfigIssue[] = [];
  const secret = (reference: string, path: string, required = true): Secret => {
    // The schema has already checked the shape of the reference.
    const variable = referencedVariable(reference) ?? '';
    const value = options.env[variable];
    if (required && (value === undefined || value === '')) issues.push({ path, message: `environment variable ${variable} is not set (or is empty)` });
    return new Secret(value ?? '', variable);
  };
  const sourceSecret = (reference: string, path: string) => secret(reference, path, options.sourceSecrets ?? true);

  const source = resolveSource(config, sourceSecret, options.baseDir);
  const target = resolveTarget(config, secret, issues, options);
  const tables = config.tables.map((t): ResolvedTable => {
    const target_table = t.target_table ?? t.source_table.toLowerCase();
    return {
      name: `${t.target_schema}.${target_table}`,
      source_schema: t.source_schema ?? config.source.schema,
      source_table: t.source_table,
      target_schema: t.target_schema,
      target_table,
      partition_column: t.partition_column ?? null,
      split_column: t.split_column,
      primary_key: t.primary_key ?? [],
      truncate_onstart: t.truncate_onstart ?? config.truncate_onstart,
      insert_only_mode: t.insert_only_mode ?? config.insert_only_mode,
      on_nul_character: t.on_nul_character ?? config.on_nul_character,
      source_watermark: t.source_watermark ?? null,
      target_watermark: t.target_watermark ?? null,
      watermark_lookback_seconds: t.watermark_lookback_seconds ?? config.watermark_lookback_seconds,
      on_schema_change: t.on_schema_change ?? config.on_schema_change,
      column_types: { ...t.column_types },
      verify_columns: t.verify?.columns ? [...t.verify.columns] : null,
    };
  });
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    config: {
      source,
      target,
      status_schema: config.status_schema,
      parallel_threads: config.parallel_threads,
      batch_size: config.batch_size,
      max_worker_memory_mb: config.max_worker_memory_mb,
      max_attempts: config.max_attempts,
      retry_delay_seconds: config.retry_delay_seconds,
      worker_heartbeat_timeout_seconds: config.worker_heartbeat_timeout_seconds,
      target_outage_seconds: config.target_outage_seconds,
      consistent_snapshot: config.consistent_snapshot,
      extract_mode: config.extract_mode,
      unload_min_rows: config.unload_min_rows,
      unload_stage: config.unload_stage,
      unload_compression: config.unload_compression,
      snapshot: config.snapshot,
      snapshot_clone_schema: config.snapshot_clone_schema ?? null,
      tables,
    },
  };
}

function resolveSource(config: ThawConfig, secret: (reference: string, path: string) => Secret, baseDir: string): ResolvedSource {
  const s = config.source;
  let auth: SourceAuth;
  if (s.password !== undefined) auth = { method: 'password', password: secret(s.password, 'source.password') };
  else if (s.token !== undefined) auth = { method: 'token', token: secret(s.token, 'source.token') };
  else {
    // The schema guarantees one method; key pair is what remains.
    auth = {
      method: 'key_pair',
      private_key_path: resolvePath(baseDir, s.private_key_path ?? ''),
      private_key_passphrase: s.private_key_passphrase === undefined ? undefined : secret(s.private_key_passphrase, 'source.private_key_passphrase'),
    };
  }
  return {
    account: s.account,
    username: s.username,
    warehouse: s.warehouse,
    database: s.database,
    schema: s.schema,
    role: s.role,
    access_url: s.access_url,
    auth,
  };
}

const DEFAULT_PORT = 5432;

function resolveTarget(config: ThawConfig, secret: (reference: string, path: string) => Secret, issues: ConfigIssue[], options: ResolveOptions): ResolvedTarget {
  const t = config.target;
  if (t.connection_string !== undefined) {
    const connection_string = secret(t.connection_string, 'target.connection_string');
    const where = connectionStringTarget(connection_string.reveal());
    if (!where && connection_string.reveal() !== '') {
      // Never quote the string: it usually holds a password.
      issues.push({ path: 'target.connection_string', message: `environment variable ${connection_string.variable} does not hold a postgres://user:password@host:port/database URL` });
    }
    return { kind: 'connection_string', connection_string, host: '', port: DEFAULT_PORT, database: '', ...where };
  }
  return {
    kind: 'parameters',
    // The schema requires host, database and user when there is no connection string.
    host: t.host ?? '',
    port: t.port ?? DEFAULT_PORT,
    database: t.database ?? '',
    user: t.user ?? '',
    password: t.password === undefined ? undefined : secret(t.password, 'target.password'),
    ssl: t.ssl ?? 'prefer',
    ssl_root_cert: t.ssl_root_cert === undefined ? undefined : resolveFilePath(t.ssl_root_cert, 'target.ssl_root_cert', options, issues),
  };
}

/** A path, or `${env:NAME}` naming a variable that holds one; relative to the config's directory. */
function resolveFilePath(value: string, path: string, options: ResolveOptions, issues: ConfigIssue[]): string {
  const variable = referencedVariable(value);
  const text = variable === undefined ? value : options.env[variable];
  if (text === undefined || text === '') {
    issues.push({ path, message: `environment variable ${variable} is not set (or is empty)` });
    return '';
  }
  return resolvePath(options.baseDir, text);
}

/** Host, port and database named by a libpq-style URL, as node-postgres reads them. */
function connectionStringTarget(text: string): { host: string; port: number; database: string } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
  const host = decodeURIComponent(url.hostname) || url.searchParams.get('host') || 'localhost';
  const port = Number(url.port || url.searchParams.get('port') || DEFAULT_PORT);
  // Like node-postgres, a URL without a database means the database named after the user.
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || url.searchParams.get('dbname') || decodeURIComponent(url.username);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port, database };
}
