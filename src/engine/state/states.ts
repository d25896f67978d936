// The state lists live in the protocol (src/protocol/states.ts), at the bottom of the import
// graph: the engine, the views and the SQL CHECK constraints all speak the same names.
export * from '../../protocol/states';
