import { describe, expect, it } from 'vitest';
import { runTool, watchTools } from '../../src/util/run-tool.js';
import { running, waitUntil } from '../helpers/processes.js';

describe('runTool', () => {
  it('kills a tool whose signal aborts, and answers only once the tool has exited', async () => {
    const pids: number[] = [];
    watchTools({ started: (pid) => pids.push(pid), ended: () => undefined });
    try {
      for (let round = 0; round < 5; round++) {
        const controller = new AbortController();
        const job = runTool('sleep', ['30'], { signal: controller.signal });
        expect(await waitUntil(() => pids.length > round, 5_000, 5)).toBe(true);
        expect(running(pids[round]!)).toBe(true);
        controller.abort();
        // Read the moment the caller hears: a cancelled build must not leave its tool running.
        const heard = await job.then(
          () => ({ error: undefined, stillRunning: running(pids[round]!) }),
          (error: Error) => ({ error, stillRunning: running(pids[round]!) }),
        );
        expect(heard.error?.message).toMatch(/sleep failed: The operation was aborted/);
        expect(heard.stillRunning).toBe(false);
      }
    } finally {
      watchTools({ started: () => undefined, ended: () => undefined });
    }
  });
});
