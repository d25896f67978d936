// The HTTP endpoints snowflake-sdk calls (snowflake-wire-protocol.md), plus the emulator's own
// control endpoints under /__thaw/. Faults are applied here, before a request is served.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FaultInjector, FaultSettings } from '../faults';
import { SnowflakeSqlError, transientInternalError } from '../db/sqlErrors';
import type { BindValue } from '../db/statementRunner';
import { isStageFilePath, serveFile, serveStageFile } from '../stage/stageHttp';
import type { StageStore } from '../stage/stageStore';
import type { QueryRecord, QueryRegistry } from './queryRegistry';
import type { Privileges } from './privileges';
import type { ReceivedQueries } from './receivedQueries';
import { MASTER_VALIDITY_SECONDS, parameterList, SESSION_TOKEN_EXPIRED, SESSION_VALIDITY_SECONDS, type SessionStore } from './sessions';

const gunzipAsync = promisify(gunzip);

export interface HttpContext {
  sessions: SessionStore;
  queries: QueryRegistry;
  faults: FaultInjector;
  privileges: Privileges;
  received: ReceivedQueries;
  stages: StageStore;
  /** The emulator's clock (db/clock.ts), which POST /__thaw/clock {"advanceSeconds": n} moves. */
  clock: { advance(seconds: number): void; offsetSeconds(): number };
  /** How long a query request waits for its result before answering "in progress". */
  resultWaitMs: number;
  baseUrl: () => string;
}

type Json = Record<string, unknown>;

export function createEmulatorServer(ctx: HttpContext): Server {
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { success: false, message: err instanceof Error ? err.message : String(err), code: '390100', data: null });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

async function handle(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path === '/__thaw/faults') {
    if (method === 'POST') {
      try {
        ctx.faults.set((await readJson(req)) as Partial<FaultSettings>);
      } catch (err) {
        return sendJson(res, 400, { success: false, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return sendJson(res, 200, ctx.faults.snapshot());
  }

  if (path === '/__thaw/clock') {
    if (method === 'POST') {
      const body = (await readJson(req)) as { advanceSeconds?: unknown };
      if (typeof body.advanceSeconds !== 'number') return sendJson(res, 400, { success: false, message: 'send {"advanceSeconds": <number>}' });
      ctx.clock.advance(body.advanceSeconds);
    }
    return sendJson(res, 200, { offsetSeconds: ctx.clock.offsetSeconds() });
  }

  if (ctx.faults.shouldDrop()) {
    req.socket.destroy();
    return;
  }
  const delay = ctx.faults.delayMs();
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));

  if (isStageFilePath(path) && method === 'GET') return serveStageFile(ctx.stages, ctx.faults, req, res, path);

  const chunk = /^\/__thaw\/chunks\/([^/]+)\/(\d+)$/.exec(path);
  if (chunk && method === 'GET') return sendChunk(ctx, req, res, chunk[1]!, Number(chunk[2]));

  if (path === '/session/v1/login-request' && method === 'POST') {
    const body = await readJson(req);
    const data = (body.data ?? {}) as Json;
    const user = String(data.LOGIN_NAME ?? 'user');
    const { session, token } = ctx.sessions.login(user, url.searchParams.get('roleName'), objectOrEmpty(data.SESSION_PARAMETERS));
    return sendJson(res, 200, {
      success: true,
      code: null,
      message: null,
      data: {
        token,
        masterToken: session.masterToken,
        validityInSeconds: SESSION_VALIDITY_SECONDS,
        masterValidityInSeconds: MASTER_VALIDITY_SECONDS,
        sessionId: session.id,
        displayUserName: user,
        serverVersion: 'thaw-emulator',
        firstLogin: false,
        healthCheckInterval: 45,
        newClientForUpgrade: null,
        parameters: parameterList(session),
        sessionInfo: {
          databaseName: url.searchParams.get('databaseName'),
          schemaName: url.searchParams.get('schemaName') ?? 'PUBLIC',
          warehouseName: url.searchParams.get('warehouse'),
          roleName: url.searchParams.get('roleName'),
        },
      },
    });
  }

  const session = ctx.sessions.fromAuthorization(req.headers.authorization);
  if (path !== '/session/token-request' && ctx.sessions.isExpired(req.headers.authorization)) {
    await readBody(req);
    return sendJson(res, 200, { success: false, code: SESSION_TOKEN_EXPIRED, message: 'Session token expired.', data: { errorCode: SESSION_TOKEN_EXPIRED } });
  }

  if (path === '/session/token-request' && method === 'POST') {
    await readJson(req);
    return sendJson(res, 200, {
      success: true,
      data: { sessionToken: ctx.sessions.renew(session), validityInSecondsST: SESSION_VALIDITY_SECONDS, masterToken: session.masterToken, validityInSecondsMT: MASTER_VALIDITY_SECONDS, sessionId: session.id },
    });
  }
  if (path === '/session' && method === 'POST') {
    await readBody(req);
    if (url.searchParams.get('delete') === 'true') {
      ctx.sessions.end(session);
      await ctx.queries.disposeSession(session.id);
    }
    return sendJson(res, 200, { success: true, code: null, message: null, data: null });
  }
  if ((path === '/session/heartbeat' || path === '/telemetry/send') && method === 'POST') {
    await readBody(req);
    return sendJson(res, 200, { success: true, code: null, message: null, data: null });
  }

  if (path === '/queries/v1/query-request' && method === 'POST') {
    const body = await readJson(req);
    const sqlText = String(body.sqlText ?? '');
    const binds = bindRows(body.bindings);
    ctx.received.add(sqlText, binds[0] ?? []);
    try {
      ctx.privileges.check(session.role, sqlText);
    } catch (err) {
      if (err instanceof SnowflakeSqlError) return sendJson(res, 200, errorBody(err, 'denied-' + Date.now()));
      throw err;
    }
    const failure = ctx.faults.queryFailure(sqlText, binds[0] ?? []);
    if (failure === 'http') return sendText(res, 503, 'Service Unavailable (injected by the Thaw emulator)');
    if (failure === 'sql') return sendJson(res, 200, errorBody(transientInternalError('injected by the Thaw emulator'), 'injected-' + Date.now()));
    const record = ctx.queries.start(session.id, url.searchParams.get('requestId'), sqlText, binds, parameterList(session, objectOrEmpty(body.parameters)));
    if (body.asyncExec === true) return sendJson(res, 200, inProgress(record, '333334'));
    return answerWhenDone(ctx, res, record);
  }
  const result = /^\/queries\/([^/]+)\/result$/.exec(path);
  if (result && method === 'GET') {
    const record = ctx.queries.get(result[1]!);
    if (!record) return sendJson(res, 200, errorBody({ message: `Result for query ${result[1]} has expired`, code: '000709', sqlState: '02000' }, result[1]!));
    return answerWhenDone(ctx, res, record);
  }
  if (path === '/queries/v1/abort-request' && method === 'POST') {
    const body = await readJson(req);
    ctx.queries.abort(String(body.requestId ?? ''));
    return sendJson(res, 200, { success: true, code: null, message: null, data: null });
  }
  const monitoring = /^\/monitoring\/queries\/([^/]+)$/.exec(path);
  if (monitoring && method === 'GET') {
    const record = ctx.queries.get(monitoring[1]!);
    return sendJson(res, 200, {
      success: true,
      data: { queries: record ? [{ id: record.id, status: record.status, sqlText: record.sqlText, errorCode: record.error?.code, errorMessage: record.error?.message }] : [] },
    });
  }

  await readBody(req);
  sendJson(res, 404, { success: false, code: '390404', message: `the Thaw emulator does not serve ${method} ${path}`, data: null });
}

async function answerWhenDone(ctx: HttpContext, res: ServerResponse, record: QueryRecord): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    record.done.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ctx.resultWaitMs))),
  ]);
  clearTimeout(timer);
  if (!finished) return sendJson(res, 200, inProgress(record, '333333'));
  if (record.error || !record.outcome) return sendJson(res, 200, errorBody(record.error ?? transientInternalError('no result'), record.id));
  const spool = record.spool;
  const base = ctx.baseUrl();
  sendJson(res, 200, {
    success: true,
    code: null,
    message: null,
    data: {
      queryId: record.id,
      parameters: record.parameters,
      rowtype: record.outcome.rowType,
      rowset: spool.inline,
      total: spool.total,
      returned: spool.total,
      version: 1,
      statementTypeId: record.outcome.statementTypeId,
      queryResultFormat: 'json',
      finalSchemaName: 'PUBLIC',
      sendResultTime: Date.now(),
      chunkHeaders: {},
      chunks: spool.chunks.map((c, i) => ({ url: `${base}/__thaw/chunks/${record.id}/${i}`, rowCount: c.rowCount, uncompressedSize: c.uncompressedSize })),
    },
  });
}

async function sendChunk(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, queryId: string, index: number): Promise<void> {
  if (ctx.faults.shouldFailChunk()) return sendText(res, 503, 'Service Unavailable (injected by the Thaw emulator)');
  const file = ctx.queries.get(queryId)?.spool.chunkFile(index);
  // Stored gzipped, served as cloud storage serves Snowflake's chunks (ranges, a length).
  const served = file && (await serveFile(req, res, file, { cut: ctx.faults.shouldCutChunk(), headers: { 'Content-Encoding': 'gzip' } }));
  if (!served) sendText(res, 404, 'no such result chunk (expired?)');
}

function inProgress(record: QueryRecord, code: '333333' | '333334'): Json {
  return {
    success: true,
    code,
    message: code === '333334' ? 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.' : 'Query execution in progress',
    data: { queryId: record.id, getResultUrl: `/queries/${record.id}/result`, queryAbortsAfterSecs: 300, progressDesc: null },
  };
}

function errorBody(err: Pick<SnowflakeSqlError, 'message' | 'code' | 'sqlState'>, queryId: string): Json {
  return { success: false, code: err.code, message: err.message, data: { sqlState: err.sqlState, queryId, errorCode: err.code, age: 0 } };
}

/** Positional bindings `{"1":{type,value}, ...}` as rows of text (array binds give many rows). */
function bindRows(bindings: unknown): BindValue[][] {
  if (!bindings || typeof bindings !== 'object') return [];
  const entries = Object.entries(bindings as Record<string, { value: unknown }>).sort(([a], [b]) => Number(a) - Number(b));
  const asText = (v: unknown): BindValue => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  const arrays = entries.filter(([, b]) => Array.isArray(b.value));
  if (arrays.length === 0) return [entries.map(([, b]) => asText(b.value))];
  const rows = (arrays[0]![1].value as unknown[]).length;
  return Array.from({ length: rows }, (_, r) => entries.map(([, b]) => asText(Array.isArray(b.value) ? b.value[r] : b.value)));
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const raw = Buffer.concat(parts);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipAsync(raw) : raw;
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const raw = await readBody(req);
  return raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Json);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
