#!/usr/bin/env node
import module from 'node:module';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { UsageError } from './cli/arguments.js';
import { COMMANDS, commandUsage, HELP_OPTION, parseArgsOptions, usage } from './cli/commands.js';
import { markOnce } from './util/startup-timing.js';

// Node ≥ 22.1 keeps the compiled code of the modules a command loads (in the temp folder), so
// later runs start faster; Node 20 has no such cache and skips this.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// harfbuzz (the font subsetter) is WebAssembly: by default V8 compiles it again with its
// optimising tier in the background, 0.3 s of CPU at every start, while Chromium starts on the
// other core, for code that runs a few tens of ms a page. A function now tiers up only once
// it has run for much longer.
v8.setFlagsFromString('--wasm-tiering-budget=2000000000');

/** Parse with the command's own option table: an option of another command is a usage error. */
function parse(args: string[], options: Parameters<typeof parseArgsOptions>[0], command?: string) {
  try {
    return parseArgs({ args, allowPositionals: true, options: parseArgsOptions({ ...options, ...HELP_OPTION }) });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(command ? `${command}: ${message}` : message);
  }
}

async function main(argv: string[]): Promise<number> {
  markOnce('cli-loaded');
  const [command, ...rest] = argv;
  if (command === undefined || command.startsWith('-')) {
    const { values } = parse(argv, {});
    process.stdout.write(`${usage()}\n`);
    return values.help ? 0 : 2;
  }
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`Unknown command \`${command}\``);
  try {
    const { values, positionals } = parse(rest, spec.options, command);
    if (values.help) {
      process.stdout.write(`${commandUsage(command)}\n`);
      return 0;
    }
    const { run } = await spec.load();
    markOnce('command-loaded');
    return await run(positionals, values);
  } catch (error) {
    if (error instanceof UsageError) error.command ??= command;
    throw error;
  }
}

/** How long the process may outlive its command: a handle left open must not hang a nightly job. */
const EXIT_GRACE_MS = 10_000;

/** Once the command has returned, nothing of it should run: say what still holds the process, and end it. */
function endIfHeld(): void {
  const timer = setTimeout(() => {
    const held = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout');
    process.stderr.write(`presswork: still running ${EXIT_GRACE_MS / 1000} s after the command ended (held by ${held.join(', ') || 'nothing known'}); exiting\n`);
    process.exit();
  }, EXIT_GRACE_MS);
  timer.unref();
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    endIfHeld();
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`presswork: ${error.message}\n\n${error.command ? commandUsage(error.command) : usage()}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`presswork: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
    endIfHeld();
  },
);
