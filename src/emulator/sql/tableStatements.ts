// The Snowflake table statements that DuckDB has no form for, recognised on the token stream:
//   - ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = n  (kept by the emulator, not DuckDB)
//   - CREATE TABLE c CLONE t [AT(...)]                   (a copy of t as of the instant)
//   - SHOW TABLES [LIKE 'p'] [IN [SCHEMA] [db.]schema]   (a query of the TABLES catalog view)
import { identToken, rawToken, SqlSyntaxError, stringToken, type Token } from './lexer';

const word = (t: Token | undefined): string => (t?.kind === 'word' ? t.value.toUpperCase() : '');

/** The days of `… SET DATA_RETENTION_TIME_IN_DAYS = n`, or null when the statement sets no retention. */
export function retentionSetting(tokens: readonly Token[]): number | null {
  const at = tokens.findIndex((t) => word(t) === 'DATA_RETENTION_TIME_IN_DAYS');
  if (at < 0) return null;
  const value = tokens[at + 1]?.text === '=' ? tokens[at + 2] : tokens[at + 1];
  if (value?.kind !== 'number' || !/^\d+$/.test(value.text)) throw new SqlSyntaxError('DATA_RETENTION_TIME_IN_DAYS needs a whole number of days');
  return Number(value.text);
}

/**
 * `CREATE [OR REPLACE] TABLE c CLONE t [AT(...)]` as `CREATE … TABLE c AS SELECT * FROM t [AT(...)]`,
 * whose AT() the time-travel store resolves like any read; null when the statement is no clone.
 */
export function cloneAsSelect(tokens: readonly Token[]): Token[] | null {
  const at = tokens.findIndex((t) => word(t) === 'CLONE');
  if (at < 0 || tokens.slice(0, at).some((t) => t.text === '(')) return null;
  return [...tokens.slice(0, at), rawToken('AS SELECT * FROM'), ...tokens.slice(at + 1)];
}

/** Whether the tokens are `SHOW TABLES …`. */
export function isShowTables(tokens: readonly Token[]): boolean {
  return word(tokens[0]) === 'SHOW' && word(tokens[1]) === 'TABLES';
}

/**
 * SHOW TABLES as a query of the TABLES view (`tablesView`), with the columns of Snowflake's
 * output Thaw's users look at (retention_time among them; the rest of Snowflake's are left out).
 */
export function showTablesSql(tokens: readonly Token[], tablesView: string): string {
  const filters = [`"TABLE_TYPE" = 'BASE TABLE'`];
  let i = 2;
  if (word(tokens[i]) === 'LIKE') {
    const pattern = tokens[i + 1];
    if (pattern?.kind !== 'string') throw new SqlSyntaxError("SHOW TABLES LIKE needs a string pattern");
    filters.push(`"TABLE_NAME" ILIKE ${stringToken(pattern.value).text}`);
    i += 2;
  }
  if (word(tokens[i]) === 'IN') {
    i++;
    if (word(tokens[i]) === 'SCHEMA') i++;
    const names: string[] = [];
    while (tokens[i] && tokens[i]!.text !== '.') {
      const t = tokens[i]!;
      if (t.kind !== 'word' && t.kind !== 'qident') break;
      names.push(t.kind === 'qident' ? t.value : t.value.toUpperCase());
      if (tokens[i + 1]?.text !== '.') break;
      i += 2;
    }
    const schema = names[names.length - 1];
    if (!schema) throw new SqlSyntaxError('SHOW TABLES IN needs a schema');
    filters.push(`"TABLE_SCHEMA" = ${stringToken(schema).text}`);
  }
  const view = identToken(tablesView).text;
  return (
    `SELECT CAST(NULL AS TIMESTAMPTZ) AS "created_on", "TABLE_NAME" AS "name", "TABLE_CATALOG" AS "database_name", ` +
    `"TABLE_SCHEMA" AS "schema_name", 'TABLE' AS "kind", '' AS "comment", "ROW_COUNT" AS "rows", "BYTES" AS "bytes", ` +
    `CAST("RETENTION_TIME" AS VARCHAR) AS "retention_time" FROM ${view} WHERE ${filters.join(' AND ')} ORDER BY "schema_name", "name"`
  );
}
