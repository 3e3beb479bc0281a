import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

describe('the ogi bin', () => {
  it('is the built CLI, with a node shebang and executable, so `npx ogi` runs in a fresh clone', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { ogi: string } };
    const cli = join(ROOT, pkg.bin.ogi);
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    expect(statSync(cli).mode & 0o111).not.toBe(0);
  });
});
