import { execFile, type ChildProcess } from 'node:child_process';
import { addExitCleanup } from './exit-cleanup.js';

/** Tools still running: killed when the build ends by a signal, so none writes on after it. */
const running = new Set<ChildProcess>();
// Registered on import, so it runs before the temp-file cleanup: no tool recreates a removed file.
addExitCleanup(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Told of each tool started and ended: a worker thread's tools are killed by the main thread's exit cleanups. */
export interface ToolWatcher {
  started(pid: number): void;
  ended(pid: number): void;
}
let watcher: ToolWatcher | undefined;

export function watchTools(w: ToolWatcher): void {
  watcher = w;
}

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

export interface RunToolOptions {
  /** Milliseconds before the tool is killed. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Largest stdout accepted, in bytes. */
  maxBuffer?: number;
}

/** The tool failed, timed out or is missing; `message` says which and shows its stderr. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    message: string,
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/** Run an external program without a shell; reject with its stderr on failure or timeout. */
export function runTool(file: string, args: string[], options: RunToolOptions = {}): Promise<ToolResult> {
  const timeout = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { encoding: 'buffer', timeout, killSignal: 'SIGKILL', signal: options.signal, maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const settle = () => {
          running.delete(child);
          if (child.pid !== undefined) watcher?.ended(child.pid);
          const err = stderr.toString('utf8');
          if (error) {
            const e = error as NodeJS.ErrnoException & { killed?: boolean };
            const why =
              e.code === 'ENOENT'
                ? `${file} is not installed (Debian: apt-get install ghostscript qpdf poppler-utils)`
                : e.killed
                  ? `${file} timed out after ${timeout} ms`
                  : `${file} failed: ${e.message.split('\n')[0]}`;
            reject(new ToolError(file, `${why}${err ? `\n${err.trim().slice(0, 2000)}` : ''}`, err));
            return;
          }
          resolve({ stdout, stderr: err });
        };
        // A cancel answers before the killed tool has exited: answer once it has, so that a
        // cancelled caller never hears back while its tool still runs (or writes).
        const exited = child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
        if (exited) settle();
        else child.once('exit', settle);
      },
    );
    running.add(child);
    if (child.pid !== undefined) watcher?.started(child.pid);
  });
}
