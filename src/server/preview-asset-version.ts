import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A short hash of the page assets (styles, fonts.css, Paged.js, layout.js). It is part of
 * their URL in the preview's page documents, so the assets can be cached for good and a
 * style edit still reaches every tab: the documents then name a new version.
 */
export async function assetVersion(assetsDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(assetsDir)).sort()) {
    hash.update(name).update(await readFile(join(assetsDir, name)));
  }
  return hash.digest('hex').slice(0, 10);
}
