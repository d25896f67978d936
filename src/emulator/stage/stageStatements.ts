// The stage statements of Snowflake's unload path, run by the emulator: CREATE/DROP STAGE, COPY
// INTO @stage FROM (SELECT …) (DuckDB writes the lines, gzipped or not on their way into the stage), LIST, REMOVE, and
// GET_PRESIGNED_URL inside a SELECT (replaced by a URL the emulator serves, then run as usual).
// Recognised on the raw SQL text: `@stage/path` is not SQL the translator knows.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { constants as zlib, createGzip } from 'node:zlib';
import type { EmulatorDatabase } from '../db/database';
import { SnowflakeSqlError } from '../db/sqlErrors';
import { resolveTimeTravel, type BindValue, type StatementOutcome } from '../db/statementRunner';
import { wireColumn } from '../db/wireTypes';
import type { FaultInjector } from '../faults';
import type { ResultSpool } from '../results/resultSpool';
import { translate } from '../sql/translate';
import type { StageStore } from './stageStore';
import type { UnloadCache } from './unloadCache';

export interface StageContext {
  stages: StageStore;
  faults: FaultInjector;
  /** The emulator's own URL, which presigned URLs point at. */
  baseUrl: () => string;
  /** Set for benchmarks only (startEmulator's `reuseUnloads`). */
  unloadCache?: UnloadCache;
}

const QUERY_TYPE_ID = 0x1000;
const DDL_TYPE_ID = 0x6000;
const NAME_PART = `(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)`;
const OBJECT_NAME = `(${NAME_PART}(?:\\.${NAME_PART}){0,2})`;
const STAGE_REF = `@${OBJECT_NAME}(/[^\\s'),;]*)?`;

const CREATE_STAGE = new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMP(?:ORARY)?\\s+)?STAGE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${OBJECT_NAME}([\\s\\S]*)$`, 'i');
const DROP_STAGE = new RegExp(`^DROP\\s+STAGE\\s+(IF\\s+EXISTS\\s+)?${OBJECT_NAME}\\s*$`, 'i');
const LIST = new RegExp(`^(?:LIST|LS)\\s+${STAGE_REF}\\s*$`, 'i');
const REMOVE = new RegExp(`^(?:REMOVE|RM)\\s+${STAGE_REF}\\s*$`, 'i');
const COPY_INTO_STAGE = new RegExp(`^COPY\\s+INTO\\s+${STAGE_REF}\\s+FROM\\s*\\(`, 'i');
const PRESIGNED = new RegExp(`GET_PRESIGNED_URL\\(\\s*${STAGE_REF}\\s*,\\s*'([^']*)'\\s*(?:,\\s*(\\d+)\\s*)?\\)`, 'gi');

/** The unload file format Thaw asks for: each file line is exactly the SELECT's one text value. */
const REQUIRED_FORMAT: ReadonlyArray<[string, RegExp]> = [
  ['TYPE = CSV', /\bTYPE\s*=\s*'?CSV'?/i],
  ['FIELD_DELIMITER = NONE', /\bFIELD_DELIMITER\s*=\s*NONE\b/i],
  ['FIELD_OPTIONALLY_ENCLOSED_BY = NONE', /\bFIELD_OPTIONALLY_ENCLOSED_BY\s*=\s*NONE\b/i],
  ['ESCAPE = NONE', /\bESCAPE\s*=\s*NONE\b/i],
  ['ESCAPE_UNENCLOSED_FIELD = NONE', /\bESCAPE_UNENCLOSED_FIELD\s*=\s*NONE\b/i],
];

/** COMPRESSION of the file format: AUTO (Snowflake's default for unloads) writes gzip. */
const COMPRESSION = /\bCOMPRESSION\s*=\s*'?([A-Z_]+)'?/i;

function unloadCompression(options: string): 'gzip' | 'none' {
  const named = (COMPRESSION.exec(options)?.[1] ?? 'AUTO').toUpperCase();
  if (named === 'AUTO' || named === 'GZIP') return 'gzip';
  if (named === 'NONE') return 'none';
  throw new SnowflakeSqlError(`the Thaw emulator unloads gzip or uncompressed files only, not COMPRESSION = ${named}`, '001003', '42000');
}

/** Unquoted names are stored upper case; the emulator knows a stage by its last name part. */
function stageName(objectName: string): string {
  const parts = objectName.match(new RegExp(NAME_PART, 'g')) ?? [];
  const last = parts[parts.length - 1] ?? objectName;
  return last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last.toUpperCase();
}

function stagePath(path: string | undefined): string {
  return (path ?? '').replace(/^\/+/, '');
}

export type StageStatementResult = { outcome: StatementOutcome } | { sql: string } | null;

/**
 * Runs `sqlText` if it is a stage statement. Returns its outcome; or, for a SELECT calling
 * GET_PRESIGNED_URL, the SQL with every call replaced by its URL (to run as a plain query); or
 * null when the statement has nothing to do with stages.
 */
export async function runStageStatement(ctx: StageContext, db: EmulatorDatabase, sqlText: string, binds: BindValue[][], spool: ResultSpool): Promise<StageStatementResult> {
  const sql = sqlText.trim().replace(/;\s*$/, '');
  let m: RegExpExecArray | null;
  if ((m = CREATE_STAGE.exec(sql))) {
    const sse = /ENCRYPTION\s*=\s*\(\s*TYPE\s*=\s*'SNOWFLAKE_SSE'\s*\)/i.test(m[3] ?? '');
    await ctx.stages.create(stageName(m[2]!), sse, !!m[1]);
    return statusOutcome(spool, `Stage area ${stageName(m[2]!)} successfully created.`);
  }
  if ((m = DROP_STAGE.exec(sql))) {
    await ctx.stages.drop(stageName(m[2]!), !!m[1]);
    return statusOutcome(spool, `${stageName(m[2]!)} successfully dropped.`);
  }
  if ((m = LIST.exec(sql))) {
    const name = stageName(m[1]!);
    const files = await ctx.stages.list(name, stagePath(m[2]));
    await spool.add(files.map((f) => [`${name.toLowerCase()}/${f.path}`, String(f.size), '', f.lastModified.toUTCString()]));
    return { outcome: { rowType: [text('name'), number('size'), text('md5'), text('last_modified')], statementTypeId: QUERY_TYPE_ID } };
  }
  if ((m = REMOVE.exec(sql))) {
    const name = stageName(m[1]!);
    const removed = await ctx.stages.remove(name, stagePath(m[2]));
    await spool.add(removed.map((path) => [`${name.toLowerCase()}/${path}`, 'removed']));
    return { outcome: { rowType: [text('name'), text('result')], statementTypeId: QUERY_TYPE_ID } };
  }
  if ((m = COPY_INTO_STAGE.exec(sql))) {
    return { outcome: await unload(ctx, db, stageName(m[1]!), stagePath(m[2]), sql, m[0].length - 1, binds[0] ?? [], spool) };
  }
  if (/GET_PRESIGNED_URL\s*\(/i.test(sql)) {
    const replacements: Array<Promise<string>> = [];
    sql.replace(PRESIGNED, (_all, object: string, _path, file: string, seconds?: string) => {
      replacements.push(ctx.stages.presign(stageName(object), file, Number(seconds ?? 3600)));
      return '';
    });
    const tokens = await Promise.all(replacements);
    let i = 0;
    const base = ctx.baseUrl();
    const rewritten = sql.replace(PRESIGNED, (_all, _object, _path, file: string) => `'${base}/__thaw/stage/${tokens[i++]}/${encodeURIComponent(file.split('/').pop() ?? '')}'`);
    return { sql: rewritten };
  }
  return null;
}

/**
 * COPY INTO @stage/prefix FROM (SELECT …): DuckDB writes the lines into one file named like
 * Snowflake's, `data_0_0_0.csv.gz` gzipped by the emulator (at the fastest level, as its result
 * spool does: DuckDB's own gzip is several times slower, and this runs on the loader's cores), or
 * `data_0_0_0.csv` with COMPRESSION = NONE.
 */
async function unload(ctx: StageContext, db: EmulatorDatabase, stage: string, prefix: string, sql: string, open: number, binds: BindValue[], spool: ResultSpool): Promise<StatementOutcome> {
  if (ctx.faults.refusesUnload()) {
    throw new SnowflakeSqlError(
      'SQL access control error: Unloading data to an internal stage is not allowed: PREVENT_UNLOAD_TO_INTERNAL_STAGES is set for this account (injected by the Thaw emulator)',
      '003001',
      '42501',
    );
  }
  const close = matchingParen(sql, open);
  const select = sql.slice(open + 1, close);
  const options = sql.slice(close + 1);
  const missing = REQUIRED_FORMAT.filter(([, re]) => !re.test(options)).map(([name]) => name);
  if (missing.length > 0 || /\bHEADER\s*=\s*TRUE\b/i.test(options)) {
    throw new SnowflakeSqlError(`the Thaw emulator unloads one text column as is: the file format needs ${missing.join(', ') || 'HEADER = FALSE'}`, '001003', '42000');
  }
  const compression = unloadCompression(options);
  const detailed = /\bDETAILED_OUTPUT\s*=\s*TRUE\b/i.test(options);
  const [statement, ...more] = translate(select);
  if (!statement || more.length > 0 || statement.kind !== 'query') throw new SnowflakeSqlError('COPY INTO a stage needs one SELECT', '001003', '42000');
  const path = `${prefix}${prefix === '' || prefix.endsWith('/') ? '' : '_'}data_0_0_0.csv${compression === 'gzip' ? '.gz' : ''}`;
  const file = await ctx.stages.fileForWrite(stage, path);
  const cacheKey = ctx.unloadCache?.key(select, binds, compression);
  const reused = cacheKey === undefined ? undefined : await ctx.unloadCache!.reuse(cacheKey, file);
  const plain = ctx.stages.tempFile();
  const rows = reused ?? (await db.withConnection(async (conn) => {
    const query = await resolveTimeTravel(db, conn, statement);
    // Chunk unloads repeat one SELECT with new binds, and planning its wide row expression costs
    // DuckDB more than running it on a few thousand rows: the COPY stays prepared on the connection,
    // always writing the connection's own scratch file, which is moved aside before the next use.
    const scratch = scratchFileOf(ctx.stages, conn);
    // QUOTE '' and ESCAPE '' turn DuckDB's CSV quoting off; with one column the delimiter never appears.
    const sql = `COPY (${query}) TO '${scratch.replaceAll("'", "''")}' (FORMAT CSV, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\u0001')`;
    const copy = (db.preparedQuery(conn, sql) ?? db.keepPreparedQuery(conn, sql, [], await conn.prepare(sql))).statement;
    copy.clearBindings();
    if (binds.length > 0) copy.bind(binds as DuckDBValue[]);
    const reader = await copy.runAndReadAll();
    await rename(scratch, plain);
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }));
  if (reused === undefined) await (compression === 'gzip' ? gzipInto(plain, file) : rename(plain, file));
  if (cacheKey !== undefined && reused === undefined && rows > 0) await ctx.unloadCache!.keep(cacheKey, file, rows);
  // Snowflake writes no file for an empty result.
  const staged = rows === 0 ? undefined : await ctx.stages.file(stage, path);
  if (rows === 0) await ctx.stages.remove(stage, path);
  const written = staged ? [staged] : [];
  const size = staged?.size ?? 0;
  if (detailed) {
    await spool.add(written.map((f) => [f.path, String(f.size), String(rows)]));
    return { rowType: [text('FILE_NAME'), number('FILE_SIZE'), number('ROW_COUNT')], statementTypeId: QUERY_TYPE_ID };
  }
  await spool.add([[String(rows), String(size), String(size)]]);
  return { rowType: [number('rows_unloaded'), number('input_bytes'), number('output_bytes')], statementTypeId: QUERY_TYPE_ID };
}

const scratchFiles = new WeakMap<DuckDBConnection, string>();

/** The file a connection's prepared unloads write to (one statement at a time per connection). */
function scratchFileOf(stages: StageStore, conn: DuckDBConnection): string {
  let file = scratchFiles.get(conn);
  if (file === undefined) scratchFiles.set(conn, (file = stages.tempFile()));
  return file;
}

async function gzipInto(plain: string, file: string): Promise<void> {
  try {
    await pipeline(createReadStream(plain, { highWaterMark: 256 * 1024 }), createGzip({ level: zlib.Z_BEST_SPEED }), createWriteStream(file));
  } finally {
    await rm(plain, { force: true });
  }
}

/** Index of the `)` closing the `(` at `open`, skipping string literals and quoted names. */
function matchingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      for (i++; i < sql.length; i++) {
        if (ch === "'" && sql[i] === '\\') i++;
        else if (sql[i] === ch) {
          if (sql[i + 1] === ch) i++;
          else break;
        }
      }
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new SnowflakeSqlError('SQL compilation error: unbalanced parentheses in COPY INTO', '001003', '42000');
}

async function statusOutcome(spool: ResultSpool, status: string): Promise<{ outcome: StatementOutcome }> {
  await spool.add([[status]]);
  return { outcome: { rowType: [text('status')], statementTypeId: DDL_TYPE_ID } };
}

const text = (name: string) => wireColumn(name, 'VARCHAR').rowType;
const number = (name: string) => wireColumn(name, 'BIGINT').rowType;
