import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ClientFile {
  type: string;
  body: string;
}

const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'preview-client');
const ENTRIES = ['index-page', 'page-view'];

/** The preview's browser code (index and page view) and its stylesheet, bundled once per server. */
export async function bundlePreviewClient(): Promise<Map<string, ClientFile>> {
  const result = await build({
    entryPoints: ENTRIES.map((name) => join(CLIENT_DIR, `${name}.ts`)),
    outdir: '/',
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, ClientFile>();
  for (const out of result.outputFiles) {
    files.set(out.path.split('/').pop()!, { type: 'text/javascript; charset=utf-8', body: out.text });
  }
  files.set('preview.css', { type: 'text/css; charset=utf-8', body: await readFile(join(CLIENT_DIR, 'preview.css'), 'utf8') });
  return files;
}
