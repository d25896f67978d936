// Snowflake column shapes, their PostgreSQL mapping, and how Snowflake renders their values.
export * from './model';
export { mapColumns, needsIntegerRange, type IntegerRange, type MappingOptions } from './mapping';
export { BOUNDARY_TYPES, boundaryCastType, boundaryText, escapeCopyText, isBoundaryType, quoteIdent, renderField, renderRow, renderValue } from './render';
