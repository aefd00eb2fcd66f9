import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { throwIfCancelled } from './cancel.js';
import { addExitCleanup } from './exit-cleanup.js';

/**
 * Temp files are written in a folder of their own and renamed into place, so a build that
 * dies leaves nothing in the folders people upload (plates/, the edition folder). A build
 * registers its output root and that root's temp folder (`<out>/.cache/tmp/<host>`, on the same
 * file system, so the rename stays atomic); paths outside every root keep a hidden temp
 * name beside them.
 */
const tempDirs = new Map<string, string>();

/** Temp files of this process not yet renamed or removed: what a signal handler must delete. */
const inFlight = new Set<string>();
let cleanupRegistered = false;

/**
 * The temp folder of an output root for this host: `<out>/.cache/tmp/<host>`. A pid means
 * something only on the host that wrote it, so on shared storage each host sweeps its own.
 */
export function tempDirFor(out: string): string {
  return join(out, '.cache', 'tmp', hostname());
}

export function registerTempDir(root: string, tempDir: string): void {
  tempDirs.set(root, tempDir);
}

/** The roots and temp folders registered, to hand to a worker thread. */
export function registeredTempDirs(): [root: string, tempDir: string][] {
  return [...tempDirs];
}

/** Told of each temp file before it is written and once it is gone or renamed (see watchTools). */
export interface TemporariesWatcher {
  added(path: string): void;
  removed(path: string): void;
}
let watcher: TemporariesWatcher | undefined;

export function watchTemporaries(w: TemporariesWatcher): void {
  watcher = w;
}

/** `<name>.tmp-<pid>-<hex>`: the pid tells a later build whether its writer still runs. */
export const TEMP_NAME = /\.tmp-(\d+)-[0-9a-f]{8}$/;

/** Where the temp file for `path` goes: in its root's temp folder, else hidden beside it. */
export function tempPathFor(path: string): string {
  const suffix = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const root = [...tempDirs.keys()].filter((r) => isInside(r, path)).sort((a, b) => b.length - a.length)[0];
  if (root !== undefined) return join(tempDirs.get(root)!, `${basename(path)}${suffix}`);
  return join(dirname(path), `.${basename(path)}${suffix}`);
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

/**
 * Write `data` to `path` so readers see either the old file or the whole new one, never
 * a half-written PDF: write a temp file, then rename over.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicOptions = {}): Promise<void> {
  await produceFileAtomic(path, (temp) => writeFile(temp, data), options);
}

export interface AtomicOptions {
  /** Cancelled while writing: the temp file is removed and the old file stays (util/cancel.ts). */
  signal?: AbortSignal;
}

/**
 * Let `produce` write to a temp path (e.g. an external tool's output file), then rename it
 * to `path`. The temp file is removed if `produce` fails.
 */
export async function produceFileAtomic<T>(path: string, produce: (tempPath: string) => Promise<T>, options: AtomicOptions = {}): Promise<T> {
  const temp = tempPathFor(path);
  if (!cleanupRegistered) cleanupRegistered = Boolean(addExitCleanup(removeTemporariesSync));
  inFlight.add(temp);
  watcher?.added(temp);
  try {
    // Only a temp folder is made here: a missing target folder must still fail the write.
    if (dirname(temp) !== dirname(path)) await mkdir(dirname(temp), { recursive: true });
    const result = await produce(temp);
    throwIfCancelled(options.signal);
    await moveInto(temp, path);
    return result;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    inFlight.delete(temp);
    watcher?.removed(temp);
  }
}

/** Rename; across file systems (an output folder that is a mount point), copy beside and rename. */
export async function moveInto(temp: string, path: string): Promise<void> {
  try {
    await rename(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const beside = join(dirname(path), `.${basename(temp)}`);
    inFlight.add(beside);
    watcher?.added(beside);
    try {
      await copyFile(temp, beside);
      await rename(beside, path);
    } catch (inner) {
      await rm(beside, { force: true });
      throw inner;
    } finally {
      inFlight.delete(beside);
      watcher?.removed(beside);
      await rm(temp, { force: true });
    }
  }
}

/** Delete this process's unfinished temp files: run on exit and on SIGINT/SIGTERM. */
function removeTemporariesSync(): void {
  if (inFlight.size === 0) return;
  const temps = [...inFlight];
  inFlight.clear();
  for (const temp of temps) rmSync(temp, { force: true });
  // A write already handed to libuv's thread pool may create its file just after: wait
  // for it briefly (the process is ending anyway) and remove again.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  for (const temp of temps) rmSync(temp, { force: true });
}
