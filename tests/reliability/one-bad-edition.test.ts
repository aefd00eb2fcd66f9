import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { acquireOutputLock } from '../../src/util/output-lock.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * One command, several editions: whatever stops one edition (a YAML refusal, a held
 * lock) is that edition's error at its file and line, and the others still build.
 */

const BAD = resolve('tests/fixtures/bad');
const root = mkdtempSync(join(tmpdir(), 'pw-isolation-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const copy = (name: string, as = name) => {
  const dir = join(root, 'editions', as);
  cpSync(join(BAD, name), dir, { recursive: true });
  return dir;
};
const report = (out: string, name: string) => JSON.parse(readFileSync(join(out, name, 'report.json'), 'utf8')) as EditionReport;

describe('one bad edition in a command of several', () => {
  it('reports alias floods in edition.yaml and in front matter at their line, and builds the good edition after them', async () => {
    const out = join(root, 'out-yaml');
    const dirs = [copy('yaml-alias-flood'), copy('front-matter-alias-flood'), copy('good')];
    const result = await runCli(['build', ...dirs, '--out', out, '--proof-only', '--no-cache']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/^presswork: /m); // no process-level failure
    expect(result.stderr).toContain('edition.yaml:14:12  error  YAML was refused: Excessive alias count');
    expect(result.stderr).toContain('story.md:4:10  error  YAML was refused: Excessive alias count');
    expect(report(out, 'yaml-alias-flood').messages.map((m) => [m.file, m.line, m.ruleId])).toEqual([['edition.yaml', 14, 'yaml-refused']]);
    expect(report(out, 'good').ok).toBe(true);
    expect(existsSync(join(out, 'good', 'good.pdf'))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { editions: { edition: string; ok: boolean }[] };
    expect(summary.editions.map((e) => [e.edition, e.ok])).toEqual([
      ['yaml-alias-flood', false],
      ['front-matter-alias-flood', false],
      ['good', true],
    ]);
  }, 120_000);

  it('check: an alias flood is its edition’s error, and the next edition is still checked', async () => {
    const dirs = [copy('yaml-alias-flood', 'check-flood'), copy('good', 'check-good')];
    const result = await runCli(['check', ...dirs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/14:12\s+error\s+YAML was refused: Excessive alias count/);
    expect(result.stderr).toContain('A1 story: short');
  }, 120_000);

  it('turns any other exception while an edition builds into its build-failed error, with report.json written', async () => {
    const out = join(root, 'out-throw');
    const dir = copy('good', 'throws');
    // Fault injection at the Markdown stage, as a library bug would throw there.
    const report = await buildEdition(dir, { out, browser: () => Promise.reject(new Error('no browser needed')), processArticle: () => Promise.reject(new TypeError('boom in a plugin')) });
    expect(report.ok).toBe(false);
    expect(report.messages.map((m) => [m.ruleId, m.message])).toEqual([['build-failed', 'Build stopped: boom in a plugin']]);
    expect(JSON.parse(readFileSync(join(out, 'throws', 'report.json'), 'utf8'))).toEqual(report);
  }, 60_000);

  it('reports an output folder locked by another build as that edition’s error and builds the next edition', async () => {
    const out = join(root, 'out-lock');
    const dirs = [copy('good', 'held'), copy('good', 'free')];
    // This test process is the other build: a live pid on this host.
    const release = await acquireOutputLock(join(out, 'held'), { wait: false });
    try {
      const result = await runCli(['build', ...dirs, '--out', out, '--proof-only', '--no-cache']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`held: FAILED\\n\\s+error  Output folder is in use by another presswork build: pid ${process.pid} `));
      expect(report(out, 'free').ok).toBe(true);
      // The held folder belongs to the other build: nothing was written into it.
      expect(existsSync(join(out, 'held', 'report.json'))).toBe(false);
    } finally {
      await release();
    }
  }, 120_000);
});
