/**
 * `ogi serve`: the review application over a database — starts the server, prints where it listens, and
 * runs until stopped (Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { UsageError } from '../findings.js';
import { createReviewServer } from '../serve/server.js';
import { openStore } from '../store/open.js';

export interface ServeCommandOptions {
  db: string;
  host: string;
  port: number;
  open: boolean;
  reviewer?: string;
  lockTimeoutS: number;
  stdout?: NodeJS.WritableStream;
}

/** Starts the server; resolves once it listens, with a function that stops it. */
export async function serve(options: ServeCommandOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS, mustExist: true });
  const server = createReviewServer({ store, kind: OGI_ANNUAL_REPORT, reviewer: options.reviewer ?? defaultReviewer() });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      void store.close();
      reject(e.code === 'EADDRINUSE' ? new UsageError(`port ${options.port} on ${options.host} is in use: choose another with --port`) : e);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}/`;
  (options.stdout ?? process.stdout).write(`ogi review at ${url}\n`);
  if (options.open) openBrowser(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        void store.close();
      }),
  };
}

function defaultReviewer(): string {
  try {
    return userInfo().username;
  } catch {
    return 'reviewer';
  }
}

/** The desktop's browser, if there is one (xdg-open / open); the printed address is enough otherwise. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
