import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sirv from 'sirv';

/** A short hash of the page assets (styles, fonts.css, Paged.js, layout.js): part of their URL. */
export async function assetVersion(assetsDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(assetsDir)).sort()) {
    hash.update(name).update(await readFile(join(assetsDir, name)));
  }
  return hash.digest('hex').slice(0, 10);
}

const VERSIONED = /^\/assets\/[0-9a-f]{6,40}(\/.*)$/;

/**
 * Serve `/assets/<version>/<file>` with a year-long immutable cache. The version changes
 * whenever a style changes, so each page reload costs no revalidation round trips, and a
 * style edit still reaches every tab (the page documents name the new version).
 */
export function createAssetHandler(assetsDir: string): (req: IncomingMessage, res: ServerResponse, next: () => void) => boolean {
  const serve = sirv(assetsDir, { dev: true, maxAge: 31_536_000, immutable: true, dotfiles: false, etag: true });
  return (req, res, next) => {
    const url = req.url ?? '/';
    const match = VERSIONED.exec(url);
    if (!match) return false;
    req.url = match[1]!;
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    serve(req, res, () => {
      req.url = url;
      res.removeHeader('Cache-Control');
      next();
    });
    return true;
  };
}
