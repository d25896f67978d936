// The statements of the unload path (catalog entries 9–12, test/golden/source-sql). Pure, like
// sql.ts: the stage name is quoted here; stage paths are Thaw's own (run id, chunk id, attempt)
// or file names Snowflake reported, and are checked before they are spliced into SQL.
import type { UnloadCompression } from '../../config/schema';
import { quoteIdent } from '../../types/render';
import type { Statement } from '../sql';

/** A named internal stage, each part as stored (upper case when created unquoted). */
export interface StageName {
  database: string;
  schema: string;
  name: string;
}

/** The stage Thaw creates when the config names none. */
export const DEFAULT_STAGE_NAME = 'THAW_UNLOAD_STAGE';

/** Seconds a presigned URL stays valid: longer than any chunk's download, far below the 7-day limit. */
export const PRESIGNED_URL_SECONDS = 3600;

const SAFE_PATH = /^[A-Za-z0-9_.\-/]*$/;

/** `unload_stage` from the config (`STAGE`, `SCHEMA.STAGE` or `DB.SCHEMA.STAGE`, unquoted) in full. */
export function resolveStageName(configured: string | undefined, database: string, schema: string): StageName {
  if (configured === undefined) return { database, schema, name: DEFAULT_STAGE_NAME };
  const parts = configured.split('.').map((p) => p.toUpperCase());
  const name = parts.pop()!;
  return { database: parts.length === 2 ? parts[0]! : database, schema: parts.at(-1) ?? schema, name };
}

export function stageReference(stage: StageName): string {
  return [stage.database, stage.schema, stage.name].map(quoteIdent).join('.');
}

/** `@"DB"."SCHEMA"."STAGE"/path`: a location inside the stage. */
export function stageLocation(stage: StageName, path: string): string {
  if (!SAFE_PATH.test(path) || path.split('/').includes('..')) throw new Error(`unsafe stage path "${path}"`);
  return `@${stageReference(stage)}/${path}`;
}

/** Where every attempt of one chunk is unloaded: `<run>/<chunk>/`. */
export function chunkPrefix(runId: string, chunkId: number): string {
  return `${runId}/${chunkId}/`;
}

/**
 * Where one attempt of one chunk is unloaded: `<run>/<chunk>/<attempt>-<tag>/`. The tag, fresh
 * per attempt, keeps its file names from meeting an earlier attempt's that a crashed worker left
 * (attempt numbers start again when a failed chunk is retried).
 */
export function attemptPrefix(runId: string, chunkId: number, attempt: number, tag: string): string {
  return `${chunkPrefix(runId, chunkId)}${attempt}-${tag}/`;
}

/** 9. The stage, if it does not exist. SNOWFLAKE_SSE: presigned URLs cannot read client-side-encrypted files. */
export function createStageStatement(stage: StageName): Statement {
  return {
    sql: `CREATE STAGE IF NOT EXISTS ${stageReference(stage)} ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE') COMMENT = 'Thaw unload files; each run removes its own'`,
    binds: [],
  };
}

/** 10. Every file under a prefix of the stage. */
export function removeStatement(stage: StageName, prefix: string): Statement {
  return { sql: `REMOVE ${stageLocation(stage, prefix)}`, binds: [] };
}

/**
 * 11. One chunk's rows unloaded to files, gzipped or not (unload_compression): the SELECT of the chunk statement, each row one
 * COPY-text value, written with every CSV feature off so that each file line is that value byte for
 * byte. ESCAPE_UNENCLOSED_FIELD defaults to a backslash, which would escape COPY's backslashes a
 * second time. DETAILED_OUTPUT gives one row per file: name, size and row count.
 */
export function unloadStatement(stage: StageName, prefix: string, chunk: Statement, compression: UnloadCompression): Statement {
  const format = [
    'TYPE = CSV',
    `COMPRESSION = ${compression.toUpperCase()}`,
    'FIELD_DELIMITER = NONE',
    "RECORD_DELIMITER = '\\n'",
    'FIELD_OPTIONALLY_ENCLOSED_BY = NONE',
    'ESCAPE = NONE',
    'ESCAPE_UNENCLOSED_FIELD = NONE',
    'EMPTY_FIELD_AS_NULL = FALSE',
  ].join(' ');
  return {
    sql: `COPY INTO ${stageLocation(stage, prefix)} FROM (${chunk.sql}) FILE_FORMAT = (${format}) HEADER = FALSE DETAILED_OUTPUT = TRUE`,
    binds: chunk.binds,
  };
}

/** 12. A presigned HTTPS URL per file, in the order given, as rows of "PATH", "URL". */
export function presignedUrlsStatement(stage: StageName, paths: readonly string[]): Statement {
  if (paths.length === 0) throw new Error('presignedUrlsStatement: no files');
  const ref = stageReference(stage);
  const selects = paths.map((path) => {
    if (!SAFE_PATH.test(path)) throw new Error(`unsafe stage path "${path}"`);
    return `SELECT '${path}' AS "PATH", GET_PRESIGNED_URL(@${ref}, '${path}', ${PRESIGNED_URL_SECONDS}) AS "URL"`;
  });
  return { sql: selects.join(' UNION ALL '), binds: [] };
}

/** The one-row SELECT a worker unloads once to find out whether the unload path works. */
export function probeQuery(): Statement {
  return { sql: `SELECT 'thaw' AS "ROW"`, binds: [] };
}
