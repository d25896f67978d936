// Where a finished statement's rows are: the first rows inline, the rest as result chunks in
// cloud storage. Read over Snowflake's REST endpoint GET /queries/<id>/result with the driver's
// session token, because snowflake-sdk only hands rows out after holding each chunk whole (as one
// string, then parsed): four streams of 16 MB chunks kept a worker above 500 MB. Thaw streams the
// chunks itself instead (resultStream.ts), as it streams unloaded files.

/** One result chunk as Snowflake lists it. */
export interface ResultChunk {
  url: string;
  rowCount: number;
}

export interface QueryResult {
  queryId: string;
  /** The first rows, inline: each an array of the row's values. */
  rowset: ReadonlyArray<ReadonlyArray<string | null>>;
  chunks: readonly ResultChunk[];
  /** Headers every chunk download must send (the chunks' server-side-encryption key). */
  chunkHeaders: Record<string, string>;
  total: number;
}

/** What GET /queries/<id>/result answers (the fields Thaw reads). */
export interface ResultResponse {
  success: boolean;
  code?: string | null;
  message?: string | null;
  data?: {
    rowset?: Array<Array<string | null>>;
    chunks?: Array<{ url: string; rowCount: number }>;
    chunkHeaders?: Record<string, string> | null;
    qrmk?: string;
    total?: number;
    queryResultFormat?: string;
  } | null;
}

/** Snowflake's code for an expired session token: the driver renews it on its next request. */
export const SESSION_TOKEN_EXPIRED = '390112';

/** The account's endpoint: `access_url` when set, else the account's own host, as the driver builds it. */
export function accountUrl(account: string, accessUrl: string | undefined): string {
  return (accessUrl ?? `https://${account}.snowflakecomputing.com`).replace(/\/+$/, '');
}

/** The session token from the driver's `serialize()` (documented shape: services.sf.tokenInfo). */
export function sessionTokenOf(serialized: string): string {
  const token = (JSON.parse(serialized) as { services?: { sf?: { tokenInfo?: { sessionToken?: unknown } } } }).services?.sf?.tokenInfo?.sessionToken;
  if (typeof token !== 'string' || token === '') throw new Error('the Snowflake driver holds no session token (not connected)');
  return token;
}

/** The answer as a QueryResult; throws the answer's own error when it is one. */
export function queryResultFrom(queryId: string, response: ResultResponse): QueryResult {
  const data = response.data;
  if (!response.success || !data) {
    throw Object.assign(new Error(response.message ?? 'Snowflake answered without a result'), { code: response.code ?? undefined, name: 'ResultError' });
  }
  // snowflake-sdk's sessions get JSON; Arrow would need another decoder.
  if (data.queryResultFormat && data.queryResultFormat.toLowerCase() !== 'json') {
    throw Object.assign(new Error(`the result of query ${queryId} is in ${data.queryResultFormat} format; Thaw reads JSON results`), { name: 'ResultError' });
  }
  const chunkHeaders =
    data.chunkHeaders ??
    (data.qrmk ? { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': data.qrmk } : {});
  return { queryId, rowset: data.rowset ?? [], chunks: data.chunks ?? [], chunkHeaders, total: data.total ?? 0 };
}
