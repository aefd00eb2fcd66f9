import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireOutputLock, LOCK_FILE, OutputLockedError } from '../../src/util/output-lock.js';

let dir: string;
const releases: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-lock-'));
});
afterEach(async () => {
  await Promise.all(releases.splice(0).map((r) => r()));
  await rm(dir, { recursive: true, force: true });
});

async function acquire(options: Parameters<typeof acquireOutputLock>[1], outDir = join(dir, 'out')) {
  const release = await acquireOutputLock(outDir, options);
  releases.push(release);
  return release;
}

/** The pid of a process that has exited, so no process with it is running (barring reuse). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('acquireOutputLock', () => {
  it('writes a lock with pid, host and start time, and removes it on release', async () => {
    const release = await acquire({ wait: false });
    const lockPath = join(dir, 'out', LOCK_FILE);
    const holder = JSON.parse(await readFile(lockPath, 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Date.parse(holder.startedAt)).toBeLessThanOrEqual(Date.now());
    await release();
    await release(); // twice is fine
    expect(existsSync(lockPath)).toBe(false);
  });

  it('fails a second build at once with who holds the lock, since when, and what to do', async () => {
    await acquire({ wait: false });
    const second = acquireOutputLock(join(dir, 'out'), { wait: false });
    await expect(second).rejects.toBeInstanceOf(OutputLockedError);
    await expect(second).rejects.toThrow(
      new RegExp(`in use by another presswork build: pid ${process.pid} on ${hostname()} since \\d{4}-\\d\\d-\\d\\dT.*Wait for that build to finish.*delete .*${LOCK_FILE.replace('.', '\\.')}`),
    );
  });

  it('lets a waiting build in once the first releases', async () => {
    const first = await acquire({ wait: false });
    let got = false;
    const second = acquire({ wait: true, timeoutMs: 5000, pollMs: 20 }).then((r) => ((got = true), r));
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toBe(false);
    await first();
    await second;
    expect(got).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'out', LOCK_FILE), 'utf8')).pid).toBe(process.pid);
  });

  it('gives up waiting after the timeout and says how long it waited', async () => {
    await acquire({ wait: false });
    await expect(acquireOutputLock(join(dir, 'out'), { wait: true, timeoutMs: 1200, pollMs: 50 })).rejects.toThrow(/\(waited 1 s\)/);
  });

  it('takes over a stale lock from a dead process on this host, with a note', async () => {
    const pid = deadPid();
    const lockPath = join(dir, 'out', LOCK_FILE);
    await acquire({ wait: false }).then((r) => r()); // makes the folder
    await writeFile(lockPath, JSON.stringify({ pid, host: hostname(), startedAt: '2026-11-25T02:00:00.000Z', token: 'old' }));
    const release = await acquire({ wait: false });
    expect(release.note).toMatch(new RegExp(`stale lock .* from pid ${pid} on ${hostname()} \\(started 2026-11-25T02:00:00.000Z\\)`));
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(process.pid);
  });

  it('lets exactly one of several builds take over the same stale lock', async () => {
    await acquire({ wait: false }).then((r) => r());
    await writeFile(join(dir, 'out', LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: '2026-11-25T02:00:00.000Z', token: 'old' }));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquire({ wait: false })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(OutputLockedError);
  });

  it('does not take over a lock held on another host', async () => {
    await acquire({ wait: false }).then((r) => r());
    await writeFile(join(dir, 'out', LOCK_FILE), JSON.stringify({ pid: deadPid(), host: 'press-02', startedAt: '2026-11-25T02:00:00.000Z', token: 'x' }));
    await expect(acquireOutputLock(join(dir, 'out'), { wait: false })).rejects.toThrow(/pid \d+ on press-02 since 2026-11-25T02:00:00.000Z/);
  });

  it('takes over a lock file left empty by a crash once it is old, but not while it may be being written', async () => {
    await acquire({ wait: false }).then((r) => r());
    const lockPath = join(dir, 'out', LOCK_FILE);
    await writeFile(lockPath, '');
    await expect(acquireOutputLock(join(dir, 'out'), { wait: false })).rejects.toThrow(/lock file is still being written/);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    expect((await acquire({ wait: false })).note).toMatch(/died while writing it/);
  });

  it('never removes a lock that is no longer its own', async () => {
    const release = await acquire({ wait: false });
    const lockPath = join(dir, 'out', LOCK_FILE);
    await writeFile(lockPath, JSON.stringify({ pid: 1, host: 'other', startedAt: 'x', token: 'theirs' }));
    await release();
    expect(existsSync(lockPath)).toBe(true);
  });

  it('releases the lock when the process gets SIGTERM or SIGINT', async () => {
    const script = join(dir, 'hold.mts');
    const lockModule = new URL('../../src/util/output-lock.ts', import.meta.url).href;
    await writeFile(
      script,
      `import { acquireOutputLock } from ${JSON.stringify(lockModule)};\n` +
        `await acquireOutputLock(process.argv[2], { wait: false });\nconsole.log('locked');\nsetInterval(() => {}, 1000);\n`,
    );
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const outDir = join(dir, `out-${signal}`);
      const child = spawn(process.execPath, ['--import', 'tsx', script, outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      });
      expect(existsSync(join(outDir, LOCK_FILE))).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(existsSync(join(outDir, LOCK_FILE))).toBe(false);
    }
  });
});
