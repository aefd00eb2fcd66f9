import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBuild } from './commands/build.js';

const USAGE = `Usage: presswork <command> [EDITION_DIR...] [options]

Commands:
  build     build proofs (and plates) for editions (default: every edition under articles/)

Options:
  --out DIR          output folder (default: output)
  --strict           warnings fail the build
  --timeout SECONDS  per-stage timeout for layout, pagination and printing
  --json             print the report as JSON on stdout
  -h, --help         show this help`;

class UsageError extends Error {}

function editionsUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'edition.yaml')))
    .map((d) => join(root, d.name))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', default: 'output' },
        strict: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...dirs] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (command !== 'build') throw new UsageError(`Unknown command \`${command}\``);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout needs a number of seconds above 0');
  const editions = dirs.length > 0 ? dirs.map((d) => resolve(d)) : editionsUnder(resolve('articles'));
  for (const dir of editions) {
    if (!existsSync(join(dir, 'edition.yaml'))) throw new UsageError(`${dir} is not an edition folder (no edition.yaml)`);
  }
  if (editions.length === 0) throw new UsageError('No editions found under articles/');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { reports, ok } = await runBuild({ editions, out: resolve(values.out), strict: values.strict, timeoutSeconds: timeout, json: values.json, log });
  if (values.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  return ok ? 0 : 1;
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
