// Connections to the PostgreSQL target, set up for bulk loading. Every connection gets the same
// session settings before it is handed out (pg-pool's onConnect hook):
// - synchronous_commit off: a commit returns before its WAL reaches disk. A crash can lose the last
//   few hundred milliseconds of commits, but each chunk's rows and its "completed" mark commit in
//   one transaction, so a lost commit loses both and the chunk is simply loaded again.
// - statement_timeout 0: a chunk's COPY or an ADD PRIMARY KEY on a big table may run for minutes;
//   a role-level timeout must not cut it.
// - application_name 'thaw', so DBAs can tell Thaw's sessions apart in pg_stat_activity.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ConnectionError } from '../errors';

export const BULK_LOAD_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  synchronous_commit: 'off',
  statement_timeout: '0',
  idle_in_transaction_session_timeout: '0',
});

export const APPLICATION_NAME = 'thaw';

/** The target as config.json gives it (secrets already resolved). */
export interface TargetConnection {
  connection_string?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: 'disable' | 'prefer' | 'require' | 'verify-full';
  /** PEM file of the CAs `verify-full` trusts (instead of Node's bundled ones). */
  ssl_root_cert?: string;
}

/** Applies BULK_LOAD_SETTINGS to one session. */
export async function applyBulkLoadSettings(client: pg.ClientBase): Promise<void> {
  const names = Object.keys(BULK_LOAD_SETTINGS);
  await client.query('SELECT set_config(name, value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)', [
    names,
    names.map((n) => BULK_LOAD_SETTINGS[n]),
  ]);
}

type SslChoice = pg.ClientConfig['ssl'];

function sslFor(target: TargetConnection): SslChoice {
  switch (target.ssl) {
    case 'disable':
      return false;
    case 'verify-full':
      // Node checks the chain against `ca` and the certificate's names against the host (pg passes it).
      return { rejectUnauthorized: true, ...(target.ssl_root_cert ? { ca: readRootCert(target.ssl_root_cert) } : {}) };
    default:
      // require and prefer: encrypted, certificate not checked (libpq's meaning of these modes).
      return { rejectUnauthorized: false };
  }
}

/** The pg pool settings for a target: bulk-load session settings on every new connection. */
export function targetPoolConfig(target: TargetConnection, options: { max?: number; ssl?: SslChoice } = {}): pg.PoolConfig {
  const base: pg.PoolConfig = target.connection_string
    ? { connectionString: target.connection_string }
    : {
        host: target.host,
        port: target.port ?? 5432,
        database: target.database,
        user: target.user,
        password: target.password,
        ssl: options.ssl ?? sslFor(target),
      };
  return { ...base, application_name: APPLICATION_NAME, max: options.max ?? 10, onConnect: applyBulkLoadSettings };
}

function describeTarget(target: TargetConnection): string {
  if (target.connection_string) {
    try {
      const url = new URL(target.connection_string);
      return `${url.hostname}:${url.port || 5432}${url.pathname}`;
    } catch {
      return 'the connection string';
    }
  }
  return `${target.host}:${target.port ?? 5432}/${target.database}`;
}

function readRootCert(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConnectionError('target', `ssl_root_cert ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { path: 'target.ssl_root_cert' });
  }
}

const NO_SSL = /does not support SSL/i;

/** Node's TLS verdicts, said in terms of what to fix. */
function describeTlsFailure(err: unknown, target: TargetConnection): string | undefined {
  const code = (err as { code?: string }).code;
  const trusted = target.ssl_root_cert ? `the CA in ssl_root_cert (${target.ssl_root_cert})` : 'the system’s CAs (set ssl_root_cert to your CA file)';
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS verify-full: the server's certificate does not name the host ${target.host ?? 'connected to'} (${(err as Error).message}); connect by a name the certificate holds`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return `TLS verify-full: the server's certificate is not signed by ${trusted} (${code})`;
    case 'CERT_HAS_EXPIRED':
      return `TLS verify-full: the server's certificate has expired (${code})`;
    default:
      return undefined;
  }
}

/**
 * Opens a pool and proves it works with one round trip, so an unreachable or misconfigured
 * target fails at start-up (ConnectionError, exit 2) rather than at the first chunk. `prefer`
 * (the default) falls back to a plain connection when the server offers no TLS, as libpq does.
 */
export async function openTargetPool(target: TargetConnection, options: { max?: number } = {}): Promise<pg.Pool> {
  const attempt = async (ssl?: SslChoice) => {
    const pool = new pg.Pool(targetPoolConfig(target, { ...options, ssl }));
    // An idle connection that breaks is dropped by the pool and replaced on the next checkout;
    // without a listener its 'error' event would end the process.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
      return pool;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  };
  try {
    try {
      return await attempt();
    } catch (err) {
      const preferring = !target.connection_string && (target.ssl ?? 'prefer') === 'prefer';
      if (preferring && err instanceof Error && NO_SSL.test(err.message)) return await attempt(false);
      throw err;
    }
  } catch (err) {
    if (err instanceof ConnectionError) throw err;
    const message = describeTlsFailure(err, target) ?? (err instanceof Error ? err.message : String(err));
    const code = (err as { code?: string }).code;
    throw new ConnectionError('target', `${describeTarget(target)}: ${message}`, code ? { code } : {}, { cause: err });
  }
}
