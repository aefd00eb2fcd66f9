import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { userCacheDir } from '../util/package-root.js';

/**
 * Whole woff2 faces decoded to TrueType (what harfbuzz subsets), kept in a cache folder
 * between builds: decoding takes 1.5 s of the main thread. WOFF files (the slug line's
 * slices, which pdf-lib embeds) are kept decoded the same way.
 *
 * A decode is named by its face and by what fixes the woff2's bytes: for a file of an npm
 * package, the package's name and version with the file's name and size (a published
 * version never changes, and every reinstall of it gives the same name, where the file's
 * mtime changes with each `npm ci`); for any other woff2 (a house font), a hash of its
 * bytes. Each use marks a decode as used (its mtime, at most once a day); writing a new
 * decode of a face, and that daily mark, remove the face's other decodes unused for a week,
 * which another checkout on the machine, of another font version, would have marked.
 */
const UNUSED_MS = 7 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Where the decodes are kept: they depend only on the font files, so in the user's cache
 * folder (XDG), once per machine, not once per output folder; never inside the package,
 * which may be read-only.
 */
export const DECODED_FONTS_DIR = userCacheDir('fonts');

/** The whole face as TrueType: its own file, a kept decode of its woff2 or woff, or the decoded bytes when they cannot be kept. */
export async function decodedFace(path: string, decodedDir: string): Promise<string | Buffer> {
  const format = /\.(woff2?)$/.exec(path)?.[1];
  if (!format) return path;
  // A woff's decodes are named apart from its woff2 twin's, so neither removes the other's.
  const face = format === 'woff2' ? basename(path, '.woff2') : `${basename(path, '.woff')}-woff`;
  const cached = join(decodedDir, `${face}.${await webFontKey(path)}.ttf`);
  const kept = await stat(cached).catch(() => undefined);
  if (kept?.isFile()) {
    if (Date.now() - kept.mtimeMs > DAY_MS) {
      await utimes(cached, new Date(), new Date()).catch(() => undefined);
      await removeUnusedDecodes(decodedDir, face, basename(cached)); // so once a day too
    }
    return cached;
  }
  const font = await decodeWebFont(await readFile(path));
  // A read-only cache only loses the shortcut: the next build decodes again.
  const written = await mkdir(decodedDir, { recursive: true })
    .then(() => writeFileAtomic(cached, font))
    .then(() => true, () => false);
  if (!written) return font;
  await removeUnusedDecodes(decodedDir, face, basename(cached));
  return cached;
}

/**
 * One decode at a time: wawoff2 (under fontverter) hands back a view of its own memory, which
 * a second decode running meanwhile overwrites (six of seven concurrent decodes came out
 * corrupt).
 */
let decoding: Promise<unknown> = Promise.resolve();

/** A woff2 or woff font as TrueType. */
export function decodeWebFont(font: Buffer): Promise<Buffer> {
  const decoded = decoding.then(async () => {
    const { convert } = await import('fontverter');
    return Buffer.from(await convert(font, 'truetype'));
  });
  decoding = decoded.catch(() => undefined);
  return decoded;
}

/** What names a web font's bytes: its npm package's name and version with its name and size, else its content. */
async function webFontKey(path: string): Promise<string> {
  const pkg = await owningPackage(path);
  const id = pkg ? `${pkg.name}@${pkg.version}\n${basename(path)}\n${(await stat(path)).size}` : `content\n${createHash('sha256').update(await readFile(path)).digest('hex')}`;
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

/** The npm package a file was installed with (`…/node_modules/[@scope/]name/…`), if any. */
async function owningPackage(path: string): Promise<{ name: string; version: string } | undefined> {
  const parts = path.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 2 >= parts.length) return undefined;
  const depth = parts[at + 1]!.startsWith('@') ? 3 : 2;
  if (at + depth >= parts.length) return undefined;
  const manifest = await readFile(join(parts.slice(0, at + depth).join(sep), 'package.json'), 'utf8').then(
    (text) => JSON.parse(text) as { name?: unknown; version?: unknown },
    () => undefined,
  );
  return typeof manifest?.name === 'string' && typeof manifest.version === 'string' ? { name: manifest.name, version: manifest.version } : undefined;
}

/**
 * The face's other decodes not used for a week: this key's (`<face>.<key>.ttf`) and the
 * earlier naming by size and mtime (`<face>-<size>-<mtime>.ttf`, never marked as used).
 * A build using one just removed decodes its woff2 again.
 */
async function removeUnusedDecodes(decodedDir: string, face: string, keep: string): Promise<void> {
  const ours = new RegExp(`^${face.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.[0-9a-f]{16}|-\\d+-\\d+)\\.ttf$`);
  const names = await readdir(decodedDir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name !== keep && ours.test(name))
      .map(async (name) => {
        const file = join(decodedDir, name);
        const info = await stat(file).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > UNUSED_MS) await rm(file, { force: true }).catch(() => undefined);
      }),
  );
}
