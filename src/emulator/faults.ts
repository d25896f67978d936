// Fault injection: switches set at start (CLI flags, startEmulator) and while running
// (POST /__thaw/faults, emulator.setFaults), plus counters of what fired.
//
// How the driver (snowflake-sdk 3.3) reacts, read from its source:
//   - query-request answered with HTTP 5xx, 408, 429 or a dropped connection: retried by the
//     driver up to 1000 times, sleeping 1..16 s between tries (sfRetryMaxNumRetries, not
//     configurable). An 'http' query fault is therefore invisible to the caller unless it lasts
//     for more than 1000 tries: in practice it only slows the query down.
//   - query answered with a Snowflake SQL error (success:false): never retried by the driver;
//     the caller sees it at once. So `failQueries: [{ pattern, count: 1, kind: 'sql' }]` makes one
//     execution really fail; the engine's own retry then meets count - 1 more failures.
//   - chunk download answered with 5xx/403/408/429 or a dropped connection: retried up to 10 times
//     (sfRetryLargeResultSetMaxNumRetries), sleeping 1..16 s; the 11th failure reaches the caller.

export type FailureKind = 'http' | 'sql';

export interface QueryFailureRule {
  /** Regular expression matched against `<sql text> -- binds: <JSON array of bind values>`. */
  pattern: string;
  /** How many more matching queries fail. */
  count: number;
  kind: FailureKind;
}

export interface FaultSettings {
  /** Fraction (0..1) of chunk downloads answered with HTTP 503. */
  chunkFailRate: number;
  /** The next N chunk downloads are answered with HTTP 503. */
  failNextChunks: number;
  /** Fraction (0..1) of query requests that fail, the way `queryFailKind` says. */
  queryFailRate: number;
  queryFailKind: FailureKind;
  /** Fraction (0..1) of requests whose connection is destroyed without an answer. */
  dropRate: number;
  /** The next N requests have their connection destroyed without an answer. */
  dropNext: number;
  /** Added to every response, in milliseconds. */
  delayMs: number;
  /** Fraction (0..1) of requests held for `stallMs` before they are served: a server that stalls. */
  stallRate: number;
  stallMs: number;
  /** Fail the next N queries matching a pattern. */
  failQueries: QueryFailureRule[];
  /** Stage-file downloads (presigned URLs): the next N are cut off halfway through the file. */
  cutDownloadsNext: number;
  /** The next N stage-file downloads answer 403, as an expired presigned URL does. */
  expireUrlsNext: number;
  /** Result-chunk downloads: the next N are cut off halfway through the chunk. */
  cutChunksNext: number;
  /** Every stage-file download waits this long before answering (a slow object store). */
  holdDownloadsMs: number;
  /** COPY INTO a stage is refused, as with PREVENT_UNLOAD_TO_INTERNAL_STAGES on the account. */
  refuseUnloads: boolean;
}

export interface FaultCounters {
  chunkFailures: number;
  queryFailures: number;
  patternFailures: number;
  drops: number;
  delayedResponses: number;
  stalls: number;
  cutDownloads: number;
  expiredUrls: number;
  cutChunks: number;
  refusedUnloads: number;
}

export const NO_FAULTS: FaultSettings = {
  chunkFailRate: 0,
  failNextChunks: 0,
  queryFailRate: 0,
  queryFailKind: 'sql',
  dropRate: 0,
  dropNext: 0,
  delayMs: 0,
  stallRate: 0,
  stallMs: 0,
  failQueries: [],
  cutDownloadsNext: 0,
  expireUrlsNext: 0,
  cutChunksNext: 0,
  holdDownloadsMs: 0,
  refuseUnloads: false,
};

export class FaultInjector {
  private settings: FaultSettings;
  private compiled: Array<{ rule: QueryFailureRule; regex: RegExp }> = [];
  readonly counters: FaultCounters = { chunkFailures: 0, queryFailures: 0, patternFailures: 0, drops: 0, delayedResponses: 0, stalls: 0, cutDownloads: 0, expiredUrls: 0, cutChunks: 0, refusedUnloads: 0 };

  constructor(initial: Partial<FaultSettings> = {}, private readonly random: () => number = Math.random) {
    this.settings = { ...NO_FAULTS };
    this.set(initial);
  }

  /** Replaces the given settings; rates are validated, patterns compiled. */
  set(partial: Partial<FaultSettings>): void {
    const next = { ...this.settings, ...partial };
    for (const key of ['chunkFailRate', 'queryFailRate', 'dropRate', 'stallRate'] as const) {
      if (!(next[key] >= 0 && next[key] <= 1)) throw new RangeError(`${key} must be between 0 and 1`);
    }
    for (const key of ['delayMs', 'stallMs', 'failNextChunks', 'dropNext', 'cutDownloadsNext', 'expireUrlsNext', 'cutChunksNext', 'holdDownloadsMs'] as const) {
      if (!(Number.isInteger(next[key]) && next[key] >= 0)) throw new RangeError(`${key} must be a non-negative integer`);
    }
    if (typeof next.refuseUnloads !== 'boolean') throw new RangeError('refuseUnloads must be true or false');
    if (next.queryFailKind !== 'http' && next.queryFailKind !== 'sql') throw new RangeError(`queryFailKind must be 'http' or 'sql'`);
    const compiled = next.failQueries.map((rule) => {
      if (rule.kind !== 'http' && rule.kind !== 'sql') throw new RangeError(`failQueries kind must be 'http' or 'sql'`);
      if (!(Number.isInteger(rule.count) && rule.count >= 0)) throw new RangeError('failQueries count must be a non-negative integer');
      return { rule: { ...rule }, regex: new RegExp(rule.pattern) };
    });
    this.settings = { ...next, failQueries: compiled.map((c) => c.rule) };
    this.compiled = compiled;
  }

  snapshot(): { settings: FaultSettings; counters: FaultCounters } {
    return { settings: structuredClone(this.settings), counters: { ...this.counters } };
  }

  shouldDrop(): boolean {
    return this.fires('dropNext', 'dropRate', 'drops');
  }

  /** How long to hold this request before serving it: the delay, plus a stall now and then. */
  delayMs(): number {
    if (this.settings.delayMs > 0) this.counters.delayedResponses++;
    const stalled = this.settings.stallRate > 0 && this.settings.stallMs > 0 && this.random() < this.settings.stallRate;
    if (stalled) this.counters.stalls++;
    return this.settings.delayMs + (stalled ? this.settings.stallMs : 0);
  }

  shouldFailChunk(): boolean {
    return this.fires('failNextChunks', 'chunkFailRate', 'chunkFailures');
  }

  /** Whether this result-chunk download is cut off halfway. */
  shouldCutChunk(): boolean {
    if (this.settings.cutChunksNext === 0) return false;
    this.settings.cutChunksNext--;
    this.counters.cutChunks++;
    return true;
  }

  /** What to do with a stage-file download: serve it, cut it halfway, or answer 403. */
  downloadFault(): 'cut' | 'expired' | null {
    if (this.settings.expireUrlsNext > 0) {
      this.settings.expireUrlsNext--;
      this.counters.expiredUrls++;
      return 'expired';
    }
    if (this.settings.cutDownloadsNext > 0) {
      this.settings.cutDownloadsNext--;
      this.counters.cutDownloads++;
      return 'cut';
    }
    return null;
  }

  downloadHoldMs(): number {
    return this.settings.holdDownloadsMs;
  }

  refusesUnload(): boolean {
    if (this.settings.refuseUnloads) this.counters.refusedUnloads++;
    return this.settings.refuseUnloads;
  }

  /** A fault with a "next N" switch and a rate: the N come first, then chance. */
  private fires(next: 'dropNext' | 'failNextChunks', rate: 'dropRate' | 'chunkFailRate', counter: 'drops' | 'chunkFailures'): boolean {
    let fired: boolean;
    if (this.settings[next] > 0) {
      this.settings[next]--;
      fired = true;
    } else {
      fired = this.settings[rate] > 0 && this.random() < this.settings[rate];
    }
    if (fired) this.counters[counter]++;
    return fired;
  }

  /** The failure to answer this query with, if any. */
  queryFailure(sqlText: string, bindValues: unknown[]): FailureKind | null {
    const subject = `${sqlText} -- binds: ${JSON.stringify(bindValues)}`;
    for (const { rule, regex } of this.compiled) {
      if (rule.count > 0 && regex.test(subject)) {
        rule.count--;
        this.counters.patternFailures++;
        return rule.kind;
      }
    }
    if (this.settings.queryFailRate > 0 && this.random() < this.settings.queryFailRate) {
      this.counters.queryFailures++;
      return this.settings.queryFailKind;
    }
    return null;
  }
}
