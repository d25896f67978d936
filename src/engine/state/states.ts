// The state lists live in the protocol, which every side (engine, views, SQL) speaks; the status
// tables' CHECK constraints list the same names (test/unit/stateLists.test.ts keeps them in step).
export * from '../../protocol/states';
