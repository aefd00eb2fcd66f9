import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import type { Edition, LoadedStory } from '../edition/load-edition.js';
import type { PageConfig } from '../edition/schema.js';
import { pagedjsVersion } from '../render/browser-assets.js';
import { FONT_FACES, fontPackageDir } from '../fonts/npm-fonts.js';
import { PACKAGE_ROOT, RUNNING_FROM_SOURCE } from '../util/package-root.js';

/**
 * A page's content hash: the cache key for its PDF. It covers everything that shapes the
 * page, so an equal hash means the PDF can be reused without starting a browser. When in
 * doubt an input is included: a needless re-render costs seconds, a stale page costs a
 * reprint.
 */

/** Bump when the meaning of the hash input changes, so old cache entries stop matching. */
export const PAGE_HASH_FORMAT = 2;

/** What every page of a build shares: presswork's version and code, templates, styles, fonts and tool versions. */
export interface BuildFingerprint {
  presswork: string;
  /** `chromium --version`; null when unknown (then it is simply not part of the key). */
  chromium: string | null;
  pagedjs: string;
  /** Font package → version. */
  fonts: Record<string, string>;
  /** Installed version of each of presswork's dependencies (what a lockfile pins in a clone). */
  dependencies: Record<string, string>;
  /** Digests of the templates and styles in use (path, size and bytes of every file). */
  templates: string;
  styles: string;
  /**
   * Digest of `src/` when running from a source checkout, where the code (Markdown
   * processing, CJK rules, layout, print options) changes without a version change; null
   * in the published package, whose version names its code.
   */
  source: string | null;
}

/** The edition-level settings a page shows or is laid out with (`print` only shapes plates). */
export interface EditionSettings {
  paper: string;
  date: string;
  number?: number;
  sponsor?: string;
  format: unknown;
  bleed: number;
  typography: unknown;
  credits: unknown;
  /** The masthead and folio may print the page count. */
  pageCount: number;
}

/** Everything that determines one page's PDF, as a plain object the caller fills. */
export interface PageHashInput {
  build: BuildFingerprint;
  edition: EditionSettings;
  /** The page's entry in edition.yaml. */
  page: unknown;
  /** The house style's fonts and the fallback font (see FontSet.digest). */
  fonts?: string;
  /** Stories continued onto this page: source page id and the story's entry (its jump box). */
  incoming: { from: string; story: unknown }[];
  /** sha256 of each article and image the page shows, by path relative to the edition. */
  files: Record<string, string>;
  /** Continuation text handed over from jump source pages, by story id. */
  handover: Record<string, string>;
}

export function pageHash(input: PageHashInput): string {
  return sha256(`presswork-page/${PAGE_HASH_FORMAT}\n${canonicalJson(input)}`);
}

/** JSON with object keys sorted at every depth, so key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, '$'));
}

function sortKeys(value: unknown, at: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot hash ${value} at ${at}`);
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item, i) => (item === undefined ? null : sortKeys(item, `${at}[${i}]`)));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortKeys(item, `${at}.${key}`);
    }
    return out;
  }
  throw new TypeError(`Cannot hash a ${typeof value} at ${at}`);
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The build fingerprint plus a memoised file digest, shared by every page of a build. */
export interface HashInputs {
  build: BuildFingerprint;
  /** sha256 of a file's bytes, read once per build; an unreadable file hashes as its error. */
  fileDigest(path: string): Promise<string>;
}

export interface CollectHashInputsOptions {
  /** `chromium --version` (see commands/build.ts); it needs no running browser. */
  chromiumVersion?: string | null;
  pressworkVersion?: string;
  /** Defaults to presswork's package folder; tests point it at a fixture tree. */
  repoRoot?: string;
  /** Hash `src/` too (default: when running from source, see util/package-root.ts). */
  fromSource?: boolean;
}

/**
 * Read the repository-level inputs once. Call it once per build run and pass the result to
 * every edition: it is not cached across calls, so a long-lived process (preview, bench)
 * sees template and code edits on its next build.
 */
export async function collectHashInputs(options: CollectHashInputsOptions = {}): Promise<HashInputs> {
  const root = options.repoRoot ?? PACKAGE_ROOT;
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version?: string; dependencies?: Record<string, string> };
  const [templates, styles, source] = await Promise.all([
    treeDigest(join(root, 'templates')),
    treeDigest(join(root, 'styles')),
    (options.fromSource ?? RUNNING_FROM_SOURCE) ? treeDigest(join(root, 'src')) : null,
  ]);
  const build: BuildFingerprint = {
    presswork: options.pressworkVersion ?? manifest.version ?? '0.0.0',
    chromium: options.chromiumVersion ?? null,
    pagedjs: pagedjsVersion(),
    fonts: await fontVersions(),
    dependencies: await dependencyVersions(root, Object.keys(manifest.dependencies ?? {})),
    templates,
    styles,
    source,
  };
  const digests = new Map<string, Promise<string>>();
  const fileDigest = (path: string) => {
    let digest = digests.get(path);
    if (!digest) {
      digest = readFile(path).then(sha256, (error: NodeJS.ErrnoException) => `unreadable:${error.code ?? error.message}`);
      digests.set(path, digest);
    }
    return digest;
  };
  return { build, fileDigest };
}

/** The version of each dependency as Node resolves it from `root`, hoisted or nested. */
async function dependencyVersions(root: string, names: string[]): Promise<Record<string, string>> {
  const lookup = createRequire(join(root, 'package.json')).resolve.paths;
  const versions: Record<string, string> = {};
  for (const name of names.sort()) {
    const manifests = (lookup(name) ?? []).map((dir) => join(dir, name, 'package.json'));
    const found = await firstReadable(manifests);
    versions[name] = found ? ((JSON.parse(found) as { version?: string }).version ?? 'unknown') : 'missing';
  }
  return versions;
}

async function firstReadable(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  return undefined;
}

async function fontVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const face of FONT_FACES) {
    const pkg = JSON.parse(await readFile(join(fontPackageDir(face.pkg), 'package.json'), 'utf8')) as { version: string };
    versions[face.pkg] = pkg.version;
  }
  return versions;
}

/** Digest of a folder: relative path, size and content of every file, in sorted order. */
export async function treeDigest(dir: string, include: (relativePath: string) => boolean = () => true): Promise<string> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .filter((path) => !isScratch(path) && include(path))
      .sort();
  } catch (error) {
    throw new Error(`Cannot read ${dir} for the page hash: ${(error as Error).message}`);
  }
  const hash = createHash('sha256');
  for (const path of entries) {
    const bytes = await readFile(join(dir, path));
    hash.update(`${path.split(sep).join('/')}\0${bytes.length}\0${sha256(bytes)}\n`);
  }
  return hash.digest('hex');
}

/** Editor backups and our own temp files are not part of a tree. */
function isScratch(path: string): boolean {
  return path.split(sep).some((part) => part.startsWith('.')) || /(~|\.swp|\.tmp|\.tmp-\d+-[0-9a-f]+)$/.test(path);
}

export interface DescribePageOptions {
  /**
   * Absolute paths of the images a story uses. If only the edition-wide list is at hand,
   * return it for every story: correct, but any image change then re-renders every page.
   */
  images: (story: LoadedStory) => readonly string[];
  /** Continuation text handed to this page by its jump sources (their copyfit handover). */
  handover?: Record<string, string>;
}

/** Fill a page's hash input from the loaded edition. */
export async function describePage(inputs: HashInputs, edition: Edition, pageId: string, options: DescribePageOptions): Promise<PageHashInput> {
  const page = edition.pages.find((p) => p.config.id === pageId);
  if (!page) throw new Error(`No page ${pageId} in ${join(edition.dir, 'edition.yaml')}`);
  const incoming = edition.jumps.incoming(pageId);
  const files: Record<string, string> = {};
  for (const story of [...page.stories, ...incoming.map((i) => i.story)]) {
    // The text as loaded is what was rendered, so hash that rather than re-reading the file.
    files[relative(edition.dir, story.file.path)] = sha256(story.file.value ?? '');
    for (const image of options.images(story)) files[relative(edition.dir, image)] = await inputs.fileDigest(image);
  }
  // An ad's bytes as loaded are what gets placed: a replaced ad file re-renders its page.
  for (const ad of page.ads) files[relative(edition.dir, ad.path)] = sha256(ad.file.bytes);
  const storyIds = new Set(incoming.map((i) => i.story.id));
  const handover = Object.fromEntries(Object.entries(options.handover ?? {}).filter(([id]) => storyIds.has(id)));
  return {
    build: inputs.build,
    edition: editionSettings(edition),
    page: page.config satisfies PageConfig,
    incoming: incoming.map((i) => ({ from: i.from, story: i.story.config })),
    files,
    handover,
  };
}

export function editionSettings(edition: Edition): EditionSettings {
  const c = edition.config;
  return {
    paper: c.paper,
    date: c.date,
    number: c.number,
    sponsor: c.sponsor,
    format: c.format,
    bleed: c.bleed,
    typography: c.typography,
    credits: c.credits,
    pageCount: c.pages.length,
  };
}
