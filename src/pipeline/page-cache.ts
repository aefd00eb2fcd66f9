import { copyFile, mkdir, open, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { produceFileAtomic, writeFileAtomic } from '../util/atomic-write.js';

/**
 * Rendered page PDFs by content hash (see page-hash.ts), so an unchanged page is reused
 * without a browser. Layout: `<dir>/pages/<hash>.pdf` and `<hash>.json` beside it; the JSON
 * is written last, so an entry exists only once its PDF is whole.
 *
 * Bounds: least recently used first, by the JSON's mtime (touched on every hit). Entries
 * unused for `maxAgeDays` go, then the oldest until the cache fits `maxBytes`. Not "the last
 * N builds": editions share one cache, so a build counter would age one edition's pages by
 * another's builds; and since the date is part of every page's hash, yesterday's pages
 * never hit again and age out on their own.
 */

export interface CacheEntry<M> {
  /** The cached PDF: copy it out (or use `restore`), never hand this path to a writer. */
  pdf: string;
  meta: M;
  storedAt: string;
}

export interface PageCacheOptions<M> {
  /** Default 1 GiB (a broadsheet page is ~0.4 MB, so some 25 builds of 96 pages). */
  maxBytes?: number;
  /** Default 14 days. */
  maxAgeDays?: number;
  /** Check the meta's shape; an entry that fails is a miss. */
  isMeta?: (meta: unknown) => meta is M;
}

export interface PruneResult {
  removed: number;
  removedBytes: number;
  keptBytes: number;
}

export interface PageCache<M> {
  readonly dir: string;
  lookup(hash: string): Promise<CacheEntry<M> | undefined>;
  /** Copy a hit to `dest` atomically; the meta on success, undefined on a miss or a failed copy. */
  restore(hash: string, dest: string): Promise<M | undefined>;
  /** Copy `pdfPath` in and write `meta` beside it. Rejects with the file at fault. */
  store(hash: string, pdfPath: string, meta: M): Promise<void>;
  prune(): Promise<PruneResult>;
}

const FORMAT = 1;
const HASH = /^[0-9a-f]{64}$/;
const ENTRY_FILE = /^([0-9a-f]{64})\.(pdf|json)$/;
/** Leftovers of a store that died (or is still running in another process) are kept this long. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

interface Envelope {
  format: number;
  hash: string;
  pdfBytes: number;
  storedAt: string;
  meta: unknown;
}

export function createPageCache<M = Record<string, unknown>>(dir: string, options: PageCacheOptions<M> = {}): PageCache<M> {
  const pagesDir = join(dir, 'pages');
  const maxBytes = options.maxBytes ?? 1024 ** 3;
  const maxAgeMs = (options.maxAgeDays ?? 14) * DAY_MS;
  const paths = (hash: string) => {
    if (!HASH.test(hash)) throw new Error(`Not a page hash: ${JSON.stringify(hash)} (expected 64 hex digits)`);
    return { pdf: join(pagesDir, `${hash}.pdf`), json: join(pagesDir, `${hash}.json`) };
  };

  const lookup = async (hash: string): Promise<CacheEntry<M> | undefined> => {
    const { pdf, json } = paths(hash);
    try {
      const envelope = JSON.parse(await readFile(json, 'utf8')) as Partial<Envelope> | null;
      if (!isEnvelope(envelope, hash)) return undefined;
      if (options.isMeta && !options.isMeta(envelope.meta)) return undefined;
      if ((await stat(pdf)).size !== envelope.pdfBytes || !(await startsWithPdfHeader(pdf))) return undefined;
      const now = new Date();
      await utimes(json, now, now).catch(() => undefined); // last use, for pruning
      return { pdf, meta: envelope.meta as M, storedAt: envelope.storedAt };
    } catch {
      // Missing, truncated or unreadable: a miss. The next store overwrites it.
      return undefined;
    }
  };

  return {
    dir,
    lookup,
    async restore(hash, dest) {
      const hit = await lookup(hash);
      if (!hit) return undefined;
      try {
        await produceFileAtomic(dest, (temp) => copyFile(hit.pdf, temp));
        return hit.meta;
      } catch {
        return undefined; // pruned by another build in between, or the copy failed: render it
      }
    },
    async store(hash, pdfPath, meta) {
      const { pdf, json } = paths(hash);
      try {
        await mkdir(pagesDir, { recursive: true });
        await produceFileAtomic(pdf, (temp) => copyFile(pdfPath, temp));
        const envelope: Envelope = { format: FORMAT, hash, pdfBytes: (await stat(pdf)).size, storedAt: new Date().toISOString(), meta };
        await writeFileAtomic(json, `${JSON.stringify(envelope)}\n`);
      } catch (error) {
        throw new Error(`Cannot cache ${pdfPath} as ${pdf}: ${(error as Error).message}`);
      }
    },
    prune: () => pruneCache(pagesDir, maxBytes, maxAgeMs),
  };
}

function isEnvelope(value: Partial<Envelope> | null, hash: string): value is Envelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    value.format === FORMAT &&
    value.hash === hash &&
    typeof value.pdfBytes === 'number' &&
    typeof value.storedAt === 'string' &&
    typeof value.meta === 'object' &&
    value.meta !== null
  );
}

async function startsWithPdfHeader(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    return bytesRead === 5 && buffer.toString('latin1') === '%PDF-';
  } finally {
    await handle.close();
  }
}

interface Found {
  hash: string;
  pdf?: { size: number; mtimeMs: number };
  json?: { size: number; mtimeMs: number };
}

async function pruneCache(pagesDir: string, maxBytes: number, maxAgeMs: number): Promise<PruneResult> {
  const result: PruneResult = { removed: 0, removedBytes: 0, keptBytes: 0 };
  let names: string[];
  try {
    names = await readdir(pagesDir);
  } catch {
    return result; // no cache yet
  }
  const now = Date.now();
  const entries = new Map<string, Found>();
  for (const name of names) {
    const info = await stat(join(pagesDir, name)).catch(() => undefined);
    if (!info?.isFile()) continue;
    const match = ENTRY_FILE.exec(name);
    if (!match) {
      // Temp files of a store that died; a running store renames its own within seconds.
      if (name.includes('.tmp-') && now - info.mtimeMs > ORPHAN_GRACE_MS) await rm(join(pagesDir, name), { force: true });
      continue;
    }
    const [, hash, kind] = match as unknown as [string, string, 'pdf' | 'json'];
    const found = entries.get(hash) ?? { hash };
    found[kind] = { size: info.size, mtimeMs: info.mtimeMs };
    entries.set(hash, found);
  }
  const remove = async (entry: Found) => {
    // The JSON first: without it the entry is a miss, so a reader never gets a half-removed one.
    await rm(join(pagesDir, `${entry.hash}.json`), { force: true });
    await rm(join(pagesDir, `${entry.hash}.pdf`), { force: true });
    result.removed += 1;
    result.removedBytes += (entry.pdf?.size ?? 0) + (entry.json?.size ?? 0);
  };
  const complete: (Found & { lastUsed: number; bytes: number })[] = [];
  for (const entry of entries.values()) {
    if (entry.pdf && entry.json) {
      complete.push({ ...entry, lastUsed: entry.json.mtimeMs, bytes: entry.pdf.size + entry.json.size });
    } else if (now - Math.max(entry.pdf?.mtimeMs ?? 0, entry.json?.mtimeMs ?? 0) > ORPHAN_GRACE_MS) {
      await remove(entry);
    }
  }
  complete.sort((a, b) => b.lastUsed - a.lastUsed);
  let full = false; // strictly least recently used: once one entry does not fit, all older go
  for (const entry of complete) {
    full ||= now - entry.lastUsed > maxAgeMs || result.keptBytes + entry.bytes > maxBytes;
    if (full) await remove(entry);
    else result.keptBytes += entry.bytes;
  }
  return result;
}

/** Whether the cache in `dir` holds any entry; when it holds none, every page will be rendered. */
export async function hasCachedPages(dir: string): Promise<boolean> {
  const names: string[] = await readdir(join(dir, 'pages')).catch(() => []);
  return names.some((name) => name.endsWith('.json'));
}
