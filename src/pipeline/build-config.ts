import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TIMEOUTS, type RenderTimeouts } from '../render/render-timeouts.js';
import { tempDirFor } from '../util/atomic-write.js';

/** What a build was asked for (the CLI's flags, a test's choices); unset means the default. */
export interface BuildSettings {
  /** Output root; each edition goes to `<out>/<edition name>/`. */
  out: string;
  /** Skip press plates: proofs only. */
  proofOnly?: boolean;
  /** Pages rendered, and plates made, at once; default the number of cores. */
  concurrency?: number;
  /** Reuse unchanged pages and plates from `<out>/.cache` (false: `--no-cache`); default true. */
  cache?: boolean;
  /** Build only these pages (plus the pages their jumps come from): `--pages`. */
  pages?: string[];
  /** Build this deterministic share of the pages: `--shard K/N`. */
  shard?: { shard: number; of: number };
  /** Wait for another build of the same output folder instead of failing at once: `--wait`. */
  waitForLock?: boolean;
  /** Per-stage limits of a page's render; default DEFAULT_TIMEOUTS. */
  timeouts?: RenderTimeouts;
  /** `--timeout`: each build is cancelled after this many seconds. */
  timeoutSeconds?: number;
  /** Cancels the build (Ctrl-C): see util/cancel.ts. */
  signal?: AbortSignal;
}

/** The settings with every default filled in and every folder derived, once, for the whole build. */
export interface BuildConfig extends BuildSettings {
  proofOnly: boolean;
  concurrency: number;
  cache: boolean;
  waitForLock: boolean;
  timeouts: RenderTimeouts;
  /** `<out>/.cache`: page cache, plate records, fonts, temporaries. */
  cacheDir: string;
  /** Converted house fonts, by content. */
  fontCacheDir: string;
  /** Plate records for reuse; absent with `--no-cache`. */
  plateCacheDir?: string;
  /** Temporaries of this host, renamed into place when whole. */
  tempDir: string;
}

/**
 * Resolve the settings into the build's configuration. A BuildConfig resolves to itself,
 * so a layer handed one (or a test handing a few settings) gets the same answer.
 */
export function resolveBuildConfig(settings: BuildSettings): BuildConfig {
  const cacheDir = join(settings.out, '.cache');
  const cache = settings.cache ?? true;
  return {
    ...settings,
    proofOnly: settings.proofOnly ?? false,
    concurrency: settings.concurrency ?? availableParallelism(),
    cache,
    waitForLock: settings.waitForLock ?? false,
    timeouts: settings.timeouts ?? DEFAULT_TIMEOUTS,
    cacheDir,
    fontCacheDir: join(cacheDir, 'fonts'),
    plateCacheDir: cache ? join(cacheDir, 'plates') : undefined,
    tempDir: tempDirFor(settings.out),
  };
}
