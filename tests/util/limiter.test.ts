import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/util/limiter.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
