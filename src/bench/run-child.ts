import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From spawn to the process's exit (not to its pipes closing). */
  ms: number;
  stdout: string;
  /** The last lines of stderr, for error messages. */
  stderrTail: string;
  timedOut: boolean;
}

/**
 * Run a command to its end and time it. It gets its own process group, so a timeout kills
 * it and everything it started (Chromium included), and nothing else.
 */
export function runChild(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let exitedAt: number | undefined;
    child.on('exit', () => (exitedAt = performance.now()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.split('\n').filter((l) => l.trim()).slice(-6).join('\n');
      resolve({ code, signal, ms: (exitedAt ?? performance.now()) - started, stdout, stderrTail: tail, timedOut });
    });
  });
}
