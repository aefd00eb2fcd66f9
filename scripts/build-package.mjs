#!/usr/bin/env node
// `npm run build` (and `prepack`): the publishable package. Compiles src/ to dist/ with tsc,
// bundles the browser code (page layout, preview client) into dist/bundles/ with esbuild, so
// an install needs neither tsx nor esbuild, and writes schema/*.schema.json from the zod schemas.
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const load = (path) => import(pathToFileURL(join(dist, path)).href);

await rm(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', 2, 2] }); // stdout stays clean for `npm pack --json`
if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);

// Files the compiled code reads beside itself (the preview's stylesheet, the font converter script).
for (const entry of await readdir(join(root, 'src'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || /\.(ts|mjs|md)$/.test(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  await cp(from, join(dist, relative(join(root, 'src'), from)));
}

const { bundleWithEsbuild, bundleDir } = await load('util/browser-bundle.js');
const specs = [(await load('render/browser-assets.js')).LAYOUT_BUNDLE, (await load('server/preview-client-bundle.js')).PREVIEW_CLIENT_BUNDLE];
for (const spec of specs) {
  const dir = bundleDir(spec, root);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of await bundleWithEsbuild(spec, root)) await writeFile(join(dir, name), text);
}

await (await load('edition/json-schema.js')).writeJsonSchemas(join(root, 'schema'));
await chmod(join(dist, 'cli.js'), 0o755);
process.stderr.write(`presswork: built ${relative(process.cwd(), dist) || '.'}/ and schema/\n`);
