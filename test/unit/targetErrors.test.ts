import assert from 'node:assert/strict';
import { ConnectionError, DataError, TargetError } from '../../src/engine/errors';
import { copyPositionOf, isRetryableSqlState, targetErrorFrom } from '../../src/engine/pgErrors';

/** An error shaped like pg's DatabaseError. */
function pgError(code: string, message: string, fields: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { code, ...fields });
}

describe('PostgreSQL error classification', () => {
  it('retries connection, serialization, deadlock, resource and shutdown errors only', () => {
    const retryable = ['08006', '08001', '40001', '40P01', '53100', '53300', '57P01', '57P03', '55P03'];
    const terminal = ['22P02', '22003', '23505', '23502', '42P01', '42703', '42501', '0A000', 'XX000'];
    for (const code of retryable) assert.equal(isRetryableSqlState(code), true, code);
    for (const code of terminal) assert.equal(isRetryableSqlState(code), false, code);
  });

  it('reads line and column from a COPY error context', () => {
    assert.deepEqual(copyPositionOf('COPY visits, line 3, column id: "x3"'), { line: 3, column: 'id' });
    assert.deepEqual(copyPositionOf('COPY visits, line 12'), { line: 12 });
    assert.deepEqual(copyPositionOf('PL/pgSQL function f() line 3 at RAISE'), {});
    assert.deepEqual(copyPositionOf(undefined), {});
  });

  it('wraps data errors as DataError and the rest as TargetError, keeping the context', () => {
    const data = targetErrorFrom(pgError('22003', 'value out of range', { where: 'COPY t, line 7, column n: "1e400"' }), 'loading chunk 3', {
      runId: 'r',
      chunkId: 3,
      table: 's.t',
    });
    assert.ok(data instanceof DataError);
    assert.deepEqual(data.context, { runId: 'r', chunkId: 3, table: 's.t', code: '22003', column: 'n', line: 7 });
    const deadlock = targetErrorFrom(pgError('40P01', 'deadlock detected'), 'x');
    assert.ok(deadlock instanceof TargetError && deadlock.retryable);
    const socket = targetErrorFrom(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'x');
    assert.ok(socket instanceof TargetError && socket.retryable);
    // Five capitals like a SQLSTATE: a COPY write into a connection cut under it.
    const pipe = targetErrorFrom(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }), 'x');
    assert.ok(pipe instanceof TargetError && pipe.retryable, 'EPIPE is a socket fault, not SQLSTATE class EP');
    const plain = new Error('a bug');
    assert.equal(targetErrorFrom(plain, 'x'), plain, 'an error that is not from PostgreSQL passes through');
    const typed = new ConnectionError('target', 'down');
    assert.equal(targetErrorFrom(typed, 'x'), typed);
  });
});
