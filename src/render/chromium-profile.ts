import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../util/output-lock.js';

/**
 * Chromium's profile folder (about 20 MB), ours rather than Puppeteer's: Puppeteer removes
 * its own only when it closes the browser, so every build killed by a signal or SIGKILL
 * left one in /tmp. Ours is named with our pid and removed when the browser exits (see
 * launchChromium); the profiles of pids that no longer run are removed at the next build.
 */

const PREFIX = 'presswork-chromium-';
const NAME = /^presswork-chromium-(\d+)-/;

export interface ChromiumProfile {
  dir: string;
  /** Remove it (the browser has exited). */
  remove(): void;
}

export async function createChromiumProfile(): Promise<ChromiumProfile> {
  await removeStaleProfiles();
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  let removed = false;
  return {
    dir,
    remove() {
      if (removed) return;
      removed = true;
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // A helper of a killed Chromium (crashpad) may still write into it: try again shortly,
        // never throwing from an exit handler; what is left, the next build's sweep removes.
        void rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined);
      }
    },
  };
}

/** The profiles of presswork processes that no longer run: at each launch, and when a build starts. */
export async function removeStaleProfiles(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const pid = NAME.exec(name)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}
