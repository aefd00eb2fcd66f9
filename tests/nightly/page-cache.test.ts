import { mkdtemp, readdir, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPageCache } from '../../src/pipeline/page-cache.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hashOf = (n: number) => n.toString(16).padStart(64, '0');
const meta = { copyfit: [{ story: 'lead', overset: { chars: 0 } }], handover: { lead: '<p>续</p>' } };

async function pdfFile(name: string, body = 'x'.repeat(100)): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `%PDF-1.7\n${body}\n%%EOF\n`);
  return path;
}

describe('createPageCache', () => {
  it('misses an unknown hash, then hits with the PDF and meta it stored', async () => {
    const cache = createPageCache<typeof meta>(join(dir, '.cache'));
    expect(await cache.lookup(hashOf(1))).toBeUndefined();
    const source = await pdfFile('A1.pdf');
    await cache.store(hashOf(1), source, meta);
    const hit = await cache.lookup(hashOf(1));
    expect(hit?.meta).toEqual(meta);
    expect(await readFile(hit!.pdf, 'utf8')).toBe(await readFile(source, 'utf8'));
    expect(hit!.pdf.startsWith(join(dir, '.cache'))).toBe(true);
    expect(await readdir(join(dir, '.cache', 'pages'))).toEqual([`${hashOf(1)}.json`, `${hashOf(1)}.pdf`]);
  });

  it('restores a hit to the pages folder atomically, and reports a miss as undefined', async () => {
    const cache = createPageCache(join(dir, '.cache'));
    await cache.store(hashOf(2), await pdfFile('A2.pdf'), meta);
    const dest = join(dir, 'out-A2.pdf');
    expect(await cache.restore(hashOf(2), dest)).toEqual(meta);
    expect((await readFile(dest, 'utf8')).startsWith('%PDF-')).toBe(true);
    expect(await cache.restore(hashOf(3), join(dir, 'none.pdf'))).toBeUndefined();
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('treats a truncated JSON, a missing or truncated PDF, or a foreign meta as a miss', async () => {
    const cache = createPageCache(join(dir, '.cache'));
    const pages = join(dir, '.cache', 'pages');
    for (const n of [1, 2, 3, 4, 5]) await cache.store(hashOf(n), await pdfFile(`p${n}.pdf`), meta);
    await truncate(join(pages, `${hashOf(1)}.json`), 10);
    await rm(join(pages, `${hashOf(2)}.pdf`));
    await truncate(join(pages, `${hashOf(3)}.pdf`), 20);
    await writeFile(join(pages, `${hashOf(4)}.json`), JSON.stringify({ format: 1, hash: hashOf(5), pdfBytes: 1, storedAt: '', meta: {} }));
    // Same size as the stored PDF, but not a PDF.
    await writeFile(join(pages, `${hashOf(5)}.pdf`), 'n'.repeat((await stat(join(pages, `${hashOf(5)}.pdf`))).size));
    for (const n of [1, 2, 3, 4, 5]) expect(await cache.lookup(hashOf(n)), `entry ${n}`).toBeUndefined();
    // A miss is repaired by storing again.
    await cache.store(hashOf(1), await pdfFile('again.pdf'), meta);
    expect(await cache.lookup(hashOf(1))).toBeDefined();
  });

  it('rejects a meta that fails its check, and a hash that is not one', async () => {
    const isMeta = (m: unknown): m is typeof meta => typeof m === 'object' && m !== null && 'handover' in m;
    const cache = createPageCache(join(dir, '.cache'), { isMeta });
    await cache.store(hashOf(1), await pdfFile('a.pdf'), meta);
    await cache.store(hashOf(2), await pdfFile('b.pdf'), { copyfit: [] } as unknown as typeof meta);
    expect(await cache.lookup(hashOf(1))).toBeDefined();
    expect(await cache.lookup(hashOf(2))).toBeUndefined();
    await expect(cache.lookup('../../etc/passwd')).rejects.toThrow(/Not a page hash/);
  });

  it('names the source file when storing fails', async () => {
    const cache = createPageCache(join(dir, '.cache'));
    await expect(cache.store(hashOf(1), join(dir, 'missing.pdf'), meta)).rejects.toThrow(/Cannot cache .*missing\.pdf/);
    expect(await cache.lookup(hashOf(1))).toBeUndefined();
  });

  it('prunes least recently used entries beyond the size limit and entries past the age limit', async () => {
    const cacheDir = join(dir, '.cache');
    const pages = join(cacheDir, 'pages');
    const setup = createPageCache(cacheDir);
    for (const n of [1, 2, 3, 4]) await setup.store(hashOf(n), await pdfFile(`p${n}.pdf`, 'y'.repeat(1000)), meta);
    const entryBytes = (await stat(join(pages, `${hashOf(1)}.pdf`))).size + (await stat(join(pages, `${hashOf(1)}.json`))).size;
    const ago = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);
    // Last used: 1 a month ago, 2 three days ago, 3 two days ago, 4 one day ago; then 2 is hit now.
    for (const [n, days] of [[1, 30], [2, 3], [3, 2], [4, 1]] as const) await utimes(join(pages, `${hashOf(n)}.json`), ago(days), ago(days));
    const cache = createPageCache(cacheDir, { maxAgeDays: 14, maxBytes: 2 * entryBytes + 10 });
    expect(await cache.lookup(hashOf(2))).toBeDefined();
    // A dead store's leftovers, old enough to go.
    await writeFile(join(pages, `${hashOf(9)}.pdf.tmp-1-abcd1234`), 'half');
    await utimes(join(pages, `${hashOf(9)}.pdf.tmp-1-abcd1234`), ago(1), ago(1));
    const result = await cache.prune();
    expect(result.removed).toBe(2);
    expect(result.keptBytes).toBe(2 * entryBytes);
    expect(await cache.lookup(hashOf(1))).toBeUndefined(); // too old
    expect(await cache.lookup(hashOf(3))).toBeUndefined(); // least recently used beyond the limit
    expect(await cache.lookup(hashOf(2))).toBeDefined();
    expect(await cache.lookup(hashOf(4))).toBeDefined();
    expect((await readdir(pages)).sort()).toEqual([`${hashOf(2)}.json`, `${hashOf(2)}.pdf`, `${hashOf(4)}.json`, `${hashOf(4)}.pdf`]);
  });

  it('prunes an empty or absent cache without complaint', async () => {
    expect(await createPageCache(join(dir, 'nothing')).prune()).toEqual({ removed: 0, removedBytes: 0, keptBytes: 0 });
  });
});
