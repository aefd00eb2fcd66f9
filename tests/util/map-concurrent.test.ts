import { describe, expect, it } from 'vitest';
import { createLimiter, mapConcurrent } from '../../src/util/map-concurrent.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapConcurrent', () => {
  it('keeps the items order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const result = await mapConcurrent([30, 5, 20, 1, 10], 2, async (ms, index) => {
      running += 1;
      most = Math.max(most, running);
      await tick(ms);
      running -= 1;
      return `${index}:${ms}`;
    });
    expect(result).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10']);
    expect(most).toBe(2);
  });

  it('rejects with the first failure after the running calls settle, and starts no more', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapConcurrent([0, 1, 2, 3], 2, async (n) => {
      started.push(n);
      await tick(n === 0 ? 1 : 20);
      settled += 1;
      if (n === 0) throw new Error('plate 0 failed');
      return n;
    });
    await expect(run).rejects.toThrow('plate 0 failed');
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(2);
  });
});

describe('createLimiter', () => {
  it('never runs more than the limit, even when a task arrives just as a slot frees', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let most = 0;
    const task = (ms: number) =>
      limit(async () => {
        running += 1;
        most = Math.max(most, running);
        await tick(ms);
        running -= 1;
        return ms;
      });
    const first = [task(10), task(10), task(10)];
    await first[0];
    const late = task(5); // arrives while the queued third task takes the freed slot
    expect(await Promise.all([...first, late])).toEqual([10, 10, 10, 5]);
    expect(most).toBe(2);
  });
});
