import { availableParallelism, hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveBuildConfig } from '../../src/pipeline/build-config.js';
import { DEFAULT_TIMEOUTS } from '../../src/render/render-timeouts.js';

describe('resolveBuildConfig', () => {
  it('fills in every default and derives the folders under <out>/.cache once', () => {
    const config = resolveBuildConfig({ out: '/srv/out' });
    expect(config).toEqual({
      out: '/srv/out',
      proofOnly: false,
      concurrency: availableParallelism(),
      cache: true,
      waitForLock: false,
      timeouts: DEFAULT_TIMEOUTS,
      cacheDir: '/srv/out/.cache',
      fontCacheDir: '/srv/out/.cache/fonts',
      plateCacheDir: '/srv/out/.cache/plates',
      tempDir: `/srv/out/.cache/tmp/${hostname()}`,
    });
  });

  it('keeps what was asked for; --no-cache means no plate records', () => {
    const signal = new AbortController().signal;
    const config = resolveBuildConfig({ out: '/o', cache: false, concurrency: 3, proofOnly: true, pages: ['A2'], waitForLock: true, timeoutSeconds: 9, signal });
    expect(config).toMatchObject({ cache: false, plateCacheDir: undefined, concurrency: 3, proofOnly: true, pages: ['A2'], waitForLock: true, timeoutSeconds: 9 });
    expect(config.signal).toBe(signal);
  });

  it('resolves a resolved configuration to the same one', () => {
    const once = resolveBuildConfig({ out: '/o', shard: { shard: 2, of: 3 }, cache: false });
    expect(resolveBuildConfig(once)).toEqual(once);
  });
});
