/**
 * The library: the pipeline, the store and the commands, for use from code instead of the CLI.
 */
export { processFile, processLoaded, analyse, PIPELINE_VERSION } from './pipeline.js';
export type { ProcessOptions } from './pipeline.js';
export type * from './types.js';
export type { Finding, Severity } from './findings.js';
export { DocumentError, UsageError, DatabaseError, OgiError, countBySeverity } from './findings.js';
export { openDatabase, migrate, DEFAULT_DB_PATH } from './store/sqlite/db.js';
export type { Db, OpenOptions } from './store/sqlite/db.js';
export { SCHEMA_VERSION, MIGRATIONS } from './store/migrations/index.js';
export { DocumentWriter } from './store/sqlite/write-document.js';
export type { SeenPath, StoreOptions, StoreOutcome } from './store/sqlite/write-document.js';
export { ingest } from './commands/ingest.js';
export type { IngestOptions, BatchResult } from './commands/ingest.js';
export { rerun } from './commands/rerun.js';
export { show } from './commands/show.js';
export { exportCsv } from './commands/export.js';
export { DocumentPool } from './run/pool.js';
export { linkRegion } from './stages/region.js';
export type { RegionInput, RegionResult } from './stages/region.js';
export { divisionIndex, parseDivisions, DivisionIndex } from './region/divisions.js';
export type { Division, DivisionLevel } from './region/divisions.js';
export { OGI_ANNUAL_REPORT } from '../pipelines/ogi-annual-report/index.js';
