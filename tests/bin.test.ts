import { spawn, spawnSync } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { ogi: string } };
const cli = join(ROOT, pkg.bin.ogi);

describe('the ogi bin', () => {
  it('is the built CLI, with a node shebang and executable, so `npx ogi` runs in a fresh clone', () => {
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    expect(statSync(cli).mode & 0o111).not.toBe(0);
  });

  it('stops quietly when its output is closed early (`ogi ingest --help | head -1`)', async () => {
    const child = spawn(process.execPath, [cli, 'ingest', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before ogi writes
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('loads the queue mode and the review server only for their commands (each adds to every command\'s start)', () => {
    // A resolve hook that names every package the CLI imports, on stderr.
    const hooks = `export async function resolve(specifier, context, next) { if (!/^[./]|^node:|^file:/.test(specifier)) process.stderr.write('imports ' + specifier + '\\n'); return next(specifier, context); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, cli, 'ingest', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const imported = [...r.stderr.matchAll(/^imports (.+)$/gm)].map((m) => m[1]);
    expect(imported).toContain('commander');
    for (const heavy of ['bullmq', 'ioredis', 'pg', '@napi-rs/canvas', 'pdfjs-dist/legacy/build/pdf.mjs', 'tesseract.js']) expect(imported).not.toContain(heavy);
  });

  it('`npx ogi --help` prints the help and nothing else: no npm warning before it (project config npm knows)', () => {
    const r = spawnSync('npx', ['ogi', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('Usage: ogi')).toBe(true);
    expect(r.status).toBe(0);
  });
});
