// The status tables can be out of reach for a moment (a failover, a network blip): the run waits
// for them rather than ending, up to target_outage_seconds, then gives up with the last error.
// Only faults PostgreSQL's SQLSTATE or the socket mark transient are waited out: anything else
// (a bug, a refused statement) ends the worker's share at once.
import { errorMessage, ThawError } from '../errors';
import { targetErrorFrom } from '../pgErrors';
import type { RunContext } from './runContext';

export class StatusTablesOutage {
  private since: number | undefined;
  private lastLog = 0;

  constructor(
    private readonly ctx: RunContext,
    private readonly limitSeconds: number,
    /** Told when an outage begins (with what failed) and when it ends (undefined). */
    private readonly onChange: (failure: string | undefined) => void,
  ) {}

  get ongoing(): boolean {
    return this.since !== undefined;
  }

  /** Runs `work`; undefined when it failed within the outage allowance, its error after that. */
  async tolerate<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      if (this.since !== undefined) {
        this.ctx.log('info', `the status tables answer again after ${Math.round((Date.now() - this.since) / 1000)} s`);
        this.since = undefined;
        this.onChange(undefined);
      }
      return result;
    } catch (err) {
      const typed = targetErrorFrom(err, what);
      if (!(typed instanceof ThawError && typed.retryable)) throw err;
      const now = Date.now();
      if (this.since === undefined) {
        this.since = now;
        this.onChange(`${what} failed: ${errorMessage(err)}`);
      }
      if (now - this.since > this.limitSeconds * 1000) throw err;
      if (now - this.lastLog >= 10_000) {
        this.lastLog = now;
        this.ctx.log('warn', `${what} failed, trying again: ${errorMessage(err)}`);
      }
      return undefined;
    }
  }
}
