import { resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { BuildCommandOptions } from '../commands/build.js';
import { resolveBuildConfig } from '../pipeline/build-config.js';
import { checkOutputFolder } from '../pipeline/output-preflight.js';
import { hasCachedPages } from '../pipeline/page-cache.js';
import { parseShard } from '../pipeline/page-selection.js';
import { editionDirs, positiveNumber, UsageError } from './arguments.js';
import type { CommandRunner } from './commands.js';
import { CancelledError, cancelBuild } from '../util/cancel.js';

function shardOption(text: string) {
  const shard = parseShard(text);
  if (!shard) throw new UsageError(`--shard needs K/N with 1 ≤ K ≤ N, got \`${text}\``);
  return shard;
}

export const run: CommandRunner = async (dirs, values) => {
  const logFormat = values['log-format'];
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format must be text or json, got \`${String(logFormat)}\``);
  const pages = values.pages as string | undefined;
  const shard = values.shard as string | undefined;
  const options: BuildCommandOptions = {
    editions: editionDirs(dirs),
    out: resolve(values.out as string),
    strict: values.strict === true,
    timeoutSeconds: positiveNumber(values.timeout as string | undefined, '--timeout'),
    json: values.json === true,
    proofOnly: values['proof-only'] === true,
    concurrency: positiveNumber(values.concurrency as string | undefined, '--concurrency'),
    cache: values['no-cache'] !== true,
    pages: pages?.split(',').map((id) => id.trim()).filter(Boolean),
    shard: shard === undefined ? undefined : shardOption(shard),
    waitForLock: values.wait === true,
    logFormat,
    write: (text: string) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
  };
  if (values.watch) return watch(options);
  // The deadline runs from here, and ends the build hard should it not unwind in time.
  const cancel = cancelBuild({ timeoutSeconds: options.timeoutSeconds });
  try {
    const early = await launchEarly(options);
    const { runBuild } = await import('../commands/build.js').catch(async (error: unknown) => {
      // Nothing took the browser started early: closed here, or it would keep the process alive.
      await early?.browser.then((browser) => browser.close(), () => undefined);
      throw error;
    });
    const { reports, ok } = await runBuild({ ...options, timeoutSeconds: undefined, signal: cancel.signal }, early?.browser);
    if (options.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
    return ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    // Tabs, Ghostscript, temporaries and the lock are gone by now, and the browser is closed.
    process.stderr.write(`presswork: ${error.message}; no output was half-written, the previous files are kept\n`);
    if (error.exitSignal) cancel.exitBy(error.exitSignal);
    return 1;
  } finally {
    cancel.dispose();
  }
};

/**
 * Chromium takes about 0.5 s to start (and the page fonts' whole faces 0.1–0.2 s to load into
 * harfbuzz). When the page cache is off or empty, some page will
 * surely be rendered, so it starts now, while the build's modules load and the edition is
 * prepared; otherwise the build starts it at the first page the cache does not hold (and
 * none at all when nothing changed). Nor when the output folder is unusable: the build
 * refuses it before any browser starts.
 */
async function launchEarly(options: BuildCommandOptions): Promise<{ browser: Promise<Browser> } | undefined> {
  const config = resolveBuildConfig(options);
  if (config.cache && (await hasCachedPages(config.cacheDir))) return undefined;
  if (!(await checkOutputFolder(config.out).then(() => true, () => false))) return undefined;
  const { launchChromium } = await import('../render/chromium.js');
  const browser = launchChromium();
  browser.catch(() => undefined); // a failed launch is retried, and reported, by the first page
  // The page fonts' whole faces load meanwhile too, for the same reason. Should the module
  // not load, the build's own import below fails and says why (and closes the browser).
  void import('../pipeline/page-fonts.js').then((fonts) => fonts.warmPageFonts(), () => undefined);
  return { browser };
}

async function watch(options: BuildCommandOptions): Promise<number> {
  const { watchBuilds } = await import('../commands/build-watch.js');
  const watching = watchBuilds(options);
  let signals = 0;
  const stop = new Promise<NodeJS.Signals>((resolve) =>
    (['SIGINT', 'SIGTERM'] as const).forEach((signal) =>
      process.on(signal, () => {
        // A second Ctrl-C while closing: stop now (the exit cleanups still run).
        if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
        resolve(signal);
      }),
    ),
  );
  const signal = await Promise.race([watching.ready.then(() => stop), stop]).catch(async (error: unknown) => {
    await watching.close(); // the first build failed (timed out): nothing is left running
    throw error;
  });
  if (watching.building()) {
    // Abandon the build in progress: every output is written whole or not at all, and the
    // exit cleanups remove its temp files and lock; the browser ends with its pipe.
    process.stderr.write(`presswork: ${signal}: stopped the build in progress; every output file is whole, from the last finished build or this one\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  await watching.close();
  return 0;
}
