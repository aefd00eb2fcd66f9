import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEMP_NAME } from '../../src/util/atomic-write.js';
import { LOCK_FILE } from '../../src/util/output-lock.js';
import { article, numberedSentences, TWO_PAGE_EDITION, writeEdition } from '../helpers/fixture-edition.js';
import { browserProcesses, chromiumProfileOf, descendants, running, waitUntil } from '../helpers/processes.js';
import { runCli, startCli, type RunningCli } from '../helpers/run-cli.js';

/**
 * SIGTERM (a runner's `kill`) or Ctrl-C (SIGINT to the process group) during a build: the
 * build stops within 5 s, and leaves the previous outputs whole, no temp file, no lock, no
 * browser and no Ghostscript behind.
 */

const STOP_MS = 5_000;
const temporaries = (out: string) => (readdirSync(out, { recursive: true }) as string[]).filter((name) => TEMP_NAME.test(name));
const snapshot = (out: string, files: string[]) => Object.fromEntries(files.map((f) => [f, readFileSync(join(out, f)).toString('base64')]));

let leftovers: number[] = [];
afterEach(() => {
  // Should a test fail, kill what it left so the next test starts clean.
  for (const pid of leftovers) if (running(pid)) process.kill(pid, 'SIGKILL');
  leftovers = [];
});

/** Signal the build once it is rendering or making plates; resolve with how long it took to end. */
async function interrupt(build: RunningCli, signal: NodeJS.Signals, group: boolean, ready: () => boolean) {
  const pid = build.child.pid!;
  let profile: string | undefined;
  await waitUntil(() => {
    profile ??= chromiumProfileOf(pid);
    return (profile !== undefined && ready()) || build.child.exitCode !== null;
  }, 120_000, 10);
  expect(build.child.exitCode, build.stderr()).toBeNull();
  const children = descendants(pid).map((p) => p.pid);
  const browser = browserProcesses(profile!).map((p) => p.pid);
  leftovers = [...children, ...browser];
  const sent = Date.now();
  process.kill(group ? -pid : pid, signal);
  const result = await build.done;
  const ms = Date.now() - sent;
  // Everything it started ends with it: Chromium (its own process group) by its pipe, tools by the cleanup.
  const gone = await waitUntil(() => leftovers.every((p) => !running(p)), STOP_MS);
  return { result, ms, gone, children: children.length, profile: profile! };
}

describe('a signal during a build', () => {
  for (const [signal, group] of [
    ['SIGTERM', false],
    ['SIGINT', true],
  ] as const) {
    it(`${signal}${group ? ' to the process group (Ctrl-C)' : ''}: stops within 5 s, previous outputs intact, nothing left behind`, async () => {
      const dir = writeEdition(TWO_PAGE_EDITION);
      const out = join(dir, '..', 'out');
      const first = await runCli(['build', dir, '--out', out]);
      expect(first.code, first.stderr).toBe(0);
      const kept = ['edition/edition.pdf', 'edition/report.json', 'summary.json'];
      const before = snapshot(out, kept);

      // A changed story, so the next build renders and plates again.
      writeFileSync(join(dir, 'one.md'), article('第一篇稿件改了', [numberedSentences(30, 500).join('')]));
      const build = startCli(['build', dir, '--out', out, '--concurrency', '1'], { detached: true });
      const { result, ms, gone, children, profile } = await interrupt(build, signal, group, () => /edition A\d: built/.test(build.stderr()));

      expect(result.signal, build.stderr()).toBe(signal); // ended by the signal, as without handlers
      expect(ms).toBeLessThan(STOP_MS);
      expect(children).toBeGreaterThan(0);
      expect(gone).toBe(true);
      expect(snapshot(out, kept)).toEqual(before);
      expect(JSON.parse(readFileSync(join(out, 'edition/report.json'), 'utf8')).ok).toBe(true); // whole, and last night's
      expect(temporaries(out)).toEqual([]);
      expect(existsSync(join(out, 'edition', LOCK_FILE))).toBe(false);
      // Chromium's profile (20 MB) is removed, at the latest by the next launch.
      await runCli(['build', dir, '--out', out, '--proof-only']);
      expect(existsSync(profile)).toBe(false);
    }, 300_000);
  }
});

describe('a signal to build --watch', () => {
  it('during a rebuild: abandons it within 5 s, says so, and leaves no temp file, lock or browser', async () => {
    const dir = writeEdition(TWO_PAGE_EDITION);
    const out = join(dir, '..', 'out');
    const watch = startCli(['build', '--watch', dir, '--out', out, '--concurrency', '1'], { detached: true });
    await watch.waitFor('watching edition for changes');
    const mark = watch.stderr().length;
    writeFileSync(join(dir, 'two.md'), article('第二篇稿件改了', [numberedSentences(30, 700).join('')]));
    const { result, ms, gone } = await interrupt(watch, 'SIGINT', true, () => /edition A2: built/.test(watch.stderr().slice(mark)));
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('presswork: SIGINT: stopped the build in progress; every output file is whole');
    expect(ms).toBeLessThan(STOP_MS);
    expect(gone).toBe(true);
    expect(temporaries(out)).toEqual([]);
    expect(existsSync(join(out, 'edition', LOCK_FILE))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'edition', 'report.json'), 'utf8')).ok).toBe(true);
  }, 300_000);

  it('while idle: closes cleanly with exit code 0', async () => {
    const dir = writeEdition(TWO_PAGE_EDITION);
    const out = join(dir, '..', 'out');
    const watch = startCli(['build', '--watch', dir, '--out', out, '--proof-only'], { detached: true });
    await watch.waitFor('watching edition for changes');
    const profile = chromiumProfileOf(watch.child.pid!);
    const sent = Date.now();
    process.kill(watch.child.pid!, 'SIGTERM');
    const result = await watch.done;
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - sent).toBeLessThan(STOP_MS);
    expect(profile && (await waitUntil(() => browserProcesses(profile).length === 0, STOP_MS))).toBe(true);
    expect(existsSync(join(out, 'edition', LOCK_FILE))).toBe(false);
  }, 300_000);
});
