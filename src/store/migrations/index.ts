/**
 * The ordered list of schema migrations. It only grows: a migration, once released, is never edited;
 * a change to the schema is a new numbered file appended here.
 */
import { init } from './001-init.js';
import { crossYear } from './002-cross-year.js';
import { cellKeys } from './003-cell-keys.js';
import { streamProvenance } from './004-stream-provenance.js';
import { corrections } from './005-corrections.js';
import { regions } from './006-regions.js';
import { cellSlots } from './007-cell-slots.js';
import { keyedChildren } from './008-keyed-children.js';

export interface Migration {
  /** Equals its position in MIGRATIONS, 1-based; stored in PRAGMA user_version once applied. */
  version: number;
  name: string;
  /** SQLite's statements. */
  sql: string;
  /** The same change in PostgreSQL (the one list of migrations serves both dialects). */
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [init, crossYear, cellKeys, streamProvenance, corrections, regions, cellSlots, keyedChildren];

export const SCHEMA_VERSION = MIGRATIONS.length;
