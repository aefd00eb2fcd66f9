import type { PlateMaker } from './make-plates.js';

/**
 * A plate maker whose module is imported when first used, and with it the plate thread
 * (plate-thread.ts), whose start and module loading (pdf-lib, pdfjs, sharp: ~0.4 s of CPU)
 * would otherwise compete with a fresh process's first page.
 */
export function deferredPlateMaker(load: () => Promise<PlateMaker>): PlateMaker {
  let maker: Promise<PlateMaker> | undefined;
  const loaded = () => (maker ??= load());
  return {
    // A failed import is reported by `finish`, which every build awaits.
    add: (pageId, pdf, hash, changesDir) => loaded().then((m) => m.add(pageId, pdf, hash, changesDir), () => undefined),
    finish: (order) => loaded().then((m) => m.finish(order)),
  };
}
