import { describe, expect, it } from 'vitest';
import { CancelledError, untilCancelled } from '../../src/util/cancel.js';

const never = new Promise<string>(() => undefined);
const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('untilCancelled', () => {
  it('gives the work’s value when nothing cancels it', async () => {
    expect(await untilCancelled(new AbortController().signal, after(20, 'page'), 50)).toBe('page');
    expect(await untilCancelled(undefined, after(20, 'page'), 50)).toBe('page');
  });

  it('after a cancel, still gives what the work settles to within the grace (its tab closed)', async () => {
    const controller = new AbortController();
    const work = after(100, 'closed in time');
    setTimeout(() => controller.abort(new CancelledError('build cancelled (SIGINT)')), 10);
    expect(await untilCancelled(controller.signal, work, 1_000)).toBe('closed in time');
  });

  it('work that never settles: the cancellation, once the grace is over', async () => {
    const controller = new AbortController();
    controller.abort(new CancelledError('build timed out after 1 s'));
    const started = Date.now();
    await expect(untilCancelled(controller.signal, never, 200)).rejects.toThrow('build timed out after 1 s');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
