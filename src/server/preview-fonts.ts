import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/**
 * Serve the font packages with a year-long immutable cache. The fonts are split into
 * hundreds of small subset files; without caching every reload of a page refetches and
 * re-decodes them, which costs most of a second per save.
 */
export function createFontHandler(
  mounts: Record<string, string>,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => boolean {
  const handlers = Object.entries(mounts)
    .filter(([prefix]) => prefix.startsWith('/fonts/'))
    .map(([prefix, dir]) => ({ prefix, serve: sirv(dir, { maxAge: 31_536_000, immutable: true, dotfiles: false, etag: true }) }));
  return (req, res, next) => {
    const url = req.url ?? '/';
    const mount = handlers.find((h) => url.startsWith(`${h.prefix}/`));
    if (!mount) return false;
    req.url = url.slice(mount.prefix.length);
    mount.serve(req, res, () => {
      req.url = url;
      next();
    });
    return true;
  };
}
