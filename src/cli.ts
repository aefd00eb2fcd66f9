import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBuild, type BuildCommandOptions } from './commands/build.js';
import { parseShard } from './pipeline/page-selection.js';
import { markOnce } from './util/startup-timing.js';

const USAGE = `Usage: presswork <command> [EDITION_DIR...] [options]

Commands:
  build     build proofs and plates (default: every edition under articles/)
  check     validate, lint and copyfit without writing PDFs
  preview   serve an edition on 127.0.0.1 with live reload
  merge-reports REPORT.json...   merge the reports of --shard builds into one summary

Options:
  --out DIR          output folder (default: output)
  --strict           warnings fail the build
  --timeout SECONDS  per-stage timeout for layout, pagination and printing
  --json             print the report as JSON on stdout
  --fix-preview      (check) list the copy normalisation changes and stop
  --proof-only       write the screen proof only, no press plates
  --concurrency N    pages rendered, and plates made, at once (default: number of cores)
  --no-cache         render every page again instead of reusing unchanged ones
  --pages A1,A3      build only these pages (and the pages their jumps come from)
  --shard K/N        build the K-th of N deterministic shares of the pages (CI matrix)
  --wait             wait for another build of the same output folder to finish
  --watch            (build) stay running and rebuild an edition's changed pages on every save
  --log-format F     text (default) or json: one JSON object per line on stderr
  --port N           preview port (default: a free one)
  --host HOST        preview interface (default: 127.0.0.1)
  -h, --help         show this help

Exit codes: 0 ok, 1 errors (or warnings with --strict), 2 bad usage.`;

export class UsageError extends Error {}

const OPTIONS = {
  out: { type: 'string', default: 'output' },
  strict: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  json: { type: 'boolean', default: false },
  'fix-preview': { type: 'boolean', default: false },
  'proof-only': { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  pages: { type: 'string' },
  shard: { type: 'string' },
  wait: { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  'log-format': { type: 'string', default: 'text' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function editionsUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'edition.yaml')))
    .map((d) => join(root, d.name))
    .sort();
}

function editionDirs(dirs: string[]): string[] {
  const editions = dirs.length > 0 ? dirs.map((d) => resolve(d)) : editionsUnder(resolve('articles'));
  for (const dir of editions) {
    if (!existsSync(join(dir, 'edition.yaml'))) throw new UsageError(`${dir} is not an edition folder (no edition.yaml)`);
  }
  if (editions.length === 0) throw new UsageError('No editions found under articles/');
  return editions;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(number > 0)) throw new UsageError(`${flag} needs a number above 0, got \`${value}\``);
  return number;
}

function shardOption(text: string) {
  const shard = parseShard(text);
  if (!shard) throw new UsageError(`--shard needs K/N with 1 ≤ K ≤ N, got \`${text}\``);
  return shard;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Each command: arguments in, exit code out. The work lives in src/commands. */
const COMMANDS: Record<string, (dirs: string[], values: Values) => Promise<number>> = {
  async build(dirs, values) {
    const logFormat = values['log-format'];
    if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format must be text or json, got \`${logFormat}\``);
    const options: BuildCommandOptions = {
      editions: editionDirs(dirs),
      out: resolve(values.out),
      strict: values.strict,
      timeoutSeconds: positiveNumber(values.timeout, '--timeout'),
      json: values.json,
      proofOnly: values['proof-only'],
      concurrency: positiveNumber(values.concurrency, '--concurrency'),
      cache: !values['no-cache'],
      pages: values.pages?.split(',').map((id) => id.trim()).filter(Boolean),
      shard: values.shard === undefined ? undefined : shardOption(values.shard),
      waitForLock: values.wait,
      logFormat,
      write: (text: string) => process.stderr.write(text),
      isTTY: Boolean(process.stderr.isTTY),
    };
    if (values.watch) {
      const { watchBuilds } = await import('./commands/build-watch.js');
      const watching = watchBuilds(options);
      let signals = 0;
      const stop = new Promise<NodeJS.Signals>((resolve) =>
        (['SIGINT', 'SIGTERM'] as const).forEach((signal) =>
          process.on(signal, () => {
            // A second Ctrl-C while closing: stop now (the exit cleanups still run).
            if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
            resolve(signal);
          }),
        ),
      );
      const signal = await Promise.race([watching.ready.then(() => stop), stop]);
      if (watching.building()) {
        // Abandon the build in progress: every output is written whole or not at all, and the
        // exit cleanups remove its temp files and lock; the browser ends with its pipe.
        process.stderr.write(`presswork: ${signal}: stopped the build in progress; every output file is whole, from the last finished build or this one\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      await watching.close();
      return 0;
    }
    const { reports, ok } = await runBuild(options);
    if (values.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
    return ok ? 0 : 1;
  },
  async check(dirs, values) {
    const { runCheck } = await import('./commands/check.js');
    const ok = await runCheck({ editions: editionDirs(dirs), fixPreview: values['fix-preview'], strict: values.strict, log });
    return ok ? 0 : 1;
  },
  async 'merge-reports'(files, values) {
    if (files.length === 0) throw new UsageError('merge-reports needs the report.json files of the shards');
    const { runMergeReports } = await import('./commands/merge-reports.js');
    const ok = await runMergeReports({ reports: files.map((f) => resolve(f)), out: resolve(values.out), json: values.json, log });
    return ok ? 0 : 1;
  },
  async preview(dirs, values) {
    if (dirs.length > 1) throw new UsageError('preview takes one edition folder');
    const { runPreview } = await import('./commands/preview.js');
    await runPreview({
      edition: editionDirs(dirs)[0]!,
      out: resolve(values.out),
      port: positiveNumber(values.port, '--port'),
      host: values.host,
      log,
    });
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  markOnce('cli-loaded');
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...dirs] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`Unknown command \`${command}\``);
  return run(dirs, values);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`presswork: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`presswork: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
