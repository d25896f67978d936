// PostgreSQL out of reach for a few seconds mid-run (every connection cut, new ones refused): the
// chunks in flight roll back and are retried, the worker waits for the status tables, and the run
// completes with every row exactly once.
import assert from 'node:assert/strict';
import { assertTablesEqual } from '../support/compare';
import { DEMO_COLUMNS, DEMO_TABLE_SPEC } from '../support/demoColumns';
import { createFixture, type Fixture } from '../support/migration';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';

describe('a PostgreSQL outage mid-run', function () {
  let fx: Fixture;
  let proxy: TcpProxy;
  before(async () => {
    fx = await createFixture({ demoRows: 3000 });
    proxy = await startTcpProxy(fx.db.port);
  });
  after(async () => {
    await proxy?.close();
    await fx?.close();
  });

  it('is waited out: interrupted chunks are retried and the target equals the source', async () => {
    const config = await fx.writeConfig([{ ...DEMO_TABLE_SPEC, partition_column: undefined }], {
      batch_size: 100,
      parallel_threads: 2,
      target: { host: '127.0.0.1', port: proxy.port, database: fx.db.database, user: fx.db.user, password: '${env:THAW_TEST_PG_PASSWORD}', ssl: 'disable' },
    });
    fx.setFaults({ delayMs: 40 });
    const cli = fx.startCli(['start', '--config', config, '--json']);
    let completed = 0;
    await cli.waitForEvent((e) => e.event === 'chunk/stateChanged' && e.status === 'completed' && ++completed >= 3);
    proxy.cut(3000);
    await cli.waitForEvent((e) => e.event === 'log' && /trying again|could not be recorded/.test(String(e.message)));
    fx.setFaults({ delayMs: 0 });
    const run = await cli.done;
    const errors = run.events.filter((e) => e.event === 'log' && e.level === 'error').map((e) => String(e.message));
    assert.equal(run.code, 0, [run.stderr, ...errors].join('\n'));

    await assertTablesEqual(fx, { schema: 'main', table: 'FACTVISITCALLPERFORMANCE_CR' }, { schema: 'analytics', table: 'factvisitcallperformance_cr' }, DEMO_COLUMNS);
    const [chunks] = await fx.query<{ retried: string; loaded: string; expected: string }>(
      `SELECT count(*) FILTER (WHERE attempts > 1) AS retried, sum(rows_loaded) AS loaded, sum(rows_expected) AS expected FROM migration_status.migration_chunk_status`,
    );
    assert.ok(Number(chunks!.retried) >= 1, 'the chunks in flight during the cut were loaded again');
    assert.equal(chunks!.loaded, chunks!.expected);
  });
});
