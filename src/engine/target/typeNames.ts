// Whether the target PostgreSQL accepts the type names a config spells in `column_types`. The
// grammar check of the config only keeps SQL out; `doubel precision` or `varchar(0)` pass it and
// would fail CREATE TABLE after a run was written. PostgreSQL itself judges each name here, with
// to_regtype and by casting a NULL to it: read-only statements that parse the name, its modifiers
// and its array bounds exactly as CREATE TABLE will.
import pg from 'pg';
import { DefinitionError } from '../errors';
import { didYouMean } from '../suggest';

export interface WantedType {
  /** The type as the config spells it (already past the config's type-name grammar). */
  type: string;
  /** Where the config spells it, e.g. `tables[0].column_types.SCORE`. */
  path: string;
  table: string;
  column: string;
}

/** Throws a DefinitionError naming the first type name the server refuses, with the closest type it knows. */
export async function checkTypesExist(db: pg.Pool | pg.ClientBase, wanted: readonly WantedType[]): Promise<void> {
  const verdicts = new Map<string, string | null>();
  for (const w of wanted) {
    if (!verdicts.has(w.type)) verdicts.set(w.type, await refusal(db, w.type));
    const reason = verdicts.get(w.type);
    if (reason === null || reason === undefined) continue;
    const base = w.type.replace(/\(.*?\)/g, '').replace(/\[.*?\]/g, '').trim();
    throw new DefinitionError(
      `column_types: "${w.type}" is not a type the target PostgreSQL accepts: ${reason}${didYouMean(base, await knownTypeNames(db))}`,
      { table: w.table, column: w.column, path: w.path },
    );
  }
}

/** PostgreSQL's reason for refusing `type`, or null when it accepts it. */
async function refusal(db: pg.Pool | pg.ClientBase, type: string): Promise<string | null> {
  try {
    // The name first, as a value: "doubel precision" is no type (the cast below would only call it
    // a syntax error).
    if (!(await isKnownType(db, type))) return `type "${type}" does not exist`;
    // Then modifiers and array bounds. The extended protocol runs exactly one statement, whatever
    // the text holds.
    await db.query({ text: `SELECT NULL::${type} AS probe`, queryMode: 'extended' } as pg.QueryConfig);
    return null;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Only the server's verdict on the name; a lost connection is not a bad type.
    if (code === undefined || code.startsWith('08')) throw err;
    return (err as Error).message;
  }
}

async function isKnownType(db: pg.Pool | pg.ClientBase, type: string): Promise<boolean> {
  try {
    const { rows } = await db.query<{ known: boolean }>(`SELECT to_regtype($1) IS NOT NULL AS known`, [type]);
    return Boolean(rows[0]?.known);
  } catch (err) {
    // The config's grammar let the name through, so a syntax error means its words are no
    // multi-word type PostgreSQL knows ("doubel precision").
    if ((err as { code?: string }).code === '42601') return false;
    throw err;
  }
}

async function knownTypeNames(db: pg.Pool | pg.ClientBase): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT DISTINCT unnest(ARRAY[format_type(oid, NULL), typname::text]) AS name
     FROM pg_type WHERE typisdefined AND typtype IN ('b', 'd', 'e', 'r', 'm') AND typcategory <> 'A'`,
  );
  return rows.map((r) => r.name);
}
