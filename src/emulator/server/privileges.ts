// Privileges the emulator withholds, so a test can meet Snowflake's access-control errors without
// an account. Snowflake lists a table in INFORMATION_SCHEMA to a role holding any privilege on it,
// but a role without SELECT that reads it gets 003001 "Insufficient privileges": the emulator
// answers the same way to a statement, run by a session of that role, that names the table.
import { SnowflakeSqlError } from '../db/sqlErrors';
import { lex } from '../sql/lexer';

export interface RevokedSelect {
  /** The role that may not read it, as the client names it at login (compared case-insensitively). */
  role: string;
  /** Table name exactly as stored (an unquoted name in the SQL matches it upper-cased). */
  table: string;
}

export class Privileges {
  private revoked: RevokedSelect[] = [];

  set(revoked: readonly RevokedSelect[]): void {
    this.revoked = revoked.map((r) => ({ ...r }));
  }

  /** Throws Snowflake's access-control error when `role` may not read a table the statement names. */
  check(role: string | null, sqlText: string): void {
    if (this.revoked.length === 0 || role === null) return;
    const denied = this.revoked.filter((r) => r.role.toUpperCase() === role.toUpperCase());
    if (denied.length === 0) return;
    let named: Set<string>;
    try {
      named = new Set(lex(sqlText).flatMap((t) => (t.kind === 'qident' ? [t.value] : t.kind === 'word' ? [t.value.toUpperCase()] : [])));
    } catch {
      return; // not SQL the emulator can read: the statement runner reports that
    }
    const table = denied.find((r) => named.has(r.table));
    if (table) throw new SnowflakeSqlError(`SQL access control error:\nInsufficient privileges to operate on table '${table.table}'`, '003001', '42501');
  }
}
