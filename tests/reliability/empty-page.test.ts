import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'pw-empty-page-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a page with no stories', () => {
  it('fails a --strict build with the warning at the page’s line; a plain build passes with it', async () => {
    const dir = join(root, 'empty-page');
    cpSync(resolve('tests/fixtures/bad/empty-page'), dir, { recursive: true });
    const warning = 'edition.yaml:12:9  warning  Page A2 has no stories and no story continues on it, so it prints empty';
    const strict = await runCli(['build', dir, '--out', join(root, 'out'), '--proof-only', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(warning);
    const plain = await runCli(['build', dir, '--out', join(root, 'out'), '--proof-only']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain(warning);
    expect(plain.stderr).not.toContain('Page A3 has no stories');
    // `check --strict` fails on it as the strict build does.
    const check = await runCli(['check', dir, '--strict']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/12:9\s+warning\s+Page A2 has no stories/);
  }, 120_000);
});
