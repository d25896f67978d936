// Secrets live in the config only as `${env:NAME}` references. Once resolved, a value is wrapped
// in a Secret so that logging, JSON-encoding or interpolating a config can never print it: the
// value comes out only through an explicit reveal().

import { inspect } from 'node:util';

/** `${env:NAME}` with a POSIX-style variable name. */
export const ENV_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

export const REDACTED = '***';

export class Secret {
  readonly #value: string;

  constructor(
    value: string,
    /** The environment variable it came from; a name, not a secret, so safe to show. */
    readonly variable: string,
  ) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** The variable a reference names, or undefined when the text is not a reference. */
export function referencedVariable(text: string): string | undefined {
  return ENV_REFERENCE.exec(text)?.[1];
}
