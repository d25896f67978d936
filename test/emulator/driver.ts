// The real snowflake-sdk, configured quietly, pointed at an emulator.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snowflake from 'snowflake-sdk';
import type { Emulator } from '../../src/emulator';

snowflake.configure({ logLevel: 'ERROR', logFilePath: join(mkdtempSync(join(tmpdir(), 'thaw-sf-log-')), 'snowflake.log') });

export type Connection = snowflake.Connection;
export type Row = Record<string, unknown>;

export async function connect(emulator: Emulator, extra: Partial<snowflake.ConnectionOptions> = {}): Promise<Connection> {
  const conn = snowflake.createConnection({ accessUrl: emulator.url, account: 'emu', username: 'u', password: 'p', ...extra });
  await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
  return conn;
}

export function destroy(conn: Connection): Promise<void> {
  return new Promise((resolve) => conn.destroy(() => resolve()));
}

export interface StreamOptions {
  binds?: Array<string | null>;
}

/** Runs a statement with streamResult and reads every row through statement.streamRows(). */
export function streamQuery(conn: Connection, sqlText: string, options: StreamOptions = {}): Promise<{ rows: Row[]; statement: snowflake.RowStatement }> {
  return new Promise((resolve, reject) => {
    const statement = conn.execute({
      sqlText,
      binds: options.binds as snowflake.Binds,
      streamResult: true,
      complete: (err, stmt) => {
        if (err) return reject(err);
        const rows: Row[] = [];
        stmt
          .streamRows()
          .on('data', (row: Row) => rows.push(row))
          .on('error', reject)
          .on('end', () => resolve({ rows, statement: stmt }));
      },
    });
    void statement;
  });
}

/** Runs a statement and resolves with its rows (small results, DML, DDL). */
export function execute(conn: Connection, sqlText: string, binds?: Array<string | null>): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    conn.execute({
      sqlText,
      binds: binds as snowflake.Binds,
      complete: (err, _stmt, rows) => (err ? reject(err) : resolve((rows ?? []) as Row[])),
    });
  });
}

export interface RawQueryResponse {
  success: boolean;
  code: string | null;
  data: { total: number; rowset: unknown[][]; chunks: Array<{ url: string; rowCount: number; uncompressedSize: number }>; queryId: string };
}

/** Logs in and runs one query over plain HTTP, to look at the protocol itself; `parameters` are the statement's own. */
export async function rawQuery(emulator: Emulator, sqlText: string, parameters?: Record<string, unknown>): Promise<RawQueryResponse> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/snowflake', ...(token ? { Authorization: `Snowflake Token="${token}"` } : {}) },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { data: Record<string, unknown> };
  };
  const login = await post('/session/v1/login-request', { data: { LOGIN_NAME: 'u', PASSWORD: 'p', ACCOUNT_NAME: 'emu' } });
  return (await post('/queries/v1/query-request?requestId=raw', { sqlText, ...(parameters ? { parameters } : {}) }, String(login.data.token))) as unknown as RawQueryResponse;
}
