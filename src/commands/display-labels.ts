/**
 * Keys or the report's own words. Machines want `sec3.denied_state_secret.total`; the people who read these
 * reports think in `（三）不予公开 1.属于国家秘密`. `--labels zh` shows rows, columns and tables as the
 * format writes them (from the report kind's templates in pipelines/), `--labels both` shows the two; keys
 * stay the default. A user who always wants one sets OGI_LABELS, or `labels` in ~/.config/ogi/config.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../findings.js';
import type { ReportKind, TableDef } from '../kind.js';

export type LabelMode = 'keys' | 'zh' | 'both';

const MODES: readonly LabelMode[] = ['keys', 'zh', 'both'];

/** The config file a user keeps their choice in: $XDG_CONFIG_HOME/ogi/config.json, else ~/.config/ogi/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'ogi', 'config.json');
}

/** The label mode: the flag, else OGI_LABELS, else the config file's `labels`, else keys. */
export function resolveLabelMode(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LabelMode {
  if (flag !== undefined) return checked(flag, '--labels');
  if (env.OGI_LABELS) return checked(env.OGI_LABELS, 'OGI_LABELS');
  const file = configPath(env);
  if (!existsSync(file)) return 'keys';
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`Expected ${file} to be JSON such as {"labels": "zh"}: ${(e as Error).message}`);
  }
  const labels = typeof config === 'object' && config !== null ? (config as Record<string, unknown>).labels : undefined;
  if (labels === undefined) return 'keys';
  return checked(String(labels), `"labels" in ${file}`);
}

function checked(value: string, where: string): LabelMode {
  if ((MODES as readonly string[]).includes(value)) return value as LabelMode;
  throw new UsageError(`Expected ${where} to be one of ${MODES.join(', ')}, got '${value}'`);
}

/** The labels of a report kind's tables, as the format writes them. */
export class KindLabels {
  constructor(private readonly kind: ReportKind) {}

  table(table: string): string {
    return this.def(table)?.title ?? table;
  }

  /** A row as the format prints it, with its group ("（三）不予公开 1.属于国家秘密"). */
  row(table: string, row: string, layout?: string | null): string {
    const r = this.variants(table, layout).flatMap((v) => v.rows).find((x) => x.key === row);
    if (!r) return row;
    return r.group ? `${r.group} ${r.labels[0]}` : r.labels[0]!;
  }

  column(table: string, col: string, layout?: string | null): string {
    const c = this.variants(table, layout).flatMap((v) => v.columns).find((x) => x.key === col);
    return c?.labels[0] ?? col;
  }

  private def(table: string): TableDef | undefined {
    return this.kind.tables.find((t) => t.key === table);
  }

  /** The variant of the layout first, then the others (a key may exist in one layout only). */
  private variants(table: string, layout?: string | null): TableDef['variants'] {
    const all = this.def(table)?.variants ?? [];
    return [...all.filter((v) => v.layout === layout), ...all.filter((v) => v.layout !== layout)];
  }
}

/** A key shown in a mode: the key, the label, or both. */
export function shown(mode: LabelMode, key: string, label: string): string {
  if (mode === 'keys' || label === key) return key;
  return mode === 'zh' ? label : `${key} ${label}`;
}
