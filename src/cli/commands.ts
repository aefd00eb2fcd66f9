/**
 * The command table: each command's own options and help, and the module that runs it,
 * imported only once the command is known (so `--help` loads nothing else).
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  default?: string | boolean;
  short?: string;
  /** The value's name in the help (string options). */
  value?: string;
  help: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

/** A command's runner: positionals and parsed options in, exit code out. */
export type CommandRunner = (positionals: string[], values: OptionValues) => Promise<number>;

export interface CommandSpec {
  args: string;
  summary: string;
  options: Record<string, OptionSpec>;
  load: () => Promise<{ run: CommandRunner }>;
}

const out: OptionSpec = { type: 'string', default: 'output', value: 'DIR', help: 'output folder (default: output)' };
const strict: OptionSpec = { type: 'boolean', default: false, help: 'warnings fail the command' };
const json: OptionSpec = { type: 'boolean', default: false, help: 'print the report as JSON on stdout' };

export const COMMANDS: Record<string, CommandSpec> = {
  build: {
    args: '[EDITION_DIR...]',
    summary: 'build proofs and plates (default: every edition under articles/)',
    options: {
      out,
      strict,
      timeout: { type: 'string', value: 'SECONDS', help: 'cancel the build (each rebuild with --watch) after SECONDS, cleanly' },
      json,
      'proof-only': { type: 'boolean', default: false, help: 'write the screen proof only, no press plates' },
      concurrency: { type: 'string', value: 'N', help: 'pages rendered, and plates made, at once (default: number of cores)' },
      'no-cache': { type: 'boolean', default: false, help: 'render every page again instead of reusing unchanged ones' },
      pages: { type: 'string', value: 'A1,A3', help: 'build only these pages (and the pages their jumps come from)' },
      shard: { type: 'string', value: 'K/N', help: 'build the K-th of N deterministic shares of the pages (CI matrix)' },
      wait: { type: 'boolean', default: false, help: 'wait for another build of the same output folder to finish' },
      watch: { type: 'boolean', default: false, help: "stay running and rebuild an edition's changed pages on every save" },
      'log-format': { type: 'string', default: 'text', value: 'F', help: 'text (default) or json: one JSON object per line on stderr' },
    },
    load: () => import('./run-build.js'),
  },
  check: {
    args: '[EDITION_DIR...]',
    summary: 'validate, lint and copyfit without writing PDFs',
    options: {
      strict,
      'fix-preview': { type: 'boolean', default: false, help: 'list the copy normalisation changes and stop' },
    },
    load: () => import('./run-check.js'),
  },
  preview: {
    args: '[EDITION_DIR]',
    summary: 'serve an edition on 127.0.0.1 with live reload',
    options: {
      out,
      port: { type: 'string', value: 'N', help: 'preview port (default: a free one)' },
      host: { type: 'string', value: 'HOST', help: 'preview interface (default: 127.0.0.1)' },
      'read-only': { type: 'boolean', default: false, help: 'no layout desk: the preview never writes edition.yaml' },
    },
    load: () => import('./run-preview.js'),
  },
  'merge-reports': {
    args: 'REPORT.json...',
    summary: 'merge the reports of --shard builds into one summary',
    options: { out, json },
    load: () => import('./run-merge-reports.js'),
  },
};

export const HELP_OPTION: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', default: false, help: 'show this help' } };

const EXIT_CODES = 'Exit codes: 0 ok, 1 errors (or warnings with --strict), 2 bad usage.';

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => [`${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.help]);
  const width = Math.max(...rows.map(([flag]) => flag!.length)) + 2;
  return rows.map(([flag, help]) => `  ${flag!.padEnd(width)}${help}`);
}

export function usage(): string {
  const width = Math.max(...Object.entries(COMMANDS).map(([name, c]) => `${name} ${c.args}`.length)) + 2;
  return [
    'Usage: presswork <command> [arguments] [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${`${name} ${c.args}`.padEnd(width)}${c.summary}`),
    '',
    ...Object.entries(COMMANDS).flatMap(([name, c]) => [`Options of ${name}:`, ...optionLines(c.options), '']),
    ...optionLines(HELP_OPTION),
    '',
    EXIT_CODES,
  ].join('\n');
}

export function commandUsage(name: string): string {
  const c = COMMANDS[name]!;
  return [`Usage: presswork ${name} ${c.args} [options]`, '', c.summary, '', 'Options:', ...optionLines({ ...c.options, ...HELP_OPTION }), '', EXIT_CODES].join('\n');
}

/** The table in the shape `util.parseArgs` takes. */
export function parseArgsOptions(options: Record<string, OptionSpec>) {
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, default: value, short }]) => [name, { type, ...(value === undefined ? {} : { default: value }), ...(short ? { short } : {}) }]),
  ) as Record<string, { type: 'string' | 'boolean'; default?: string | boolean; short?: string }>;
}
