// Sessions and their tokens. Any user and password (or key-pair JWT, or programmatic access
// token) is accepted: the emulator checks nothing, it only hands out tokens the driver can use.
import { randomBytes, randomUUID } from 'node:crypto';
import { RESULT_CHUNK_SIZE_MB } from '../results/resultSpool';

export interface Session {
  id: string;
  user: string;
  /** The role named at login; null when the client named none (the user's default role). */
  role: string | null;
  masterToken: string;
  /** Parameters the client set at login (e.g. JS_TREAT_INTEGER_AS_BIGINT), echoed back with results. */
  parameters: Record<string, unknown>;
}

export type ParameterList = Array<{ name: string; value: unknown }>;

/** The session's parameters as sent with a result: defaults, then the client's, then the statement's. */
export function parameterList(session: Session, statement: Record<string, unknown> = {}): ParameterList {
  const merged = new Map<string, unknown>(SESSION_PARAMETERS.map((p) => [p.name, p.value]));
  for (const [name, value] of Object.entries({ ...session.parameters, ...statement })) merged.set(name.toUpperCase(), value);
  return [...merged].map(([name, value]) => ({ name, value }));
}

export const SESSION_VALIDITY_SECONDS = 3600;
/** Snowflake's code for a session token past its validity: the driver renews it with the master token. */
export const SESSION_TOKEN_EXPIRED = '390112';
export const MASTER_VALIDITY_SECONDS = 14400;

/** Session parameters sent at login and with each result (driver reads formats and TIMEZONE). */
export const SESSION_PARAMETERS: ReadonlyArray<{ name: string; value: string | number | boolean }> = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: RESULT_CHUNK_SIZE_MB.default },
  { name: 'CLIENT_SESSION_KEEP_ALIVE', value: false },
  { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
];

const token = () => randomBytes(24).toString('base64url');

export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private readonly byMaster = new Map<string, Session>();
  private readonly expired = new Set<string>();

  login(user: string, role: string | null, parameters: Record<string, unknown>): { session: Session; token: string } {
    const session: Session = { id: randomUUID(), user, role, masterToken: token(), parameters };
    const sessionToken = token();
    this.byToken.set(sessionToken, session);
    this.byMaster.set(session.masterToken, session);
    return { session, token: sessionToken };
  }

  /**
   * The session behind an Authorization header. Unknown tokens (e.g. from before a restart) get a
   * session of their own rather than an error: nothing here is a secret worth guarding.
   */
  fromAuthorization(header: string | undefined): Session {
    const value = /Token="([^"]*)"/.exec(header ?? '')?.[1] ?? '';
    let session = this.byToken.get(value) ?? this.byMaster.get(value);
    if (!session) {
      session = { id: randomUUID(), user: 'unknown', role: null, masterToken: token(), parameters: {} };
      this.byToken.set(value, session);
    }
    return session;
  }

  /** Expires every session token handed out so far: requests bearing one get 390112 until renewed. */
  expireSessionTokens(): void {
    for (const token of this.byToken.keys()) this.expired.add(token);
  }

  /** True when the header carries a session token that has expired. */
  isExpired(header: string | undefined): boolean {
    return this.expired.has(/Token="([^"]*)"/.exec(header ?? '')?.[1] ?? '');
  }

  renew(session: Session): string {
    const sessionToken = token();
    this.byToken.set(sessionToken, session);
    return sessionToken;
  }

  end(session: Session): void {
    for (const [key, s] of this.byToken) {
      if (s !== session) continue;
      this.byToken.delete(key);
      this.expired.delete(key);
    }
    this.byMaster.delete(session.masterToken);
  }
}
