import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { VFile } from 'vfile';
import { parseYamlWithSchema, reportError } from '../edition/parse-yaml.js';
import { isWithin, PathEscapeError, resolveInside } from '../edition/paths.js';
import { readTextFile, TextFileError } from '../edition/read-text-file.js';
import { houseSchema, type FontFileConfig, type HouseConfig } from '../edition/house-schema.js';
import { embeddingProblem, FontRefusal, inspectFont, type FontFacts } from './inspect-font.js';
import { truetypeFile } from './truetype-file.js';

/** One font file of the house style that passed its checks. */
export interface HouseFace {
  role: string;
  /** The weight it serves; every weight when absent. */
  weight?: number;
  /** A TrueType-outline file (the supplied one, or its conversion): what pages embed. */
  path: string;
  /** The file as house.yaml names it, for messages. */
  source: string;
  facts: FontFacts;
  /** Where house.yaml names it. */
  place: { line: number; column: number };
  /** sha256 of the supplied file. */
  hash: string;
}

export interface HouseStyle {
  /** house.yaml, carrying its messages; absent when the paper has none. */
  file?: VFile;
  faces: HouseFace[];
  copy: HouseConfig['copy'];
  /** Digest of house.yaml and every face's bytes: part of each page's cache key. */
  digest: string;
}

/** Larger than any CJK font a paper supplies (BabelStone Han is 51 MB), small enough to read. */
const MAX_FONT_BYTES = 128 * 1024 * 1024;

const DEFAULT_COPY = houseSchema.parse({}).copy;

/**
 * The paper's house style: `house:` in edition.yaml (a path relative to the edition folder
 * that stays inside the folder holding the editions), else `house.yaml` in the edition
 * folder, else beside the editions. Every font it names is checked as it loads; a refused
 * font is an error at its line and its role keeps the npm font.
 */
export async function loadHouseStyle(editionDir: string, editionFile: VFile, reference: string | undefined, cacheDir: string): Promise<HouseStyle> {
  const none: HouseStyle = { faces: [], copy: DEFAULT_COPY, digest: 'none' };
  const path = reference === undefined ? await findHouseFile(editionDir) : namedHouseFile(editionDir, editionFile, reference);
  if (!path) return none;
  const file = new VFile({ path });
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    if (!(error instanceof TextFileError)) throw error;
    reportError(editionFile, `House style \`${reference ?? relative(editionDir, path)}\` ${error.message}`, { place: housePlace(editionFile), ruleId: 'house-style' });
    return none;
  }
  file.value = text;
  const { data, locate } = parseYamlWithSchema(file, text, houseSchema);
  if (!data) return { ...none, file };
  const faces: HouseFace[] = [];
  const digest = createHash('sha256').update(text);
  for (const [role, value] of Object.entries(data.fonts)) {
    const entries = (Array.isArray(value) ? value : [value]).map((entry) => (typeof entry === 'string' ? { file: entry } : entry));
    for (const [index, entry] of entries.entries()) {
      const yamlPath = Array.isArray(value) ? ['fonts', role, index] : ['fonts', role];
      const place = locate(typeof (Array.isArray(value) ? value[index] : value) === 'string' ? yamlPath : [...yamlPath, 'file']);
      const face = await loadFace(dirname(path), role, entry, place, cacheDir).catch((error: unknown) => {
        if (!(error instanceof FontRefusal || error instanceof PathEscapeError)) throw error;
        const reason = error instanceof PathEscapeError ? `is refused: a font must be a path inside house.yaml's folder (${error.message})` : error.message;
        reportError(file, `Font \`${entry.file}\` (\`fonts.${role}\`) ${reason}; ${fallbackNote(role)}`, { place, ruleId: 'house-font' });
        return undefined;
      });
      if (!face) continue;
      digest.update(`${role}\0${entry.weight ?? ''}\0${face.facts.faceIndex}\0${face.hash}\n`);
      faces.push(face);
    }
  }
  return { file, faces, copy: data.copy, digest: digest.digest('hex') };
}

function fallbackNote(role: string): string {
  return ['body', 'heading', 'kai'].includes(role) ? `the ${role} text is set in presswork's npm font until the house supplies a usable one` : `the ${role} text is set in the heading font until the house supplies a usable one`;
}

/**
 * Checked faces by file, face and cache folder: the preview reads the house style on every
 * save, and a 20 MB font need not be parsed again while its file is unchanged.
 */
const checked = new Map<string, Promise<Omit<HouseFace, 'role' | 'weight' | 'source' | 'place'>>>();

async function loadFace(houseDir: string, role: string, entry: FontFileConfig, place: HouseFace['place'], cacheDir: string): Promise<HouseFace> {
  const path = resolveInside(houseDir, entry.file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new FontRefusal(`is refused: it does not exist beside house.yaml (${relative(houseDir, path) || entry.file})`);
  if (info.size > MAX_FONT_BYTES) throw new FontRefusal(`is refused: it is ${Math.round(info.size / 1048576)} MB, over the ${MAX_FONT_BYTES / 1048576} MB a font may be`);
  const key = [path, info.size, info.mtimeMs, entry.face ?? '', cacheDir].join('\0');
  let face = checked.get(key);
  if (!face) {
    face = checkFace(path, entry, cacheDir);
    checked.set(key, face);
    face.catch(() => checked.delete(key));
  }
  return { ...(await face), role, weight: entry.weight, source: entry.file, place };
}

async function checkFace(path: string, entry: FontFileConfig, cacheDir: string): Promise<Omit<HouseFace, 'role' | 'weight' | 'source' | 'place'>> {
  const bytes = await readFile(path);
  const supplied = await inspectFont(bytes, entry.face);
  const problem = embeddingProblem(supplied);
  if (problem) throw new FontRefusal(`is refused: ${problem}`);
  const ttf = await truetypeFile(path, bytes, supplied, cacheDir);
  // What pages embed is checked too: the conversion must have left TrueType outlines.
  const facts = ttf === path ? supplied : await inspectFont(await readFile(ttf));
  if (facts.outlines !== 'truetype') throw new FontRefusal('is refused: it did not come out of the conversion with TrueType outlines');
  const hash = createHash('sha256').update(bytes).digest('hex');
  return { path: ttf, hash, facts: { ...facts, postscriptName: facts.postscriptName || supplied.postscriptName, faceIndex: supplied.faceIndex } };
}

async function findHouseFile(editionDir: string): Promise<string | undefined> {
  for (const candidate of [join(editionDir, 'house.yaml'), join(dirname(editionDir), 'house.yaml')]) {
    if ((await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}

/** `house: ../house.yaml`: relative to the edition folder, inside the folder of the editions. */
function namedHouseFile(editionDir: string, editionFile: VFile, reference: string): string | undefined {
  const root = dirname(resolve(editionDir));
  const target = resolve(editionDir, reference);
  const escapes = isAbsolute(reference) || reference.includes('\0') || !isWithin(root, target) || !realWithin(root, target);
  if (escapes) {
    reportError(editionFile, `House style \`${reference}\` must be a path relative to the edition folder that stays inside ${relative(process.cwd(), root) || root} (the folder of the editions)`, {
      place: housePlace(editionFile),
      ruleId: 'path-escape',
    });
    return undefined;
  }
  return target;
}

function realWithin(root: string, target: string): boolean {
  try {
    return isWithin(realpathSync(root), realpathSync(target));
  } catch {
    return true; // missing: reported when it is read
  }
}

/** The `house:` line of edition.yaml. */
function housePlace(editionFile: VFile): { line: number; column: number } | undefined {
  const lines = String(editionFile.value ?? '').split('\n');
  const line = lines.findIndex((l) => /^house\s*:/.test(l));
  return line < 0 ? undefined : { line: line + 1, column: 1 };
}
