import assert from 'node:assert/strict';
import { MemoryGuard } from '../../src/engine/run/memoryGuard';
import { newRunId } from '../../src/engine/state/runId';

describe('memory guard', () => {
  it('lowers concurrency one step at a time near the limit, never below one', () => {
    const guard = new MemoryGuard(1000, 8);
    assert.deepEqual(guard.decide(900, 8, 0), { threads: 7, action: 'lowered' });
    assert.deepEqual(guard.decide(900, 8, 1), { threads: 6, action: 'lowered' });
    for (let i = 0; i < 10; i++) guard.decide(950, 8, 2 + i);
    assert.deepEqual(guard.decide(950, 8, 20), { threads: 1 });
  });

  it('raises again slowly once memory is low, up to the desired threads', () => {
    const guard = new MemoryGuard(1000, 4);
    guard.decide(900, 4, 0); // 3
    assert.deepEqual(guard.decide(500, 4, 5_000), { threads: 3 }, 'too soon after lowering');
    assert.deepEqual(guard.decide(500, 4, 10_000), { threads: 4, action: 'raised' });
    assert.deepEqual(guard.decide(500, 4, 30_000), { threads: 4 });
  });

  it('follows the user when they ask for fewer threads', () => {
    const guard = new MemoryGuard(1000, 8);
    assert.deepEqual(guard.decide(100, 2, 0), { threads: 2 });
  });
});

describe('run id', () => {
  it('is readable and sortable by time', () => {
    const id = newRunId(new Date('2026-11-26T14:05:01.123Z'));
    assert.match(id, /^20261126-140501-[0-9a-f]{4}$/);
  });
});
