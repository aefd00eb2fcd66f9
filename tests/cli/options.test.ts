import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/** Each command parses its own option table; none of these cases starts a browser. */
describe('presswork command line', () => {
  it('prints every command and its options for --help, and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['build', 'check', 'preview', 'merge-reports']) expect(stdout).toContain(`  ${command} `);
    expect(stdout).toMatch(/Options of check:\n {2}--strict .*\n {2}--fix-preview /);
  });

  it('prints one command\'s own options for `build --help`', async () => {
    const { code, stdout } = await runCli(['build', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: presswork build');
    expect(stdout).toContain('--proof-only');
    expect(stdout).not.toContain('--fix-preview');
    expect(stdout).not.toContain('--port');
  });

  it.each([
    [['check', 'articles/2026-11-26', '--proof-only'], "check: Unknown option '--proof-only'"],
    [['build', 'articles/2026-11-26', '--fix-preview'], "build: Unknown option '--fix-preview'"],
    [['preview', 'articles/2026-11-26', '--pages', 'A1'], "preview: Unknown option '--pages'"],
    [['merge-reports', 'x.json', '--strict'], "merge-reports: Unknown option '--strict'"],
  ])('refuses another command\'s option: %j (exit 2, with that command\'s usage)', async (args, message) => {
    const { code, stderr, stdout } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`presswork: ${message}`);
    expect(stderr).toContain(`Usage: presswork ${args[0]} `);
    expect(stdout).toBe('');
  });

  it('names a bad value and an unknown command as bad usage', async () => {
    const timeout = await runCli(['build', 'articles/2026-11-26', '--timeout', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--timeout needs a number above 0, got `soon`');
    expect(timeout.stderr).toContain('Usage: presswork build ');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command `frobnicate`');
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: presswork <command>');
  });
});
