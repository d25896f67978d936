// Every statement the emulator was sent, with its binds, when a test asks for them: how the
// security tests prove that Thaw quotes identifiers and binds values on the Snowflake side.

export interface ReceivedQuery {
  sqlText: string;
  /** Bind values of the first row of binds, as text. */
  binds: Array<string | null>;
}

export class ReceivedQueries {
  private readonly queries: ReceivedQuery[] = [];
  constructor(private readonly enabled: boolean) {}

  add(sqlText: string, binds: Array<string | null>): void {
    if (this.enabled) this.queries.push({ sqlText, binds: [...binds] });
  }

  list(): ReceivedQuery[] {
    return this.queries.map((q) => ({ ...q, binds: [...q.binds] }));
  }
}
