import type { CompareColumn } from './compare';

/** Every column of the emulator's demo fact table, with how to compare it. */
export const DEMO_COLUMNS: CompareColumn[] = [
  { name: 'VISIT_ID', kind: 'int' },
  { name: 'VISIT_DATE', kind: 'date' },
  { name: 'ACCOUNT_ID', kind: 'int' },
  { name: 'REP_ID', kind: 'int' },
  { name: 'TERRITORY_CODE', kind: 'text' },
  { name: 'CHANNEL', kind: 'text' },
  { name: 'CALL_NOTES', kind: 'text' },
  { name: 'CALL_DURATION_SEC', kind: 'int' },
  { name: 'REVENUE', kind: 'decimal' },
  { name: 'COST', kind: 'decimal' },
  { name: 'EVENT_SEQUENCE', kind: 'decimal' },
  { name: 'SCORE', kind: 'float' },
  { name: 'IS_COMPLETED', kind: 'bool' },
  { name: 'IS_FOLLOWUP', kind: 'bool' },
  { name: 'VISIT_START_NTZ', kind: 'timestamp' },
  { name: 'VISIT_END_NTZ', kind: 'timestamp' },
  { name: 'VISIT_START_TZ', kind: 'instant_text' },
  { name: 'CREATED_AT_LTZ', kind: 'instant' },
  { name: 'SLOT_TIME', kind: 'time' },
  { name: 'ATTRIBUTES', kind: 'json' },
  { name: 'PRODUCT_CODES', kind: 'json' },
  { name: 'LOCATION', kind: 'json' },
  { name: 'SIGNATURE', kind: 'binary' },
  { name: 'PRIORITY', kind: 'int' },
  { name: 'REGION_CODE', kind: 'text' },
  { name: 'UPDATED_AT', kind: 'timestamp' },
];

export const DEMO_TABLE_SPEC = {
  source_table: 'FACTVISITCALLPERFORMANCE_CR',
  target_schema: 'analytics',
  partition_column: 'VISIT_DATE',
  split_column: 'VISIT_ID',
};
