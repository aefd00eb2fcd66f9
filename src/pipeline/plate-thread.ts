import { rmSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { registeredTempDirs } from '../util/atomic-write.js';
import { cancelReason } from '../util/cancel.js';
import { addExitCleanup } from '../util/exit-cleanup.js';
import { codeFile, RUNNING_FROM_SOURCE } from '../util/package-root.js';
import type { ComparePagesOptions, PageImage, PageImageInput } from './page-changes.js';
import type { MadePlate, PlateJob } from './plate-job.js';

/**
 * Each page's plate and change image are made on a worker thread: their PDF work (pdf-lib,
 * colour conversion, the preflight's ink statistics) and the forks of Ghostscript and pdftoppm
 * from a large process would otherwise hold up the main thread, which serves the tabs' files
 * and drives them. One thread per process, started with the first page's PDF and kept (idle,
 * it does not keep the process alive) for the next build of `build --watch`.
 */
export interface PlateThread {
  /** Make a plate on the thread; rejects with the job's error message, or the cancellation. */
  plate(job: PlateJob, run: RunOptions): Promise<MadePlate>;
  /** `renderPageImage` (page-changes.ts) on the thread. */
  pageImage(page: PageImageInput, options: Omit<ComparePagesOptions, 'signal'>, run: RunOptions): Promise<PageImage | undefined>;
}

export interface RunOptions {
  signal?: AbortSignal;
  /**
   * At most this many jobs of the kind at once. The thread queues them itself, so that the
   * next starts the moment one ends, not when a busy main thread hears of it.
   */
  limit: number;
}

export type ThreadWork = { kind: 'plate'; job: PlateJob } | { kind: 'page-image'; page: PageImageInput; options: Omit<ComparePagesOptions, 'signal'> };
/** Messages to the thread. */
export type ThreadRequest = { id: number; work: ThreadWork; limit: number; tempDirs: [string, string][] } | { cancel: number; reason: string };
export type ThreadReply = { id: number; result: unknown } | { id: number; error: string };
/** What the thread tells of its tools and temp files, read synchronously by the exit cleanup. */
export type ThreadEvent = { tool: number; on: boolean } | { temp: string; on: boolean };

/** How long a cancelled plate may take to stop its Ghostscript and remove its files before the thread is ended. */
const CANCEL_GRACE_MS = 1_500;

/** How long after removing the thread's temp files to look again, for a write already under way. */
const LATE_WRITE_MS = 100;

let current: PlateThread | undefined;

export function plateThread(): PlateThread {
  return (current ??= startPlateThread(() => (current = undefined)));
}

/**
 * The worker's entry: in a package, the bin's launcher, which runs dist/plate-worker.cjs with a
 * code cache (scripts/dist-cli.mjs); in a clone, a bootstrap that loads the TypeScript through tsx.
 */
function workerEntry(): URL | string {
  return RUNNING_FROM_SOURCE ? new URL('./plate-worker-dev.mjs', import.meta.url) : codeFile('cli.js');
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  cancelled: boolean;
}

function startPlateThread(ended: () => void): PlateThread {
  const channel = new MessageChannel();
  const events: MessagePort = channel.port1;
  const workerData = { events: channel.port2, bundle: 'plate-worker.cjs' };
  const worker = new Worker(workerEntry(), { workerData, transferList: [channel.port2] });
  worker.unref();
  const pending = new Map<number, Pending>();
  const tools = new Set<number>();
  const temps = new Set<string>();
  let nextId = 0;
  let stopped: Error | undefined;

  // Events are read when needed, not as they come: the exit cleanup must see every one so far.
  const drain = () => {
    for (let m = receiveMessageOnPort(events); m; m = receiveMessageOnPort(events)) {
      const event = m.message as ThreadEvent;
      const set: Set<number | string> = 'tool' in event ? tools : temps;
      const key = 'tool' in event ? event.tool : event.temp;
      if (event.on) set.add(key);
      else set.delete(key);
    }
  };
  // The thread's tools killed and its temp files removed: what its own cleanups would have done.
  const cleanUp = () => {
    drain();
    for (const pid of tools) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already ended.
      }
    }
    tools.clear();
    for (const temp of temps) rmSync(temp, { force: true });
  };
  // At exit the thread still runs until the process ends, and a write it handed to libuv
  // may create its file just after the first pass: look once more, as `stop` does.
  const unregister = addExitCleanup(() => {
    cleanUp();
    if (temps.size === 0) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LATE_WRITE_MS); // a synchronous wait: exit cleanups cannot await
    cleanUp();
  });

  const settle = (id: number, outcome: (p: Pending) => void) => {
    const job = pending.get(id);
    if (!job) return;
    pending.delete(id);
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (pending.size === 0) worker.unref();
    outcome(job);
  };

  /** End the thread: its tools killed, its files removed, every plate still waiting rejected. */
  const stop = async (error: Error) => {
    if (stopped) return;
    stopped = error;
    ended();
    await worker.terminate();
    cleanUp();
    // A write already handed to libuv may create its file just after: remove again.
    if (temps.size > 0) await new Promise((resolve) => setTimeout(resolve, LATE_WRITE_MS));
    cleanUp();
    unregister();
    for (const id of [...pending.keys()]) settle(id, (job) => job.reject(job.cancelled && job.signal ? cancelReason(job.signal) : error));
  };

  worker.on('message', (reply: ThreadReply) => {
    drain();
    settle(reply.id, (job) => {
      if ('result' in reply) job.resolve(reply.result);
      else job.reject(job.cancelled && job.signal ? cancelReason(job.signal) : new Error(reply.error));
    });
  });
  worker.on('error', (error) => void stop(new Error(`the plate thread failed: ${error.message}`)));
  worker.on('exit', (code) => void stop(new Error(`the plate thread ended (exit code ${code})`)));

  const cancel = (id: number) => {
    const job = pending.get(id);
    if (!job || job.cancelled) return;
    job.cancelled = true;
    const reason = cancelReason(job.signal!);
    worker.postMessage({ cancel: id, reason: reason.message } satisfies ThreadRequest);
    // A thread busy past the grace is ended, and its Ghostscript and files with it.
    setTimeout(() => {
      if (pending.has(id)) void stop(reason);
    }, CANCEL_GRACE_MS);
  };

  const run = (work: ThreadWork, { signal, limit }: RunOptions) =>
    new Promise<unknown>((resolve, reject) => {
      if (stopped) return reject(stopped);
      if (signal?.aborted) return reject(cancelReason(signal));
      const id = ++nextId;
      const entry: Pending = { resolve, reject, signal, cancelled: false };
      if (signal) {
        entry.onAbort = () => cancel(id);
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      pending.set(id, entry);
      if (pending.size === 1) worker.ref();
      worker.postMessage({ id, work, limit, tempDirs: registeredTempDirs() } satisfies ThreadRequest);
    });

  return {
    plate: (job, options) => run({ kind: 'plate', job }, options) as Promise<MadePlate>,
    pageImage: (page, pageOptions, options) => run({ kind: 'page-image', page, options: pageOptions }, options) as Promise<PageImage | undefined>,
  };
}
