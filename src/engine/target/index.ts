export * from './connect';
export * from './targetTables';
export * from './copyBatcher';
export * from './loadChunk';
export * from './typeNames';
export * from './upsertChunk';
export * from './privileges';
