import { ConfigError, ConnectionError, DefinitionError, PrivilegeError, RefusedError } from './errors';

/** interface.md: 0 did what was asked; 1 ran but did not finish; 2 could not start, wrote nothing. */
export const EXIT_OK = 0;
export const EXIT_UNFINISHED = 1;
export const EXIT_NOT_STARTED = 2;

/** The exit code of an error raised before a run began writing. */
export function startupExitCode(err: unknown): 1 | 2 {
  return err instanceof ConfigError || err instanceof ConnectionError || err instanceof RefusedError || err instanceof DefinitionError || err instanceof PrivilegeError
    ? 2
    : 1;
}
