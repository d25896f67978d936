// Schema drift, checked before any data moves: the columns the plan maps from the source against
// the existing target table. A source column the target lacks is added (on_schema_change
// "add_columns") or stops the run ("fail", the default); a target column no source column fills
// any more (without a default), or a target type that cannot hold the mapped values, always stops
// it. Each message names the column and both types.
import pg from 'pg';
import type { ResolvedTable } from '../config';
import { RefusedError } from '../errors';
import { qualifiedName } from '../target';
import { targetErrorFrom } from '../pgErrors';
import type { ColumnMapping } from '../types/model';
import { incompatibility } from './compatibility';

export interface TargetColumn {
  name: string;
  type: string;
  hasDefault: boolean;
}

export interface Drift {
  /** Source columns the target lacks, to add (on_schema_change "add_columns"). */
  add: ColumnMapping[];
}

/** A column the target was loaded from earlier: what the source type was, for a dropped column's message. */
export type EarlierSourceTypes = ReadonlyMap<string, string>;

export function sourceTypeText(m: ColumnMapping): string {
  const c = m.source;
  if (c.type === 'NUMBER') return `NUMBER(${c.precision ?? 38},${c.scale ?? 0})`;
  return c.scale !== null && (c.type === 'TIME' || c.type.startsWith('TIMESTAMP_')) ? `${c.type}(${c.scale})` : c.type;
}

/** Pure: what differs, and the problems that stop the run (empty when none). */
export function compareColumns(
  table: ResolvedTable,
  mappings: readonly ColumnMapping[],
  target: readonly TargetColumn[],
  earlier: EarlierSourceTypes,
): { drift: Drift; problems: string[] } {
  const byName = new Map(target.map((c) => [c.name, c]));
  const problems: string[] = [];
  const add: ColumnMapping[] = [];
  for (const m of mappings) {
    const existing = byName.get(m.targetName);
    if (!existing) {
      if (table.on_schema_change === 'add_columns') add.push(m);
      else {
        problems.push(
          `new source column ${m.source.name} (${sourceTypeText(m)}) is not in the target (it would be ${m.targetName} ${m.targetType}): set "on_schema_change": "add_columns" to add it, or add it yourself`,
        );
      }
      continue;
    }
    const why = incompatibility(m.targetType, existing.type);
    if (why) {
      problems.push(`column ${m.targetName}: the source has ${sourceTypeText(m)} (mapped to ${m.targetType}), the target has ${existing.type}: ${why}`);
    }
  }
  const mapped = new Set(mappings.map((m) => m.targetName));
  for (const c of target) {
    if (mapped.has(c.name) || c.hasDefault) continue;
    const was = earlier.get(c.name);
    problems.push(
      `column ${c.name} (${c.type} in the target) is no longer in the source${was ? ` (it was ${was} there)` : ' (no source column fills it)'}: drop it from the target, or give it a default`,
    );
  }
  return { drift: { add }, problems };
}

export async function readTargetColumns(db: pg.Pool | pg.ClientBase, schema: string, table: string): Promise<TargetColumn[]> {
  const { rows } = await db.query<{ name: string; type: string; has_default: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [schema, table],
  );
  return rows.map((r) => ({ name: r.name, type: r.type, hasDefault: r.has_default }));
}

/** Source types of the columns earlier runs loaded into this target (newest run first wins). */
async function earlierSourceTypes(db: pg.Pool, statusSchema: string | null, table: ResolvedTable): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  if (!statusSchema) return types;
  const { rows } = await db.query<{ column_mappings: ColumnMapping[] }>(
    `SELECT column_mappings FROM ${pg.escapeIdentifier(statusSchema)}.migration_table_status
     WHERE target_schema = $1 AND target_table = $2 ORDER BY created_at DESC LIMIT 1`,
    [table.target_schema, table.target_table],
  );
  for (const m of rows[0]?.column_mappings ?? []) types.set(m.targetName, sourceTypeText(m));
  return types;
}

/**
 * Checks an existing target table; throws a RefusedError listing every problem (exit 2, nothing
 * written). `statusSchema` is null when the status tables do not exist yet.
 */
export async function checkSchemaDrift(db: pg.Pool, statusSchema: string | null, table: ResolvedTable, mappings: readonly ColumnMapping[]): Promise<Drift> {
  const target = await readTargetColumns(db, table.target_schema, table.target_table);
  const { drift, problems } = compareColumns(table, mappings, target, await earlierSourceTypes(db, statusSchema, table));
  if (problems.length > 0) {
    throw new RefusedError(`the source's columns of ${table.name} changed (schema drift); nothing was loaded:\n  ${problems.join('\n  ')}`, { table: table.name });
  }
  return drift;
}

/** Adds the new source columns (nullable: the rows already there have no value for them). */
export async function applyDrift(db: pg.Pool, table: ResolvedTable, drift: Drift): Promise<void> {
  if (drift.add.length === 0) return;
  const name = qualifiedName(table.target_schema, table.target_table);
  try {
    await db.query(`ALTER TABLE ${name} ${drift.add.map((m) => `ADD COLUMN ${pg.escapeIdentifier(m.targetName)} ${m.targetType}`).join(', ')}`);
  } catch (err) {
    throw targetErrorFrom(err, `cannot add column(s) ${drift.add.map((m) => m.targetName).join(', ')} to ${name}`, { table: table.name });
  }
}
