/**
 * Work that must be undone however the process ends (lock files, temp files, child
 * tools), run synchronously on exit and on SIGINT, SIGTERM and SIGHUP. On a signal with no other
 * listener the process then ends by that signal, as it would have without us; a command
 * that listens itself (`build --watch`) decides when to exit, and the cleanups run then.
 */

const cleanups = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // One failing cleanup must not keep the others from running.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // someone else handles it and will exit
  runAll();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

/** Register `cleanup`; the returned function unregisters it (after running it yourself). */
export function addExitCleanup(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
