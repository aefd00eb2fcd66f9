import { accessSync, constants } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { addExitCleanup } from '../util/exit-cleanup.js';
import { settleWithin } from '../util/settle-within.js';
import { createChromiumProfile } from './chromium-profile.js';
import { markOnce } from '../util/startup-timing.js';

/** Where we look for a system Chromium when PRESSWORK_CHROMIUM is not set. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

export class ChromiumNotFoundError extends Error {
  constructor(detail: string) {
    super(
      `${detail}. presswork needs a system Chromium: on Debian run ` +
        '`apt-get install -y chromium` (or `npm run setup`), or set PRESSWORK_CHROMIUM ' +
        'to the path of a Chromium or Chrome binary.',
    );
    this.name = 'ChromiumNotFoundError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium binary: PRESSWORK_CHROMIUM if set, else the first system one found. */
export function resolveChromium(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.PRESSWORK_CHROMIUM;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new ChromiumNotFoundError(`PRESSWORK_CHROMIUM=${explicit} is not an executable file`);
    }
    return explicit;
  }
  const found = CANDIDATES.find(isExecutable);
  if (!found) throw new ChromiumNotFoundError('No Chromium found');
  return found;
}

// Flags: headless as root, no background traffic (the machine's network is closed and
// we never want Chromium to call out), and no throttling of background tabs, so that
// Paged.js's requestAnimationFrame loop keeps running in every tab of the pool.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--font-render-hinting=none',
];

export interface LaunchOptions {
  /** Milliseconds to wait for the browser to start. */
  timeoutMs?: number;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  markOnce('browser-launch');
  const executablePath = resolveChromium();
  const profile = await createChromiumProfile();
  const launching = puppeteer.launch({
    executablePath,
    userDataDir: profile.dir,
    headless: true,
    args: FLAGS,
    timeout: options.timeoutMs ?? 30_000,
    protocolTimeout: 180_000,
    // DevTools over a pipe, not a WebSocket: Chromium quits when the pipe closes, so the
    // browser ends with its build however the build ends (even SIGKILL, which no handler sees).
    pipe: true,
    // Signals are presswork's (src/util/exit-cleanup.ts): Puppeteer's own handlers would close
    // the browser on SIGTERM and let the build go on without it, or exit on SIGINT before
    // the lock and temp files are removed.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const browser = await launching.catch((error: unknown) => {
    profile.remove();
    throw error;
  });
  markOnce('browser-ready');
  // Gone with the process, not at `disconnected`: Chromium still writes to it while it quits.
  const child = browser.process();
  const unregister = addExitCleanup(() => {
    // We are ending (a signal): end the browser first, so that it writes no more into its profile.
    if (child?.pid) killGroup(child.pid);
    profile.remove();
  });
  const gone = () => {
    unregister();
    profile.remove();
  };
  if (child) child.once('exit', gone);
  else browser.once('disconnected', gone);
  return browser;
}

/**
 * How long closing a tab or the browser may take. A frozen browser answers no CDP call, and
 * Puppeteer waits its protocol timeout (180 s) for each: a cancelled build would wait minutes.
 */
export const CLOSE_MS = 5_000;

/** Close a tab; one that does not close in time is left to its browser's close. */
export async function closeTab(page: Page): Promise<void> {
  await settleWithin(page.close().catch(() => undefined), CLOSE_MS);
}

/** Close the browser; one that does not close in time is killed with its processes. */
export async function closeBrowser(browser: Browser): Promise<void> {
  const closed = await settleWithin(browser.close().then(() => true, () => true), CLOSE_MS);
  const pid = browser.process()?.pid;
  if (!closed && pid) killGroup(pid);
}

/** Puppeteer starts Chromium as the leader of a process group of its own. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export interface LoopbackGuard {
  /** Requests we refused, as URLs. */
  blocked: string[];
}

/**
 * Let the page reach only `allowedOrigin` (our own 127.0.0.1 server) and data: URLs for
 * inline resources. Everything else is aborted and recorded so the build can warn.
 */
export async function restrictToOrigin(page: Page, allowedOrigin: string): Promise<LoopbackGuard> {
  const guard: LoopbackGuard = { blocked: [] };
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const url = request.url();
    if (url.startsWith(`${allowedOrigin}/`) || url.startsWith('data:') || url === 'about:blank') {
      void request.continue();
    } else {
      guard.blocked.push(url);
      void request.abort('blockedbyclient');
    }
  });
  return guard;
}
