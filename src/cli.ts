#!/usr/bin/env node
/**
 * The `ogi` command line: parse and check flags, call one command, and turn errors into a message and
 * an exit status in one place. The commands themselves live in src/commands/.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { configPath, resolveLabelMode } from './commands/display-labels.js';
import { exportCsv } from './commands/export.js';
import { byteSize, seconds, wholeNumber } from './commands/flags.js';
import { ingest } from './commands/ingest.js';
import { rerun } from './commands/rerun.js';
import { show } from './commands/show.js';
import type { Limits } from './run/batch.js';
import { DatabaseError, OgiError, UsageError } from './findings.js';
import { PIPELINE_VERSION } from './pipeline.js';
import { DEFAULT_DB_PATH, DEFAULT_LOCK_TIMEOUT_S } from './store/sqlite/db.js';

/** The review server's port when --port is not given. */
const DEFAULT_SERVE_PORT = 8377;

/**
 * The queue mode's commands (BullMQ, ioredis, the PostgreSQL driver) are loaded when one of them runs, as is
 * `serve` (the review server, canvas for page images): loading them up front took ~0.3 s of every command's
 * start (tests/bin.test.ts checks what `ingest` loads).
 */
function queueCommands(): Promise<typeof import('./commands/queue.js')> {
  return import('./commands/queue.js');
}

const DEFAULTS = {
  maxFileSize: '100MB',
  maxPages: '500',
  maxTableCells: '50000',
  timeout: '120',
  maxMemory: '1024',
};

/** --labels: keys (default), the report's own words, or both. */
function labelsOption(): Option {
  return new Option('--labels <mode>', "row, column and table names: keys, zh (as the report's format writes them) or both").choices(['keys', 'zh', 'both']);
}

const LABELS_HELP = `The default for --labels comes from OGI_LABELS, else from {"labels": "zh"} in ${configPath()}.`;

const EXIT_STATUS = `
Exit status:
  0    every document was processed (ok or with findings)
  1    at least one document failed (the summary lists each with its reason)
  2    bad usage, or the database could not be used (locked, newer version, not a database)
  130  interrupted (Ctrl-C): documents finished so far are stored; run the same command to resume`;

interface BatchFlags {
  db: string;
  concurrency: string;
  timings?: boolean;
  maxFileSize: string;
  maxPages: string;
  maxTableCells: string;
  timeout: string;
  maxMemory: string;
  lockTimeout: string;
}

function addDbOption(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'the SQLite database', DEFAULT_DB_PATH)
    .option('--lock-timeout <seconds>', 'how long to wait for another ogi process holding the database', String(DEFAULT_LOCK_TIMEOUT_S));
}

function addBatchOptions(cmd: Command): Command {
  return addDbOption(cmd)
    .option('--concurrency <n>', 'documents processed at once, each in a worker thread', String(availableParallelism()))
    .option('--timings', 'print time per stage, documents per second and peak memory')
    .option('--max-file-size <size>', 'larger files fail without being read', DEFAULTS.maxFileSize)
    .option('--max-pages <n>', 'a PDF with more pages fails without being parsed', DEFAULTS.maxPages)
    .option('--max-table-cells <n>', 'an HTML page with more table cells fails without being parsed', DEFAULTS.maxTableCells)
    .option('--timeout <seconds>', 'time limit per document (for a scanned PDF, per OCR page): one that takes longer is stopped and fails', DEFAULTS.timeout)
    .option('--max-memory <MB>', 'heap limit of each worker: a document needing more fails', DEFAULTS.maxMemory);
}

function limitsOf(flags: BatchFlags): Limits {
  return {
    maxFileSizeBytes: byteSize('--max-file-size', flags.maxFileSize),
    maxPages: wholeNumber('--max-pages', flags.maxPages),
    maxTableCells: wholeNumber('--max-table-cells', flags.maxTableCells),
    timeoutS: seconds('--timeout', flags.timeout),
    maxMemoryMb: wholeNumber('--max-memory', flags.maxMemory, 64),
  };
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('ogi')
    .description('Turn Chinese government annual reports on open government information (政府信息公开工作年度报告) into validated, traceable data in SQLite and CSV.')
    .version(PIPELINE_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\nExample:\n  $ ogi ingest samples && ogi export --out out/csv\n${EXIT_STATUS}`);

  addBatchOptions(
    program
      .command('ingest')
      .description('Extract every report in the given files and folders (walked recursively) into the database')
      .argument('<file|folder...>', 'report files, or folders to walk')
      .option('--force', 're-extract documents already ingested by this pipeline version')
      .option('--timings-json <file>', 'write the timings (per stage, wall time, peak memory) as JSON to this file')
      .option('--queue <redis-url>', 'do not process here: put one job per document on this Redis queue for `ogi worker`s (needs --db postgres://…)')
      .option('--inline-max <size>', 'with --queue: files up to this size travel inside their job; larger ones as their path (shared storage)', '16MB')
      .option('--queue-memory <size>', 'with --queue: most file bytes in jobs not yet done (held by Redis); beyond it the producer waits for the workers', '512MB'),
  )
    .addHelpText(
      'after',
      `
Files already ingested by this pipeline version are skipped (unchanged path, size and time), so running
the same command again after an interruption does only what is missing. Files whose extension is not a
report format (.txt .md .html .htm .mht .docx .doc .wps .pdf …) are skipped when walking folders.

Examples:
  $ ogi ingest samples
  $ ogi ingest downloads/2023 more/report.pdf --db out/2023.sqlite --concurrency 4 --timeout 300
${EXIT_STATUS}`,
    )
    .action(async (inputs: string[], flags: BatchFlags & { force?: boolean; timingsJson?: string; queue?: string; inlineMax: string; queueMemory: string }) => {
      const concurrency = wholeNumber('--concurrency', flags.concurrency);
      const limits = limitsOf(flags);
      const lockTimeoutS = seconds('--lock-timeout', flags.lockTimeout);
      const inlineBytes = byteSize('--inline-max', flags.inlineMax);
      for (const input of inputs) if (!existsSync(input)) throw new UsageError(`No such file or folder: ${input}`);
      if (flags.queue) {
        const backlogBytes = byteSize('--queue-memory', flags.queueMemory);
        const { ingestThroughQueue } = await queueCommands();
        const queued = await ingestThroughQueue({ inputs, queue: flags.queue, db: flags.db, force: flags.force === true, inlineBytes, backlogBytes, lockTimeoutS });
        setExit(queued.exitCode);
        return;
      }
      const result = await ingest({ inputs, db: flags.db, concurrency, force: flags.force === true, timings: flags.timings === true, ...(flags.timingsJson ? { timingsJson: flags.timingsJson } : {}), limits, lockTimeoutS });
      setExit(result.exitCode);
    });

  addBatchOptions(
    program
      .command('rerun')
      .description('Re-extract stored documents from their files and replace their rows; prints their findings')
      .argument('[document-id|path...]', 'documents to redo: id (or a unique prefix of 6+ characters) or a path it was ingested from')
      .option('--failed', 'redo every document that failed'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ ogi rerun --failed --timeout 600
  $ ogi rerun samples/000_e7764d80f1cd94c2.txt
  $ ogi rerun f8c8e9705229
${EXIT_STATUS}`,
    )
    .action(async (targets: string[], flags: BatchFlags & { failed?: boolean }) => {
      const concurrency = wholeNumber('--concurrency', flags.concurrency);
      const limits = limitsOf(flags);
      const lockTimeoutS = seconds('--lock-timeout', flags.lockTimeout);
      if (targets.length === 0 && !flags.failed) throw new UsageError('Expected a document id or path, or --failed');
      const result = await rerun({ targets, failed: flags.failed === true, db: flags.db, concurrency, timings: flags.timings === true, limits, lockTimeoutS });
      setExit(result.exitCode);
    });

  addDbOption(
    program
      .command('show')
      .description('Show one document: its tables as grids, its findings with their source lines, and the cells inferred rather than read')
      .argument('<document-id|path>', 'the document: id (or a unique prefix of 6+ characters) or a path it was ingested from'),
  )
    .addOption(labelsOption())
    .addHelpText('after', `\nExamples:\n  $ ogi show samples/000_e7764d80f1cd94c2.txt\n  $ ogi show f8c8e9705229 --labels zh\n${LABELS_HELP}`)
    .action(async (target: string, flags: { db: string; lockTimeout: string; labels?: string }) => {
      setExit(await show({ target, db: flags.db, lockTimeoutS: seconds('--lock-timeout', flags.lockTimeout), labels: resolveLabelMode(flags.labels) }));
    });

  addDbOption(
    program
      .command('export')
      .description('Write cells.csv (one row per cell), reports.csv (one row per document) and findings.csv to a folder')
      .addOption(new Option('--out <dir>', 'folder for the CSV files (created if missing; nothing is written outside it)').default('out'))
      .addOption(labelsOption()),
  )
    .addHelpText(
      'after',
      `
CSV files are UTF-8 with a BOM (Excel opens them as such); a text cell starting with = + - or @ gets a
leading ' so a spreadsheet shows it instead of running it. A blank source cell has an empty value.

--labels zh writes reports.csv's template columns and cells.csv's table, row and col as the format writes
them; --labels both keeps the keys and adds the words (table_label, row_label, col_label in cells.csv).
${LABELS_HELP}
Example:
  $ ogi export --db out/ogi.sqlite --out out/csv`,
    )
    .action(async (flags: { db: string; out: string; lockTimeout: string; labels?: string }) => {
      await exportCsv({ db: flags.db, out: flags.out, lockTimeoutS: seconds('--lock-timeout', flags.lockTimeout), labels: resolveLabelMode(flags.labels) });
      setExit(0);
    });

  addBatchOptions(
    program
      .command('worker')
      .description('Take document jobs from a Redis queue (put there by `ogi ingest --queue`), process them here, store them in PostgreSQL')
      .requiredOption('--queue <redis-url>', 'the queue: redis://host:port')
      .option('--inline-max <size>', 'the producer\'s inline limit, named in the message of a file too large to travel inline', '16MB'),
  )
    .addHelpText('after', '\nExample:\n  $ ogi worker --queue redis://10.0.0.5:6379 --db postgres://ogi@10.0.0.5:5432/ogi --concurrency 8\n\nRuns until Ctrl-C: the jobs it holds are finished and stored first.')
    .action(async (flags: BatchFlags & { queue: string; inlineMax: string }) => {
      const { runWorker } = await queueCommands();
      setExit(
        await runWorker({
          queue: flags.queue,
          db: flags.db,
          concurrency: wholeNumber('--concurrency', flags.concurrency),
          limits: limitsOf(flags),
          inlineBytes: byteSize('--inline-max', flags.inlineMax),
          lockTimeoutS: seconds('--lock-timeout', flags.lockTimeout),
        }),
      );
    });

  addDbOption(
    program
      .command('queue-clear')
      .description("Drop every job left in a store's queue (after an interrupted `ogi ingest --queue`, instead of letting the workers do them)")
      .requiredOption('--queue <redis-url>', 'the queue: redis://host:port'),
  ).action(async (flags: { queue: string; db: string; lockTimeout: string }) => {
    const { queueClear } = await queueCommands();
    setExit(await queueClear({ queue: flags.queue, db: flags.db, lockTimeoutS: seconds('--lock-timeout', flags.lockTimeout) }));
  });

  addDbOption(
    program
      .command('serve')
      .description('Review and correct in the browser: the collection, each document beside its source, corrections, years compared')
      .option('--host <host>', 'address to listen on (another than 127.0.0.1 makes the review reachable from the network)', '127.0.0.1')
      .option('--port <n>', 'port to listen on (0: any free port)', String(DEFAULT_SERVE_PORT))
      .option('--open', 'open the review in the desktop browser')
      .option('--reviewer <name>', 'the name corrections are recorded under (default: the OS user; the page can change it)'),
  )
    .addHelpText('after', '\nExamples:\n  $ ogi ingest samples && ogi serve --open\n  $ ogi serve --db out/ogi.sqlite --port 9000 --reviewer 张三')
    .action(async (flags: { db: string; lockTimeout: string; host: string; port: string; open?: boolean; reviewer?: string }) => {
      const port = flags.port === '0' ? 0 : wholeNumber('--port', flags.port);
      if (port > 65535) throw new UsageError(`Expected --port to be a port number from 0 to 65535, got '${flags.port}'`);
      const { serve } = await import('./commands/serve.js');
      const server = await serve({ db: flags.db, host: flags.host, port, open: flags.open === true, ...(flags.reviewer ? { reviewer: flags.reviewer } : {}), lockTimeoutS: seconds('--lock-timeout', flags.lockTimeout) });
      // Runs until Ctrl-C (or SIGTERM), then closes the server and the database.
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      setExit(0);
    });

  return program;
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  program.exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander already printed its message (or the help/version).
      // --help and --version exit 0; a missing command (help shown on stderr) or a bad flag is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`ogi: ${e.message}\n(run with --help for usage)\n`);
      return 2;
    }
    if (e instanceof DatabaseError || e instanceof OgiError) {
      process.stderr.write(`ogi: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`ogi: internal error: ${e instanceof Error ? (process.env.OGI_DEBUG ? e.stack : e.message) : String(e)}\n`);
    return 2;
  }
}

// `ogi export … | head` or `ogi ingest --help | less` closed early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
