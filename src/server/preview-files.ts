import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/** Serves a request if it is for its folder (and says so), else leaves it to the next handler. */
export type FileHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => boolean;

export interface FolderOptions {
  /** The path inside the folder for a request path, or undefined when it is not for this folder. */
  match: (path: string) => string | undefined;
  dir: string;
  /** Cache for a year (the URL changes when the content does) or revalidate every time. */
  immutable: boolean;
}

/** Any path segment that starts with a dot: `.git`, `.env`, editors' swap files. */
const DOT_SEGMENT = /(^|\/)\./;

/**
 * One folder, read-only, behind a path matcher. Files are looked up on every request, so
 * edits show at once; dotfiles are never served (sirv ignores `dotfiles` in dev mode).
 * Traversal and methods are refused before this, by the static server.
 */
export function serveFolder(options: FolderOptions): FileHandler {
  const serve = sirv(options.dir, { dev: true, dotfiles: false, etag: true });
  return (req, res, next) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const inner = options.match(path);
    if (inner === undefined) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(inner);
    } catch {
      decoded = inner;
    }
    if (DOT_SEGMENT.test(decoded) || inner === '' || inner === '/') {
      next();
      return true;
    }
    req.url = inner;
    if (options.immutable) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    serve(req, res, () => {
      req.url = url;
      res.removeHeader('Cache-Control');
      next();
    });
    return true;
  };
}

/** `/prefix/rest` → `/rest`. */
export const underPrefix = (prefix: string) => (path: string) => (path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined);
