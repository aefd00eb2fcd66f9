import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, lowest first. A module may import from its own layer and the ones
 * below it, never from one above: the page code (browser) knows nothing of Node, the
 * pipeline nothing of the preview server, and so on. Entry points (cli, bench, tools,
 * setup, bin) sit on top.
 */
const LAYERS = ['util', 'types', 'cjk', 'edition', 'fonts', 'markdown', 'templates', 'browser', 'render', 'pdf', 'report', 'pipeline', 'server', 'commands', 'cli', 'bench', 'tools', 'setup', 'bin'];
const TOP_LEVEL = 'cli';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function layerOf(srcRelative: string): string {
  const [first, ...rest] = srcRelative.split('/');
  return rest.length === 0 ? TOP_LEVEL : first!;
}

interface Import {
  file: string;
  from: string;
  to: string;
}

/** Every relative import in the given sources, as layer pairs. */
function importsOf(sources: Map<string, string>): Import[] {
  const found: Import[] = [];
  for (const [file, text] of sources) {
    for (const match of text.matchAll(SPECIFIER)) {
      const target = normalize(join(dirname(file), match[1]!));
      found.push({ file, from: layerOf(file), to: layerOf(target) });
    }
  }
  return found;
}

function upward(imports: Import[]): string[] {
  return imports.filter((i) => LAYERS.indexOf(i.to) > LAYERS.indexOf(i.from)).map((i) => `${i.file} (${i.from}) imports from ${i.to}`);
}

function readSources(dir: string, root = dir, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) readSources(path, root, out);
    else if (/\.(ts|mjs)$/.test(entry.name)) out.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
  }
  return out;
}

describe('import layers', () => {
  const sources = readSources('src');
  const imports = importsOf(sources);

  it('gives every folder of src/ a layer', () => {
    const folders = new Set([...sources.keys()].map(layerOf));
    expect([...folders].filter((f) => !LAYERS.includes(f))).toEqual([]);
    expect(sources.size).toBeGreaterThan(200);
    expect(imports.length).toBeGreaterThan(500);
  });

  it('has no module importing from a layer above its own', () => {
    expect(upward(imports)).toEqual([]);
  });

  it('catches an upward import, static or dynamic', () => {
    const bad = new Map([
      ['pipeline/build.ts', "import { startStaticServer } from '../server/static-server.js';"],
      ['edition/load.ts', "const { x } = await import('../templates/view-model.js');"],
      ['render/ok.ts', "import type { Edition } from '../edition/load-edition.js';"],
    ]);
    expect(upward(importsOf(bad))).toEqual(['pipeline/build.ts (pipeline) imports from server', 'edition/load.ts (edition) imports from templates']);
  });
});
