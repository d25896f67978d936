// Snowflake's DATA_RETENTION_TIME_IN_DAYS per table: how far back AT(...) may read it. Default 1
// day (also the maximum of Standard edition), 0 turns Time Travel off, 90 is Enterprise's maximum.
// An AT() older than that fails as Snowflake fails it (snowflake-unload.md, "Time Travel").
import type { TableName } from '../sql/translate';
import { SnowflakeSqlError } from './sqlErrors';

export const DEFAULT_RETENTION_DAYS = 1;
const MAX_RETENTION_DAYS = 90;
const DAY_MICROS = 86_400_000_000n;

export class RetentionSettings {
  private readonly days = new Map<string, number>();

  private key(table: TableName): string {
    return `${table.schema.toLowerCase()}.${table.table.toLowerCase()}`;
  }

  daysOf(table: TableName): number {
    return this.days.get(this.key(table)) ?? DEFAULT_RETENTION_DAYS;
  }

  set(table: TableName, days: number): void {
    if (!Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
      throw new SnowflakeSqlError(
        `SQL compilation error: invalid value [${days}] for parameter 'DATA_RETENTION_TIME_IN_DAYS'`,
        '001008',
        '22023',
      );
    }
    this.days.set(this.key(table), days);
  }

  /** A dropped table's setting goes with it; a new table of that name starts at the default. */
  forget(table: TableName): void {
    this.days.delete(this.key(table));
  }

  /** Refuses a Time Travel read of `table` at `instantUs` that its retention no longer covers. */
  checkRead(table: TableName, instantUs: bigint, nowUs: bigint): void {
    if (instantUs >= nowUs - BigInt(this.daysOf(table)) * DAY_MICROS) return;
    throw new SnowflakeSqlError(
      `Time travel data is not available for table ${table.table}. The requested time is either beyond the allowed time travel period or before the object creation time.`,
      '000707',
      '02000',
    );
  }
}
