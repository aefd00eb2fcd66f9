import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { createBrowserPool } from '../../src/render/browser-pool.js';
import { TEMP_NAME } from '../../src/util/atomic-write.js';
import { CancelledError } from '../../src/util/cancel.js';
import { LOCK_FILE } from '../../src/util/output-lock.js';
import { TWO_PAGE_EDITION, writeEdition } from '../helpers/fixture-edition.js';
import { browserProcesses, chromiumProfileOf, descendants, running, waitUntil } from '../helpers/processes.js';
import { startCli, type RunningCli } from '../helpers/run-cli.js';

/**
 * One AbortSignal from the CLI cancels the build: SIGINT to the build process alone (so no
 * child sees the signal itself: the build must end them) or `--timeout`. The build closes its
 * tabs and browser, kills Ghostscript, removes its temporaries and lock, writes no
 * report.json, and says why it stopped.
 */

const temporaries = (out: string) => (existsSync(out) ? (readdirSync(out, { recursive: true }) as string[]).filter((name) => TEMP_NAME.test(name)) : []);

let leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers) if (running(pid)) process.kill(pid, 'SIGKILL');
  leftovers = [];
});

/** Watch a running build: its Chromium profile and every process below it, until it ends. */
function watchChildren(build: RunningCli) {
  const pid = build.child.pid!;
  const seen = new Map<number, string>();
  let profile: string | undefined;
  const look = () => {
    profile ??= chromiumProfileOf(pid);
    for (const p of descendants(pid)) seen.set(p.pid, p.cmdline);
  };
  const timer = setInterval(look, 10);
  void build.done.then(() => clearInterval(timer));
  return {
    look,
    profile: () => profile,
    seen,
  };
}

async function expectNothingLeft(out: string, edition: string, children: ReturnType<typeof watchChildren>) {
  leftovers = [...children.seen.keys()];
  expect(await waitUntil(() => leftovers.every((p) => !running(p)), 5_000)).toBe(true);
  const profile = children.profile();
  expect(profile).toBeDefined();
  // Chromium's crashpad handler is reparented to init, so it is found by its profile, not as a child.
  expect(await waitUntil(() => browserProcesses(profile!).length === 0, 5_000)).toBe(true);
  expect(temporaries(out)).toEqual([]);
  expect(existsSync(join(out, edition, LOCK_FILE))).toBe(false);
  expect(existsSync(join(out, edition, 'report.json'))).toBe(false);
}

describe('cancelling a build', () => {
  it('SIGINT while pages render: "build cancelled", ends by SIGINT, no tab, browser, Ghostscript, temporary or lock left', async () => {
    // Ghostscript for every plate, so one is running when the signal comes.
    const yaml = TWO_PAGE_EDITION['edition.yaml']!.replace('date: 2026-11-26\n', 'date: 2026-11-26\nprint: {converter: ghostscript}\n');
    const dir = writeEdition({ ...TWO_PAGE_EDITION, 'edition.yaml': yaml });
    const out = join(dir, '..', 'out');
    const build = startCli(['build', dir, '--out', out, '--concurrency', '1']);
    const children = watchChildren(build);
    // A1 is built and Ghostscript makes its plate (A2 renders meanwhile, or is done).
    const ghostscript = () => [...descendants(build.child.pid!)].some((p) => /(^|\/)gs /.test(p.cmdline));
    await waitUntil(() => (/edition A1: built/.test(build.stderr()) && ghostscript()) || build.child.exitCode !== null, 120_000, 5);
    expect(build.child.exitCode, build.stderr()).toBeNull();
    children.look();
    expect([...children.seen.values()].some((cmd) => /(^|\/)gs /.test(cmd))).toBe(true);
    process.kill(build.child.pid!, 'SIGINT');
    const result = await build.done;
    // Unwound (tabs and gs closed by the signal), or on a machine too busy to unwind within 3 s,
    // ended at once by the exit cleanups: clean either way.
    expect(result.stderr).toMatch(/presswork: build cancelled \(SIGINT\)(; |, stopped at once; )no output was half-written/);
    expect(result.signal, result.stderr).toBe('SIGINT'); // the shell sees 130, as for any Ctrl-C
    await expectNothingLeft(out, 'edition', children);
  }, 300_000);

  it('--timeout 1 on the sample: "build timed out after 1 s", exit code 1, nothing left behind', async () => {
    const work = mkdtempSync(join(tmpdir(), 'presswork-timeout-'));
    const dir = join(work, '2026-11-26');
    cpSync(resolve('articles/2026-11-26'), dir, { recursive: true });
    const out = join(work, 'out');
    const build = startCli(['build', dir, '--out', out, '--timeout', '1']);
    const children = watchChildren(build);
    const result = await build.done;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/presswork: build timed out after 1 s(; |, stopped at once; )no output was half-written/);
    await expectNothingLeft(out, '2026-11-26', children);
  }, 300_000);

  it('--timeout with a browser that stops answering: ended 3 s after the deadline, exit code 1, nothing left behind', async () => {
    const dir = writeEdition(TWO_PAGE_EDITION);
    const out = join(dir, '..', 'out');
    const build = startCli(['build', dir, '--out', out, '--timeout', '8']);
    const children = watchChildren(build);
    const renderer = () => {
      const profile = children.profile();
      return profile !== undefined && browserProcesses(profile).some((p) => p.cmdline.includes('--type=renderer'));
    };
    expect(await waitUntil(() => renderer() || build.child.exitCode !== null, 60_000, 5)).toBe(true);
    expect(build.child.exitCode, build.stderr()).toBeNull();
    // Frozen, as a hung GPU driver or an overloaded machine leaves it: no CDP call is answered.
    const frozen = browserProcesses(children.profile()!).map((p) => p.pid);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      const result = await build.done;
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain('presswork: build timed out after 8 s, stopped at once; no output was half-written');
    } finally {
      for (const pid of frozen) if (running(pid)) process.kill(pid, 'SIGCONT');
    }
    // Woken, the browser finds its DevTools pipe closed and quits.
    await expectNothingLeft(out, 'edition', children);
  }, 120_000);

  it('a build cancelled while its browser no longer answers unwinds within seconds (build --watch has no hard stop)', async () => {
    const dir = writeEdition(TWO_PAGE_EDITION);
    const out = join(dir, '..', 'out');
    const pool = createBrowserPool();
    const controller = new AbortController();
    let frozen: number[] = [];
    let cancelledAt = 0;
    try {
      const building = buildEdition(dir, {
        out,
        browser: pool.browser,
        proofOnly: true,
        signal: controller.signal,
        hooks: () => ({
          beforePrint: async (page) => {
            if (controller.signal.aborted) return;
            const profile = /--user-data-dir=(\S+)/.exec(page.browser().process()!.spawnargs.join(' '))![1]!;
            frozen = browserProcesses(profile).map((p) => p.pid);
            for (const pid of frozen) process.kill(pid, 'SIGSTOP');
            cancelledAt = Date.now();
            controller.abort(new CancelledError('build cancelled (test)'));
          },
        }),
      });
      await expect(building).rejects.toThrow('build cancelled (test)');
      // Each tab's close waits 5 s at most; without that bound, Puppeteer's 180 s protocol timeout.
      expect(Date.now() - cancelledAt).toBeLessThan(20_000);
      expect(existsSync(join(out, 'edition', LOCK_FILE))).toBe(false);
      expect(temporaries(out)).toEqual([]);
      const closing = Date.now();
      await pool.close();
      expect(Date.now() - closing).toBeLessThan(10_000);
    } finally {
      for (const pid of frozen) if (running(pid)) process.kill(pid, 'SIGCONT');
    }
    expect(frozen.length).toBeGreaterThan(0);
    expect(await waitUntil(() => frozen.every((pid) => !running(pid)), 10_000)).toBe(true);
  }, 120_000);
});
