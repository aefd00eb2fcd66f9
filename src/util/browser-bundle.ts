import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PACKAGE_ROOT, RUNNING_FROM_SOURCE } from './package-root.js';

/** Browser code that esbuild bundles: at build time into dist/bundles/<name>/, or on demand from source. */
export interface BundleSpec {
  name: string;
  /** Entry files relative to the package root (under src/); each gives `<entry name>.js`. */
  entries: string[];
  /** Keep UTF-8 characters as they are instead of \u escapes. */
  utf8?: boolean;
}

/** Where the build puts a bundle's files. */
export const bundleDir = (spec: BundleSpec, root = PACKAGE_ROOT) => join(root, 'dist', 'bundles', spec.name);

const outputName = (entry: string) => `${basename(entry, '.ts')}.js`;

/** Bundle with esbuild (a dev dependency: only the source checkout and the package build need it). */
export async function bundleWithEsbuild(spec: BundleSpec, root = PACKAGE_ROOT): Promise<Map<string, string>> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: spec.entries.map((entry) => join(root, entry)),
    outdir: '/',
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    ...(spec.utf8 ? { charset: 'utf8' as const } : {}),
    write: false,
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((out) => [basename(out.path), out.text]));
}

/** A bundle's files by name: made now from source, or read as the package build wrote them. */
export async function loadBundle(spec: BundleSpec): Promise<Map<string, string>> {
  if (RUNNING_FROM_SOURCE) return bundleWithEsbuild(spec);
  const dir = bundleDir(spec);
  return new Map(await Promise.all(spec.entries.map(async (entry) => [outputName(entry), await readFile(join(dir, outputName(entry)), 'utf8')] as const)));
}
