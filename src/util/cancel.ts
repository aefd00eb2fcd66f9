/**
 * How a command is stopped before its end: one AbortSignal, made by the CLI (Ctrl-C, a
 * signal, `--timeout`) and passed down to every stage that can wait (a tab, Ghostscript).
 * Its reason is a CancelledError, so each stage rethrows it as it is instead of turning it
 * into a page's error in the report.
 */
export class CancelledError extends Error {
  constructor(
    message: string,
    /** The signal that stopped the command, if one did: the process ends by it, as without handlers. */
    readonly exitSignal?: NodeJS.Signals,
  ) {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The error to throw when `signal` has fired: its CancelledError (or a generic one). */
export function cancelReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new CancelledError('cancelled');
}

/** Throw the cancellation if `signal` has fired: call between stages. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelReason(signal);
}

/** A promise that rejects with the cancellation when `signal` fires (never settles without one). */
export function whenCancelled(signal: AbortSignal | undefined): { promise: Promise<never>; dispose: () => void } {
  if (!signal) return { promise: new Promise<never>(() => undefined), dispose: () => undefined };
  let onAbort = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelReason(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * `work`; once `signal` fires, what `work` settles to within `graceMs`, else the
 * cancellation: work stuck on a process that no longer answers does not hold up the unwind
 * (it runs on, and must clean up after itself).
 */
export async function untilCancelled<T>(signal: AbortSignal | undefined, work: Promise<T>, graceMs: number): Promise<T> {
  if (!signal) return work;
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => undefined as void;
  const cutOff = new Promise<never>((_, reject) => {
    onAbort = () => void (timer = setTimeout(() => reject(cancelReason(signal)), graceMs));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, cutOff]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearTimeout(timer);
  }
}

/**
 * `signal`, plus a deadline `seconds` from now (`--timeout`): the result fires at whichever
 * comes first, the deadline with "<what> timed out after N s". `dispose` ends the timer.
 */
export function withDeadline(signal: AbortSignal | undefined, seconds: number | undefined, what: string): { signal?: AbortSignal; dispose: () => void } {
  if (!seconds) return { signal, dispose: () => undefined };
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new CancelledError(`${what} timed out after ${seconds} s`)), seconds * 1000);
  return { signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal, dispose: () => clearTimeout(timer) };
}

/** How long a cancelled build may take to close its tabs, tools and lock before it is ended hard. */
const GRACE_MS = 3_000;

/**
 * The CLI's one AbortSignal for a build: SIGINT, SIGTERM and SIGHUP fire it, and so does the
 * deadline `timeoutSeconds` from now (`--timeout`, see withDeadline). The build unwinds, and
 * a signal then ends the process by that signal, as it would without handlers. A second
 * signal, or a build still running GRACE_MS after the first cause, ends it at once (the exit
 * cleanups still run): a stuck tab or tool never keeps a nightly build waiting.
 */
export function cancelBuild(options: { timeoutSeconds?: number } = {}) {
  const controller = new AbortController();
  const deadline = withDeadline(controller.signal, options.timeoutSeconds, 'build');
  const signal = deadline.signal ?? controller.signal;
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let hardStop: NodeJS.Timeout | undefined;
  const dispose = () => {
    for (const s of signals) process.off(s, onSignal);
    signal.removeEventListener('abort', startGrace);
    deadline.dispose();
    clearTimeout(hardStop);
  };
  // Without our listener, exit-cleanup.ts handles the signal: cleanups, then the default end.
  const exitBy = (exitSignal: NodeJS.Signals) => {
    dispose();
    process.kill(process.pid, exitSignal);
    // Signal handlers do not keep Node running: wait here for this one to arrive.
    setTimeout(() => undefined, 1000);
  };
  // Ended before the build could unwind: its temporaries and lock still go (exit cleanups).
  const exitNow = (reason: Error) => {
    process.stderr.write(`presswork: ${reason.message}, stopped at once; no output was half-written\n`);
    if (reason instanceof CancelledError && reason.exitSignal) return exitBy(reason.exitSignal);
    dispose();
    process.exit(1);
  };
  // Whatever the first cause, the build has GRACE_MS to unwind.
  function startGrace() {
    hardStop = setTimeout(() => exitNow(cancelReason(signal)), GRACE_MS);
  }
  signal.addEventListener('abort', startGrace, { once: true });
  function onSignal(received: NodeJS.Signals) {
    const reason = new CancelledError(`build cancelled (${received})`, received);
    if (signal.aborted) exitNow(reason);
    else controller.abort(reason);
  }
  for (const s of signals) process.on(s, onSignal);
  return { signal, exitBy, dispose };
}
