import { describe, expect, it } from 'vitest';
import { createPromiseCache } from '../../src/util/promise-cache.js';

describe('createPromiseCache', () => {
  it('makes each key once and shares the promise', async () => {
    const cache = createPromiseCache<string, number>();
    let calls = 0;
    const make = async () => ++calls;
    const [a, b] = await Promise.all([cache.get('x', make), cache.get('x', make)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    expect(await cache.get('y', make)).toBe(2);
    expect(cache.values()).toHaveLength(2);
  });

  it('forgets a failure, so the next call makes the value again', async () => {
    const cache = createPromiseCache<string, string>();
    await expect(cache.get('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('x', async () => 'ok')).toBe('ok');
  });
});
