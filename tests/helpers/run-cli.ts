import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** stderr so far: progress lines tell a test which stage the build has reached. */
  stderr(): string;
  /** Resolves once stderr contains `text` (or rejects if the process ends first). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

const BIN = resolve('src/bin/presswork.mjs');

/** `presswork …` as a user runs it: a real process, in its own process group so a test can kill the group. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const check of waiters.slice()) check();
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    stderr: () => stderr,
    waitFor(text, timeoutMs = 120_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(text)}; stderr so far:\n${stderr}`)), timeoutMs);
        const check = () => {
          if (typeof text === 'string' ? stderr.includes(text) : text.test(stderr)) {
            clearTimeout(timer);
            const at = waiters.indexOf(check);
            if (at >= 0) waiters.splice(at, 1);
            resolve();
          }
        };
        waiters.push(check);
        void done.then(() => {
          clearTimeout(timer);
          reject(new Error(`process ended before ${String(text)}; stderr:\n${stderr}`));
        });
        check();
      });
    },
    done,
  };
}

export const runCli = (args: string[], options?: Parameters<typeof startCli>[1]) => startCli(args, options).done;
