import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { throwIfCancelled } from './cancel.js';
import { addExitCleanup } from './exit-cleanup.js';

/**
 * One build per output folder: a lock file created exclusively (`wx`), holding who owns it.
 * A lock left by a build that died on this host is taken over; a live one makes the second
 * build wait or stop with a message that says who holds it and what to do.
 */

export const LOCK_FILE = '.presswork.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** Tells our lock from a later one, so release never removes another build's lock. */
  token: string;
}

export interface OutputLockOptions {
  /** Wait for the holder to finish (polling) instead of failing at once. */
  wait: boolean;
  /** How long to wait before failing; default 10 minutes. */
  timeoutMs?: number;
  /** Poll interval while waiting; default 500 ms. */
  pollMs?: number;
  /** Stops the wait (Ctrl-C, `--timeout`): its cancellation is thrown. */
  signal?: AbortSignal;
}

/** Releases the lock; safe to call more than once. `note` says when a stale lock was taken over. */
export type ReleaseOutputLock = (() => Promise<void>) & { note?: string };

export class OutputLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
    waitedMs: number,
  ) {
    const who = holder
      ? `pid ${holder.pid} on ${holder.host} since ${holder.startedAt}`
      : 'a build whose lock file is still being written';
    const waited = waitedMs > 0 ? ` (waited ${Math.round(waitedMs / 1000)} s)` : '';
    super(
      `Output folder is in use by another presswork build: ${who}${waited}. ` +
        `Wait for that build to finish and run again; if no such build is running, delete ${lockPath}.`,
    );
    this.name = 'OutputLockedError';
  }
}

/** A lock file this old that still cannot be parsed was left half-written by a crash. */
const UNREADABLE_GRACE_MS = 10_000;
const TAKEOVER_GRACE_MS = 30_000;

export async function acquireOutputLock(outDir: string, options: OutputLockOptions): Promise<ReleaseOutputLock> {
  const lockPath = join(outDir, LOCK_FILE);
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 500;
  await mkdir(outDir, { recursive: true });
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const started = Date.now();
  let note: string | undefined;
  for (;;) {
    throwIfCancelled(options.signal);
    if (await tryCreate(lockPath, me)) break;
    const holder = await readHolder(lockPath);
    const stale = await isStale(lockPath, holder);
    if (stale && (await takeOver(lockPath, holder, me))) {
      note = `Took over a stale lock ${lockPath} from ${holder ? `pid ${holder.pid} on ${holder.host} (started ${holder.startedAt}), which is no longer running` : 'a build that died while writing it'}`;
      break;
    }
    const waited = Date.now() - started;
    // A stale lock that another build is busy taking over: look again shortly, even without `wait`.
    if (stale && waited < TAKEOVER_GRACE_MS) {
      await delay(50);
      continue;
    }
    if (!options.wait || waited >= timeoutMs) throw new OutputLockedError(lockPath, holder, options.wait ? waited : 0);
    await delay(Math.min(pollMs, timeoutMs - waited));
  }
  const release = releaseOnExit(lockPath, me.token) as ReleaseOutputLock;
  if (note) release.note = note;
  return release;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tryCreate(lockPath: string, me: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // Keeps the code (ENOSPC, EROFS…), so the build can say what is wrong with the folder.
    throw Object.assign(new Error(`Cannot create the output lock ${lockPath}: ${(error as Error).message}`), { code: (error as NodeJS.ErrnoException).code });
  }
  try {
    await handle.writeFile(`${JSON.stringify(me)}\n`);
  } catch (error) {
    // A full disk: an empty lock would block the next build until it is judged stale.
    await handle.close();
    await rm(lockPath, { force: true });
    throw error;
  }
  await handle.close();
  return true;
}

async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.startedAt === 'string' && typeof value.token === 'string') {
      return value as LockHolder;
    }
  } catch {
    // Missing, empty (being written) or corrupt: judged by its age below.
  }
  return undefined;
}

/** Stale: its process is gone on this host, or it is unreadable and old. Other hosts' locks are trusted. */
async function isStale(lockPath: string, holder: LockHolder | undefined): Promise<boolean> {
  if (holder) return holder.host === hostname() && !processAlive(holder.pid);
  const info = await stat(lockPath).catch(() => undefined);
  return !info || Date.now() - info.mtimeMs > UNREADABLE_GRACE_MS;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Replace a stale lock. Two builds may find the same stale lock; a second exclusive file
 * makes them take turns, and the winner checks again under it, so neither can delete a
 * lock the other has just created.
 */
async function takeOver(lockPath: string, seen: LockHolder | undefined, me: LockHolder): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  if (!(await tryCreate(guard, me))) {
    const info = await stat(guard).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > TAKEOVER_GRACE_MS) await rm(guard, { force: true }); // its owner died
    return false;
  }
  try {
    const now = await readHolder(lockPath);
    if (now?.token !== seen?.token || !(await isStale(lockPath, now))) return false;
    await rm(lockPath, { force: true });
    return await tryCreate(lockPath, me);
  } finally {
    await rm(guard, { force: true });
  }
}

/** The release function, also run however the process ends (exit, SIGINT, SIGTERM). */
function releaseOnExit(lockPath: string, token: string): () => Promise<void> {
  let released = false;
  const removeSync = () => {
    if (released) return;
    released = true;
    unregister();
    try {
      // Only our own lock: after a takeover by mistake the file may belong to someone else.
      if ((JSON.parse(readFileSync(lockPath, 'utf8')) as LockHolder).token === token) unlinkSync(lockPath);
    } catch {
      // Already gone or unreadable: nothing of ours to remove.
    }
  };
  const unregister = addExitCleanup(removeSync);
  return async () => removeSync();
}
