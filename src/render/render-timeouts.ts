/** A page render's limit per stage. Its own module: the build configuration needs it without loading Puppeteer. */
export interface RenderTimeouts {
  navigationMs: number;
  /** Layout and Paged.js pagination together. */
  paginationMs: number;
  printMs: number;
}

export const DEFAULT_TIMEOUTS: RenderTimeouts = { navigationMs: 30_000, paginationMs: 60_000, printMs: 60_000 };
