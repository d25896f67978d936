export * from './connect';
export * from './pgErrors';
export * from './targetTables';
export * from './copyBatcher';
export * from './loadChunk';
export * from './upsertChunk';
