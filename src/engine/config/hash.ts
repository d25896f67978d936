// What makes a run "the same migration": which data goes where and how it is keyed. Resume
// refuses a config whose hash differs from the run's. Tunables (threads, batch size, memory,
// attempts), truncate_onstart (it only acts when a run starts) and on_nul_character (switching to
// `strip` and retrying is how a user gets past bad text) stay out, as do secrets and users.
//
// consistent_snapshot is in: a run whose chunks read partly at the plan's snapshot and partly at
// the present could not match the row counts the plan recorded.

import { createHash } from 'node:crypto';
import type { ResolvedConfig, ResolvedTable } from './resolve';

export type TableIdentity = Pick<
  ResolvedTable,
  | 'source_schema'
  | 'source_table'
  | 'target_schema'
  | 'target_table'
  | 'partition_column'
  | 'split_column'
  | 'primary_key'
  | 'column_types'
  | 'insert_only_mode'
  | 'source_watermark'
  | 'target_watermark'
>;

/**
 * The part of a config the hash covers, as plain JSON holding no secret: a run can store it next
 * to its hash so that a refused resume can say what changed.
 */
export interface ConfigIdentity {
  version: 1;
  source: { account: string; database: string; schema: string; access_host: string | null };
  target: { host: string; port: number; database: string };
  status_schema: string;
  consistent_snapshot: boolean;
  /** Sorted by target, so the order of `tables` in the file does not matter. */
  tables: TableIdentity[];
}

export function configIdentity(config: ResolvedConfig): ConfigIdentity {
  const { source, target } = config;
  return {
    version: 1,
    source: {
      // Account names and host names are case-insensitive; database and schema are left as written.
      account: source.account.toLowerCase(),
      database: source.database,
      schema: source.schema,
      access_host: source.access_url ? new URL(source.access_url).hostname.toLowerCase() : null,
    },
    target: {
      host: target.host.startsWith('/') ? target.host : target.host.toLowerCase(),
      port: target.port,
      database: target.database,
    },
    status_schema: config.status_schema,
    consistent_snapshot: config.consistent_snapshot,
    tables: config.tables.map(tableIdentity).sort((a, b) => compare(targetName(a), targetName(b))),
  };
}

function tableIdentity(t: ResolvedTable): TableIdentity {
  return {
    source_schema: t.source_schema,
    source_table: t.source_table,
    target_schema: t.target_schema,
    target_table: t.target_table,
    partition_column: t.partition_column,
    split_column: t.split_column,
    primary_key: [...t.primary_key],
    column_types: { ...t.column_types },
    insert_only_mode: t.insert_only_mode,
    source_watermark: t.source_watermark,
    target_watermark: t.target_watermark,
  };
}

/** sha256 (hex) of the config's identity in canonical JSON (keys sorted at every level). */
export function configHash(config: ResolvedConfig): string {
  return hashIdentity(configIdentity(config));
}

export function hashIdentity(identity: ConfigIdentity): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compare(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What differs between the identity a run was started with and the current one, one line per
 * change, e.g. `table analytics.visits: split_column "VISIT_ID" → "VISIT_KEY"`. Empty when the
 * two hash the same.
 */
export function describeIdentityChanges(before: ConfigIdentity, after: ConfigIdentity): string[] {
  if (before.version !== after.version) return [`the run's config hash was computed by another version of Thaw (identity v${before.version}, now v${after.version})`];
  const changes: string[] = [];
  for (const side of ['source', 'target'] as const) {
    changes.push(...fieldChanges(`${side} `, before[side], after[side]));
  }
  changes.push(...fieldChanges('', { status_schema: before.status_schema, consistent_snapshot: before.consistent_snapshot }, { status_schema: after.status_schema, consistent_snapshot: after.consistent_snapshot }));

  const beforeTables = new Map(before.tables.map((t) => [targetName(t), t]));
  const afterTables = new Map(after.tables.map((t) => [targetName(t), t]));
  for (const [name, old] of beforeTables) {
    const now = afterTables.get(name);
    if (!now) changes.push(`table ${name} was removed`);
    else changes.push(...fieldChanges(`table ${name}: `, old, now));
  }
  for (const name of afterTables.keys()) {
    if (!beforeTables.has(name)) changes.push(`table ${name} was added`);
  }
  return changes;
}

function fieldChanges(prefix: string, before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
    .map((k) => `${prefix}${k} ${canonicalJson(a[k] ?? null)} → ${canonicalJson(b[k] ?? null)}`);
}

const targetName = (t: TableIdentity) => `${t.target_schema}.${t.target_table}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
