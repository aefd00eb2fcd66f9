#!/usr/bin/env node
// `npm run build` (and `prepack`): the publishable package. esbuild bundles the Node CLI into
// one file, dist/presswork.cjs (started by dist/cli.js, a copy of scripts/dist-cli.mjs), and the
// browser code (page layout, preview client) into dist/bundles/, so an install needs neither
// tsx nor esbuild; the files the code reads beside itself are copied under dist/ by their src/
// paths, and schema/*.schema.json are written from the zod schemas. Type errors are
// `npx tsc --noEmit`'s to find, not this build's.
import { build } from 'esbuild';
import { chmod, copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

await rm(dist, { recursive: true, force: true });

/**
 * The CLI as one CommonJS file (CommonJS: V8 can cache its compiled code on Node 20, see
 * dist-cli.mjs). Lazily imported modules stay lazy: esbuild runs a module's top level only
 * when its import() is reached. External: sharp (a native addon), and the packages that
 * read files beside their own code (fontverter: woff2's WebAssembly), and esbuild itself
 * (only the source checkout bundles anything at run time).
 */
const URL_NAME = '__pressworkBundleUrl';
const nodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() of an external package becomes a require(): the bundle runs as a vm.Script, whose
  // dynamic imports would need a loader callback that V8's code cache does not keep.
  supported: { 'dynamic-import': false },
  external: ['sharp', 'fontverter', 'esbuild'],
  define: { 'import.meta.url': URL_NAME },
  banner: { js: `const ${URL_NAME} = require('node:url').pathToFileURL(__filename).href;` },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
await build({ ...nodeBundle, entryPoints: [join(root, 'src', 'cli.ts')], outfile: join(dist, 'presswork.cjs') });
// The plate thread's entry (src/pipeline/plate-thread.ts), a bundle of its own beside the CLI's.
await build({ ...nodeBundle, entryPoints: [join(root, 'src', 'pipeline', 'plate-worker.ts')], outfile: join(dist, 'plate-worker.cjs') });
// Plain ASCII, no hashbang: V8 then keeps the 6 MB of source as one-byte text, which reads,
// hashes and checks against the code cache in a fraction of the time (a few regular
// expressions hold CJK characters, which esbuild leaves as they are).
const bundlePath = join(dist, 'presswork.cjs');
const escape = (c) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
const bundled = await readFile(bundlePath, 'utf8');
if (/\\[^\x00-\x7f]/u.test(bundled)) throw new Error('presswork.cjs has an escaped non-ASCII character, which a \\u escape would change');
await writeFile(bundlePath, bundled.replace(/^#!.*\n/, '').replace(/[^\x00-\x7f]/gu, escape));
await copyFile(join(root, 'scripts', 'dist-cli.mjs'), join(dist, 'cli.js'));
await chmod(join(dist, 'cli.js'), 0o755);

// Files the code reads beside itself (the preview's stylesheet, the font converter script).
for (const entry of await readdir(join(root, 'src'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || /\.(ts|mjs|md)$/.test(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  await cp(from, join(dist, relative(join(root, 'src'), from)));
}

// The build's own steps, from the sources: the browser bundles and the JSON Schemas.
const steps = join(dist, '.build-steps.mjs');
await build({
  stdin: {
    contents: [
      "export { bundleWithEsbuild, bundleDir } from './src/util/browser-bundle.ts';",
      "export { LAYOUT_BUNDLE } from './src/render/browser-assets.ts';",
      "export { PREVIEW_CLIENT_BUNDLE } from './src/server/preview-client-bundle.ts';",
      "export { writeJsonSchemas } from './src/edition/json-schema.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  outfile: steps,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
try {
  const { bundleWithEsbuild, bundleDir, LAYOUT_BUNDLE, PREVIEW_CLIENT_BUNDLE, writeJsonSchemas } = await import(pathToFileURL(steps).href);
  for (const spec of [LAYOUT_BUNDLE, PREVIEW_CLIENT_BUNDLE]) {
    const dir = bundleDir(spec, root);
    await mkdir(dir, { recursive: true });
    for (const [name, text] of await bundleWithEsbuild(spec, root)) await writeFile(join(dir, name), text);
  }
  await writeJsonSchemas(join(root, 'schema'));
} finally {
  await rm(steps, { force: true });
}
process.stderr.write(`presswork: built ${relative(process.cwd(), dist) || '.'}/ and schema/\n`);
