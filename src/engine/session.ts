// Everything one command needs open at once: the validated config, a Snowflake connection and a
// PostgreSQL pool. Opening fails with ConfigError or ConnectionError (exit 2) before anything is
// written anywhere. Commands that only read or steer a run through the status tables need a
// PgSession: the config and the pool, no Snowflake.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type pg from 'pg';
import { loadConfig, type LoadedConfig, type ResolvedConfig } from './config';
import { openSource, type SnowflakeSource } from './source';
import { openTargetPool, type TargetConnection } from './target';

/** The config and a PostgreSQL pool: enough for everything that only touches the status tables. */
export interface PgSession {
  configPath: string;
  config: ResolvedConfig;
  configHash: string;
  loaded: LoadedConfig;
  pool: pg.Pool;
  statusSchema: string;
}

export interface Session extends PgSession {
  source: SnowflakeSource;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  env?: NodeJS.ProcessEnv;
  /** Whether the command reads Snowflake at all (status, stop and tune do not). */
  source?: boolean;
}

/**
 * Where Thaw keeps its own files for a config, the driver's log among them: `.thaw` beside the
 * config, or THAW_STATE_DIR when set (a config mounted read-only, as a Kubernetes ConfigMap is).
 */
export function stateDirFor(configPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.THAW_STATE_DIR ? resolve(env.THAW_STATE_DIR) : join(dirname(resolve(configPath)), '.thaw');
}

/** Connections open lazily; room for any thread count `thaw tune` may ask for later. */
export const SESSION_POOL_MAX = 256 + 3;

/** The target connection a config names, its secrets revealed (for the pg driver only). */
export function targetConnectionOf(config: ResolvedConfig): TargetConnection {
  const t = config.target;
  return t.kind === 'connection_string'
    ? { connection_string: t.connection_string.reveal() }
    : { host: t.host, port: t.port, database: t.database, user: t.user, password: t.password?.reveal(), ssl: t.ssl, ssl_root_cert: t.ssl_root_cert };
}

export async function openSession(configPath: string, options: OpenSessionOptions = {}): Promise<Session> {
  // A command that never opens Snowflake needs only the PostgreSQL secret.
  const loaded = await loadConfig(configPath, { env: options.env, sourceSecrets: options.source !== false });
  const { config } = loaded;
  const pool = await openTargetPool(targetConnectionOf(config), { max: SESSION_POOL_MAX });
  let source: SnowflakeSource | undefined;
  try {
    if (options.source !== false) {
      const logDir = join(stateDirFor(configPath, options.env), 'logs');
      await mkdir(logDir, { recursive: true });
      source = await openSource(config.source, { logDir });
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    configPath: resolve(configPath),
    config,
    configHash: loaded.hash,
    loaded,
    get source(): SnowflakeSource {
      if (!source) throw new Error('this command opened no Snowflake connection');
      return source;
    },
    pool,
    statusSchema: config.status_schema,
    async close() {
      await Promise.allSettled([source?.close(), pool.end()]);
    },
  };
}

/** A pooled client for work that needs one session (transactions); broken ones are not reused. */
export async function withClient<T>(session: { pool: pg.Pool }, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await session.pool.connect();
  // The failing query reports a broken connection; the client's own 'error' event must not end the process.
  const onBrokenConnection = () => undefined;
  client.on('error', onBrokenConnection);
  let failed = false;
  try {
    return await use(client);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.off('error', onBrokenConnection);
    client.release(failed);
  }
}
