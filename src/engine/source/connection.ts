// One snowflake-sdk connection: promise-based small queries, and chunk queries whose result is
// described (inline rows, chunk URLs) for Thaw to stream itself. Driver errors become typed errors
// that carry Snowflake's code but never a secret.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection, ConnectionOptions, SnowflakeError } from 'snowflake-sdk';
import type { ResolvedSource } from '../config/resolve';
import { ConnectionError, PrivilegeError, SourceError, ThawError, type ErrorContext } from '../errors';
import { accountUrl, queryResultFrom, SESSION_TOKEN_EXPIRED, sessionTokenOf, type QueryResult, type ResultResponse } from './result/queryResult';
import { classifySourceError } from './sourceErrors';

export interface SnowflakeSourceOptions {
  /** Where the driver writes `snowflake.log` (e.g. `<state dir>/logs`); never the working directory. */
  logDir: string;
  /**
   * Login attempts after the first (default 2, about 4 s against a refused port): the driver's own
   * default takes minutes to report an unreachable endpoint.
   */
  loginRetries?: number;
}

export interface SnowflakeSource {
  /** Runs a statement whose whole result fits in memory (metadata, plan rows). */
  execute<Row = Record<string, unknown>>(sql: string, binds?: readonly string[], context?: ErrorContext): Promise<Row[]>;
  /** Runs a statement and describes its result (inline rows, chunk URLs) without downloading a chunk. */
  query(sql: string, binds?: readonly string[], context?: ErrorContext): Promise<QueryResult>;
  /** A finished statement's result described again, with fresh chunk URLs. */
  result(queryId: string, context?: ErrorContext): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Snowflake's "SQL access control error: Insufficient privileges to operate on …". */
const INSUFFICIENT_PRIVILEGES = '003001';

type SnowflakeModule = typeof import('snowflake-sdk');
let driver: Promise<SnowflakeModule> | undefined;
let configuredLogDir: string | undefined;

// The AWS SDK inside the driver warns about Node 20 on first use; the warning means nothing to a
// Thaw user and would land on the CLI's stderr. An explicit setting by the user wins.
function loadDriver(): Promise<SnowflakeModule> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  driver ??= import('snowflake-sdk').then((m) => ((m as { default?: SnowflakeModule }).default ?? m));
  return driver;
}

const RESULT_REQUEST_TIMEOUT_MS = 120_000;

const DRIVER_LOG_LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'OFF'] as const;
type DriverLogLevel = (typeof DRIVER_LOG_LEVELS)[number];

/** ERROR, or what THAW_SNOWFLAKE_LOG_LEVEL asks for while a driver problem is being diagnosed. */
function driverLogLevel(): DriverLogLevel {
  const wanted = process.env.THAW_SNOWFLAKE_LOG_LEVEL?.toUpperCase();
  return DRIVER_LOG_LEVELS.find((level) => level === wanted) ?? 'ERROR';
}

function configureLogging(snowflake: SnowflakeModule, logDir: string): void {
  if (configuredLogDir === logDir) return;
  mkdirSync(logDir, { recursive: true });
  snowflake.configure({ logLevel: driverLogLevel(), logFilePath: join(logDir, 'snowflake.log'), additionalLogToConsole: false });
  configuredLogDir = logDir;
}

function connectionOptions(config: ResolvedSource, options: SnowflakeSourceOptions): ConnectionOptions {
  const common: ConnectionOptions = {
    account: config.account,
    username: config.username,
    warehouse: config.warehouse,
    database: config.database,
    schema: config.schema,
    ...(config.role ? { role: config.role } : {}),
    ...(config.access_url ? { accessUrl: config.access_url } : {}),
    application: 'Thaw',
    // A load runs for hours: keep the session (and its master token) alive instead of letting it
    // expire after four idle-free hours and failing every chunk after that.
    clientSessionKeepAlive: true,
    sfRetryMaxLoginRetries: options.loginRetries ?? 2,
  };
  const { auth } = config;
  switch (auth.method) {
    case 'password':
      return { ...common, password: auth.password.reveal() };
    case 'token':
      return { ...common, authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: auth.token.reveal() };
    case 'key_pair':
      return {
        ...common,
        authenticator: 'SNOWFLAKE_JWT',
        privateKeyPath: auth.private_key_path,
        ...(auth.private_key_passphrase ? { privateKeyPass: auth.private_key_passphrase.reveal() } : {}),
      };
  }
}

function secretsOf(config: ResolvedSource): string[] {
  const { auth } = config;
  if (auth.method === 'password') return [auth.password.reveal()];
  if (auth.method === 'token') return [auth.token.reveal()];
  return auth.private_key_passphrase ? [auth.private_key_passphrase.reveal()] : [];
}

/** The driver's message with every secret of `config` blotted out, in case a cause echoes one. */
function redact(message: string, config: ResolvedSource): string {
  return secretsOf(config)
    .filter((s): s is string => !!s && s.length >= 4)
    .reduce((text, secret) => text.replaceAll(secret, '***'), message);
}

/** A plain error carrying only what is safe to show, so a logged cause leaks nothing either. */
function safeCause(err: unknown, config: ResolvedSource): Error {
  const e = err as Partial<SnowflakeError> | undefined;
  const cause = new Error(redact(e?.message ?? String(err), config));
  cause.name = e?.name ?? 'Error';
  return Object.assign(cause, { code: e?.code, sqlState: e?.sqlState });
}

/** Logs in to Snowflake (or the emulator behind `access_url`). */
export async function openSource(config: ResolvedSource, options: SnowflakeSourceOptions): Promise<SnowflakeSource> {
  const snowflake = await loadDriver();
  configureLogging(snowflake, options.logDir);
  let connection: Connection;
  try {
    connection = snowflake.createConnection(connectionOptions(config, options));
  } catch (err) {
    throw new ConnectionError('source', redact((err as Error).message, config), {}, { cause: safeCause(err, config) });
  }
  // The driver waits between login retries on unref'd timers: without a handle of our own a
  // process with nothing else to do would exit mid-login, silently and with status 0.
  const keepAlive = setInterval(() => {}, 1000);
  await new Promise<void>((resolve, reject) => {
    connection.connect((err) => {
      clearInterval(keepAlive);
      if (!err) return resolve();
      const code = err.code === undefined ? undefined : String(err.code);
      reject(new ConnectionError('source', redact(err.message, config), code ? { code } : {}, { cause: safeCause(err, config) }));
    });
  });
  return new DriverConnection(connection, config);
}

class DriverConnection implements SnowflakeSource {
  constructor(
    private readonly connection: Connection,
    private readonly config: ResolvedSource,
  ) {}

  private wrap(err: unknown, context: ErrorContext): ThawError {
    if (err instanceof ThawError) return err;
    const e = err as Partial<SnowflakeError>;
    const { retryable, code } = classifySourceError(e);
    const message = redact(e?.message ?? String(err), this.config);
    if (code === INSUFFICIENT_PRIVILEGES) return this.privilegeError(message, { ...context, code }, err);
    return new SourceError(`Snowflake: ${message}`, retryable, { ...context, ...(code ? { code } : {}) }, { cause: safeCause(err, this.config) });
  }

  /** Snowflake's 003001, with the grant that would lift it. */
  private privilegeError(message: string, context: ErrorContext, err: unknown): PrivilegeError {
    const role = this.config.role ?? `the default role of user ${this.config.username}`;
    const grant = context.table
      ? `: grant it SELECT, e.g. GRANT SELECT ON TABLE ${context.table} TO ROLE ${this.config.role ?? '<role>'} (see "Least privilege" in the README)`
      : '';
    const detail = message.replace(/\s+/g, ' ').trim();
    return new PrivilegeError(`Snowflake refused ${role} (${detail})${grant}`, context, { cause: safeCause(err, this.config) });
  }

  execute<Row>(sql: string, binds: readonly string[] = [], context: ErrorContext = {}): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      try {
        this.connection.execute({
          sqlText: sql,
          binds: [...binds],
          complete: (err, _statement, rows) => (err ? reject(this.wrap(err, context)) : resolve((rows ?? []) as Row[])),
        });
      } catch (err) {
        reject(this.wrap(err, context));
      }
    });
  }

  query(sql: string, binds: readonly string[] = [], context: ErrorContext = {}): Promise<QueryResult> {
    return new Promise<string>((resolve, reject) => {
      try {
        // streamResult: the driver fetches no chunk until rows are asked for, and Thaw never asks.
        this.connection.execute({
          sqlText: sql,
          binds: [...binds],
          streamResult: true,
          complete: (err, statement) => (err ? reject(this.wrap(err, context)) : resolve(statement.getQueryId())),
        });
      } catch (err) {
        reject(this.wrap(err, context));
      }
    }).then((queryId) => this.result(queryId, context));
  }

  async result(queryId: string, context: ErrorContext = {}, renewed = false): Promise<QueryResult> {
    let response: ResultResponse;
    try {
      // The request snowflake-sdk itself sends for a finished statement's result.
      const answer = await fetch(`${accountUrl(this.config.account, this.config.access_url)}/queries/${encodeURIComponent(queryId)}/result?disableOfflineChunks=false`, {
        headers: { Authorization: `Snowflake Token="${sessionTokenOf(this.connection.serialize())}"`, Accept: 'application/snowflake' },
        signal: AbortSignal.timeout(RESULT_REQUEST_TIMEOUT_MS),
      });
      if (!answer.ok) throw Object.assign(new Error(`reading the result of query ${queryId}: HTTP ${answer.status}`), { name: 'RequestFailedError' });
      response = (await answer.json()) as ResultResponse;
    } catch (err) {
      const cause = err as Error;
      throw this.wrap(cause.name === 'RequestFailedError' ? cause : Object.assign(new Error(`reading the result of query ${queryId}: ${cause.message}`), { name: 'NetworkError' }), context);
    }
    if (response.code === SESSION_TOKEN_EXPIRED && !renewed) {
      // Any statement through the driver renews the session token with the master token.
      await this.execute('SELECT 1', [], context);
      return this.result(queryId, context, true);
    }
    try {
      return queryResultFrom(queryId, response);
    } catch (err) {
      throw this.wrap(err, context);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.connection.isUp()) return resolve();
      // A failed logout leaves a session that expires on its own: nothing to report.
      this.connection.destroy(() => resolve());
    });
  }
}
