import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle, type BundleSpec } from '../util/browser-bundle.js';

export interface ClientFile {
  type: string;
  body: string;
}

const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'preview-client');
const ENTRIES = ['index-page', 'page-view'];

export const PREVIEW_CLIENT_BUNDLE: BundleSpec = { name: 'preview-client', entries: ENTRIES.map((name) => `src/server/preview-client/${name}.ts`) };

/** The preview's browser code (index and page view) and its stylesheet, bundled once per server. */
export async function bundlePreviewClient(): Promise<Map<string, ClientFile>> {
  const files = new Map<string, ClientFile>();
  for (const [name, body] of await loadBundle(PREVIEW_CLIENT_BUNDLE)) files.set(name, { type: 'text/javascript; charset=utf-8', body });
  files.set('preview.css', { type: 'text/css; charset=utf-8', body: await readFile(join(CLIENT_DIR, 'preview.css'), 'utf8') });
  return files;
}
