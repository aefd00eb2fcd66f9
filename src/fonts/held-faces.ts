import { open, stat } from 'node:fs/promises';
import { decodedFace } from './decoded-faces.js';
import { holdFace, type HeldFace } from './harfbuzz-subsetter.js';

/**
 * The whole faces loaded in harfbuzz, once per process: every page, and every build of a
 * `--watch` or preview session, subsets the same loaded face. A font file that changes
 * (size or mtime) is loaded again and its old face freed.
 */
const held = new Map<string, { identity: string; face: Promise<HeldFace> }>();

/** The whole face of a font file (woff2 decoded through `decodedDir`), loaded in harfbuzz. */
export async function heldFace(path: string, decodedDir: string): Promise<HeldFace> {
  const { size, mtimeMs } = await stat(path);
  const identity = `${size}\n${mtimeMs}`;
  // Per cache folder too: a build given its own folder fills it.
  const key = `${decodedDir}\n${path}`;
  const earlier = held.get(key);
  if (earlier?.identity === identity) return earlier.face;
  const face = loadFace(path, decodedDir);
  held.set(key, { identity, face });
  face.catch(() => {
    if (held.get(key)?.face === face) held.delete(key);
  });
  earlier?.face.then((f) => f.release(), () => undefined);
  return face;
}

async function loadFace(path: string, decodedDir: string): Promise<HeldFace> {
  const whole = await decodedFace(path, decodedDir);
  // A decode the cache could not keep stays in memory, to load again should the face move.
  if (typeof whole !== 'string') return holdFace(path, whole.byteLength, (target) => target.set(whole));
  // A kept decode another build removed in between is decoded again.
  return holdFile(path, whole).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT' || whole === path) throw error;
    const again = await decodedFace(path, decodedDir);
    return typeof again === 'string' ? holdFile(path, again) : holdFace(path, again.byteLength, (target) => target.set(again));
  });
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
