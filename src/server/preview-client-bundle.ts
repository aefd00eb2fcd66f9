import { readFile } from 'node:fs/promises';
import { loadBundle, type BundleSpec } from '../util/browser-bundle.js';
import { codeFile } from '../util/package-root.js';

export interface ClientFile {
  type: string;
  body: string;
}

const ENTRIES = ['index-page', 'page-view'];

export const PREVIEW_CLIENT_BUNDLE: BundleSpec = { name: 'preview-client', entries: ENTRIES.map((name) => `src/server/preview-client/${name}.ts`) };

/** The preview's browser code (index and page view) and its stylesheet, bundled once per server. */
export async function bundlePreviewClient(): Promise<Map<string, ClientFile>> {
  const files = new Map<string, ClientFile>();
  for (const [name, body] of await loadBundle(PREVIEW_CLIENT_BUNDLE)) files.set(name, { type: 'text/javascript; charset=utf-8', body });
  files.set('preview.css', { type: 'text/css; charset=utf-8', body: await readFile(codeFile('server', 'preview-client', 'preview.css'), 'utf8') });
  return files;
}
