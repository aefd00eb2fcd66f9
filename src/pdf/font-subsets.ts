import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One fontsource subset file and the code points it covers. */
export interface FontSubset {
  /** Subset key as fontsource names it, e.g. `[101]` or `latin`. */
  key: string;
  /** Absolute path of the font file. */
  file: string;
  /** CSS unicode-range, e.g. `U+4e00-4e0f,U+4e11`. */
  unicodeRange: string;
}

const require = createRequire(import.meta.url);

interface RangeTable {
  dir: string;
  ranges: { key: string; range: string; spans: Array<[number, number]> }[];
}

// A package's unicode.json is read once per process: slug lines look characters up one by one.
const tables = new Map<string, RangeTable>();

function rangeTable(pkg: string): RangeTable {
  let table = tables.get(pkg);
  if (!table) {
    const dir = dirname(require.resolve(`${pkg}/package.json`));
    const json = JSON.parse(readFileSync(join(dir, 'unicode.json'), 'utf8')) as Record<string, string>;
    table = { dir, ranges: Object.entries(json).map(([key, range]) => ({ key, range, spans: parseRange(range) })) };
    tables.set(pkg, table);
  }
  return table;
}

function parseRange(range: string): Array<[number, number]> {
  return range.split(',').map((part) => {
    const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-');
    const start = Number.parseInt(lo!, 16);
    return [start, hi === undefined ? start : Number.parseInt(hi, 16)];
  });
}

/**
 * The fontsource subset files of `pkg` at `weight` that together cover `text`.
 * Fontsource splits CJK fonts into ~100 files by unicode-range (listed in unicode.json);
 * we pick only those needed so embedding stays small. Characters no subset covers are
 * returned in `missing`.
 */
export function findFontSubsets(
  pkg: string,
  text: string,
  { weight = 400, format = 'woff2' }: { weight?: number; format?: 'woff' | 'woff2' } = {},
): { subsets: FontSubset[]; missing: string[] } {
  const { dir, ranges } = rangeTable(pkg);
  const name = pkg.split('/').pop()!;
  const chosen = new Map<string, FontSubset>();
  const missing: string[] = [];
  for (const char of new Set(text)) {
    const cp = char.codePointAt(0)!;
    if (cp < 0x20) continue;
    const hit = ranges.find((r) => r.spans.some(([lo, hi]) => cp >= lo && cp <= hi));
    if (!hit) {
      missing.push(char);
      continue;
    }
    if (!chosen.has(hit.key)) {
      const id = hit.key.replace(/^\[(\d+)\]$/, '$1');
      chosen.set(hit.key, {
        key: hit.key,
        file: join(dir, 'files', `${name}-${id}-${weight}-normal.${format}`),
        unicodeRange: hit.range,
      });
    }
  }
  return { subsets: [...chosen.values()], missing };
}
