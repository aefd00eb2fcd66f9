/**
 * The plate thread's entry (see plate-thread.ts): makes the plates and change images it is
 * sent, one job per message, and tells the main thread of every tool it starts and temp file it writes, so the
 * main thread's exit cleanups can kill and remove them should the process end mid-plate.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { registerTempDir, watchTemporaries } from '../util/atomic-write.js';
import { CancelledError, throwIfCancelled } from '../util/cancel.js';
import { createLimiter } from '../util/limiter.js';
import { watchTools } from '../util/run-tool.js';
import type { ThreadEvent, ThreadReply, ThreadRequest, ThreadWork } from './plate-thread.js';

const events = (workerData as { events: MessagePort }).events;
const tell = (event: ThreadEvent) => events.postMessage(event);
watchTools({ started: (pid) => tell({ tool: pid, on: true }), ended: (pid) => tell({ tool: pid, on: false }) });
watchTemporaries({ added: (temp) => tell({ temp, on: true }), removed: (temp) => tell({ temp, on: false }) });

const port = parentPort!;
const jobs = new Map<number, AbortController>();
/** One queue per kind of job and limit. */
const limiters = new Map<string, ReturnType<typeof createLimiter>>();
const limiter = (kind: string, limit: number) => {
  const key = `${kind} ${limit}`;
  if (!limiters.has(key)) limiters.set(key, createLimiter(limit));
  return limiters.get(key)!;
};

port.on('message', (request: ThreadRequest) => {
  if ('cancel' in request) {
    jobs.get(request.cancel)?.abort(new CancelledError(request.reason));
    return;
  }
  const { id, work, limit, tempDirs } = request;
  for (const [root, dir] of tempDirs) registerTempDir(root, dir);
  const controller = new AbortController();
  jobs.set(id, controller);
  const reply = (message: ThreadReply) => {
    jobs.delete(id);
    port.postMessage(message);
    // The package's launcher keeps the code compiled so far for the next process (scripts/dist-cli.mjs).
    if (work.kind === 'plate') (globalThis as { __pressworkSaveCodeCache?: () => void }).__pressworkSaveCodeCache?.();
  };
  limiter(work.kind, limit)(() => perform(work, controller.signal)).then(
    (result) => reply({ id, result }),
    (error: Error) => reply({ id, error: error.message }),
  );
});

// Imported when first asked for: a proof-only build wants change images, and no pdf-lib.
async function perform(work: ThreadWork, signal: AbortSignal): Promise<unknown> {
  throwIfCancelled(signal); // cancelled while it waited its turn
  if (work.kind === 'plate') return (await import('./plate-job.js')).makePlate(work.job, signal);
  return (await import('./page-changes.js')).renderPageImage(work.page, { ...work.options, signal });
}
