// TLS to PostgreSQL with `ssl: verify-full`: a server with its own CA (made here with openssl)
// is accepted with that CA and a host name its certificate holds, and refused with another CA or
// another host name, with an error naming the cause.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/engine/config';
import { ConnectionError } from '../../src/engine/errors';
import { targetConnectionOf } from '../../src/engine/session';
import { openTargetPool } from '../../src/engine/target';
import { startLocalPostgres, type LocalPostgres } from '../../src/demo/localPostgres';

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, and a server certificate it signs for DNS:localhost only (no IP address). */
function makeCertificates(dir: string): void {
  for (const ca of ['ca', 'other-ca']) {
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=Thaw test ${ca}`);
  }
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.cnf');
}

describe('TLS to PostgreSQL: verify-full', function () {
  let dir: string;
  let server: LocalPostgres;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thaw-tls-'));
    await chmod(dir, 0o755);
    execFileSync('sh', ['-c', 'printf "subjectAltName=DNS:localhost\\n" > san.cnf'], { cwd: dir });
    makeCertificates(dir);
    // PostgreSQL accepts only a private key its own user owns with mode 0600; as root the
    // embedded server runs as "postgres".
    await chmod(join(dir, 'server.key'), 0o600);
    if (process.getuid?.() === 0) {
      const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres']).toString()));
      await chown(join(dir, 'server.key'), uid!, gid!);
    }
    server = await startLocalPostgres({
      password: 'thaw-test',
      flags: ['-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`],
    });
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function target(host: string, rootCert: string, env: Record<string, string> = {}) {
    const config = {
      source: { account: 'a', username: 'u', warehouse: 'w', database: 'd', password: '${env:SF}' },
      target: { host, port: server.port, database: 'postgres', user: server.user, password: '${env:PG}', ssl: 'verify-full', ssl_root_cert: rootCert },
      tables: [{ source_table: 'T', target_schema: 's', split_column: 'ID' }],
    };
    const loaded = parseConfig(JSON.stringify(config), { file: join(dir, 'config.json'), env: { SF: 'x', PG: server.password, ...env } });
    return targetConnectionOf(loaded.config);
  }

  async function refusal(host: string, rootCert: string): Promise<ConnectionError> {
    try {
      const pool = await openTargetPool(target(host, rootCert));
      await pool.end();
    } catch (err) {
      assert.ok(err instanceof ConnectionError, String(err));
      return err;
    }
    assert.fail(`connected to ${host} trusting ${rootCert}`);
  }

  it('connects with the right CA (a path relative to the config) and a host name the certificate holds, encrypted', async () => {
    const pool = await openTargetPool(target('localhost', 'ca.crt'));
    try {
      const { rows } = await pool.query(`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`);
      assert.equal(rows[0]?.ssl, true);
    } finally {
      await pool.end();
    }
  });

  it('takes the CA path from ${env:NAME}', async () => {
    const pool = await openTargetPool(target('localhost', '${env:THAW_PG_CA}', { THAW_PG_CA: join(dir, 'ca.crt') }));
    await pool.end();
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const err = await refusal('localhost', 'other-ca.crt');
    assert.equal(err.message, `cannot connect to the PostgreSQL target: localhost:${server.port}/postgres: TLS verify-full: the server's certificate is not signed by the CA in ssl_root_cert (${join(dir, 'other-ca.crt')}) (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`);
  });

  it('refuses a host name the certificate does not hold (127.0.0.1 for a certificate of localhost)', async () => {
    const err = await refusal('127.0.0.1', 'ca.crt');
    assert.match(err.message, /^cannot connect to the PostgreSQL target: 127\.0\.0\.1:\d+\/postgres: TLS verify-full: the server's certificate does not name the host 127\.0\.0\.1 \(.*IP: 127\.0\.0\.1 is not in the cert's list.*\); connect by a name the certificate holds$/);
  });

  it('names an unreadable CA file', async () => {
    const err = await refusal('localhost', 'missing-ca.crt');
    assert.equal(err.message, `cannot connect to the PostgreSQL target: ssl_root_cert ${join(dir, 'missing-ca.crt')} cannot be read (ENOENT)`);
  });
});
