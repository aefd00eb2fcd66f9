import { open, stat } from 'node:fs/promises';
import { decodedFace } from './decoded-faces.js';
import { holdFace, type HeldFace } from './harfbuzz-subsetter.js';

/**
 * The whole faces loaded in harfbuzz, once per process: every page, and every build of a
 * `--watch` or preview session, subsets the same loaded face. A font file that changes
 * (size or mtime) is loaded again and its old face freed; beyond `HELD_BYTES` of faces (a
 * session building editions with house fonts of their own) the least recently used go.
 */
interface Held {
  identity: string;
  face: Promise<HeldFace>;
  /** The face once loaded. */
  loaded?: HeldFace;
  used: number;
}

const held = new Map<string, Held>();
let clock = 0;

/** The npm faces and the fallback font are 100 MB: room for them and a few house styles' fonts. */
export const HELD_BYTES = 320 * 1024 * 1024;

/** The whole face of a font file (woff2 decoded through `decodedDir`), loaded in harfbuzz. */
export async function heldFace(path: string, decodedDir: string, limitBytes = HELD_BYTES): Promise<HeldFace> {
  const { size, mtimeMs } = await stat(path);
  const identity = `${size}\n${mtimeMs}`;
  // Per cache folder too: a build given its own folder fills it.
  const key = `${decodedDir}\n${path}`;
  const earlier = held.get(key);
  if (earlier?.identity === identity) {
    earlier.used = ++clock;
    return earlier.face;
  }
  const face = loadFace(path, decodedDir);
  const entry: Held = { identity, face, used: ++clock };
  held.set(key, entry);
  face.then(
    (loaded) => {
      entry.loaded = loaded;
      freeLeastUsed(entry, limitBytes);
    },
    () => {
      if (held.get(key)?.face === face) held.delete(key);
    },
  );
  earlier?.face.then((f) => f.release(), () => undefined);
  return face;
}

/** Frees the least recently used faces (never `keep`, the one just loaded) until the loaded ones fit in `limit` bytes. */
function freeLeastUsed(keep: Held, limit: number): void {
  const loaded = [...held].filter(([, entry]) => entry.loaded);
  let total = loaded.reduce((sum, [, entry]) => sum + entry.loaded!.bytes, 0);
  for (const [key, entry] of loaded.sort((a, b) => a[1].used - b[1].used)) {
    if (total <= limit) break;
    if (entry === keep) continue;
    held.delete(key);
    entry.loaded!.release();
    total -= entry.loaded!.bytes;
  }
}

async function loadFace(path: string, decodedDir: string): Promise<HeldFace> {
  const whole = await decodedFace(path, decodedDir);
  // A decode the cache could not keep stays in memory, to load again should the face move.
  if (typeof whole !== 'string') return holdBytes(path, whole);
  // A kept decode another build removed in between is decoded again.
  return holdFile(path, whole).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT' || whole === path) throw error;
    const again = await decodedFace(path, decodedDir);
    return typeof again === 'string' ? holdFile(path, again) : holdBytes(path, again);
  });
}

/** Decoded bytes kept in memory, copied into harfbuzz's (again, should the face move). */
function holdBytes(path: string, bytes: Buffer): Promise<HeldFace> {
  return holdFace(path, bytes.byteLength, (target) => target.set(bytes));
}

/** A TrueType file read straight into harfbuzz's memory (again, should the face move). */
async function holdFile(path: string, file: string): Promise<HeldFace> {
  const { size } = await stat(file);
  return holdFace(path, size, async (target) => {
    const handle = await open(file, 'r');
    try {
      if ((await handle.stat()).size !== size) throw new Error(`${file}: the font file changed while it was read`);
      for (let read = 0; read < size; ) {
        const { bytesRead } = await handle.read(target, read, size - read, read);
        if (bytesRead === 0) throw new Error(`${file}: the font file got shorter while it was read`);
        read += bytesRead;
      }
    } finally {
      await handle.close();
    }
  });
}
