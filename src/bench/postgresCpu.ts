// PostgreSQL's CPU time, read from /proc (Linux): the postmaster's own and its reaped children's
// (utime, stime, cutime, cstime), plus every live child's. Differences between two readings are
// the server's CPU over that interval, backends that exited meanwhile included.
import { readdir, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import pg from 'pg';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  ppid: number;
  own: number;
  children: number;
}

async function procStat(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3]);
  return { ppid: n(4), own: n(14) + n(15), children: n(16) + n(17) };
}

export class PostgresCpu {
  private constructor(private readonly postmaster: number) {}

  /** Finds the postmaster through a backend's parent pid. */
  static async of(connection: pg.ClientConfig): Promise<PostgresCpu> {
    const client = new pg.Client(connection);
    await client.connect();
    try {
      const backend = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
      const stat = await procStat(backend);
      if (!stat) throw new Error('cannot read /proc for the PostgreSQL backend (the bench measures CPU on Linux only)');
      return new PostgresCpu(stat.ppid);
    } finally {
      await client.end();
    }
  }

  /** CPU microseconds the server has used so far. */
  async micros(): Promise<number> {
    const master = await procStat(this.postmaster);
    if (!master) throw new Error('the PostgreSQL postmaster is gone');
    let ticks = master.own + master.children;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await procStat(Number(entry));
      if (stat?.ppid === this.postmaster) ticks += stat.own;
    }
    return (ticks * 1e6) / TICKS_PER_SECOND;
  }
}
