import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathFor } from '../util/atomic-write.js';
import { runTool } from '../util/run-tool.js';
import { codeFile } from '../util/package-root.js';
import { FontRefusal, type FontFacts } from './inspect-font.js';

const SCRIPT = codeFile('fonts', 'to-truetype.py');

/**
 * The Python that has Debian's fontTools (python3-fonttools): /usr/bin/python3, not a pyenv
 * or virtualenv `python3` earlier on the PATH. PRESSWORK_PYTHON overrides.
 */
export function fontToolsPython(): string {
  return process.env.PRESSWORK_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** A CJK font of 65 000 glyphs takes about a minute of CPU through cu2qu (8 min at load 25 on 2 cores). */
const CONVERT_TIMEOUT_MS = 20 * 60_000;

/**
 * The supplied face as a plain TrueType file Chromium embeds as CID TrueType: the file itself
 * when it already is one, else a conversion (CFF outlines through cu2qu, a collection's face
 * taken out, WOFF2 unpacked) cached by content under `cacheDir`.
 */
export async function truetypeFile(path: string, bytes: Uint8Array, facts: FontFacts, cacheDir: string): Promise<string> {
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if ((tag === '\0\u0001\0\0' || tag === 'true') && facts.outlines === 'truetype') return path;
  const key = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const target = join(cacheDir, `${key}-${facts.faceIndex}.ttf`);
  if (await stat(target).then((s) => s.size > 0, () => false)) return target;
  await mkdir(cacheDir, { recursive: true });
  const temp = tempPathFor(target);
  try {
    await runTool(fontToolsPython(), [SCRIPT, path, String(facts.faceIndex), temp], { timeoutMs: CONVERT_TIMEOUT_MS });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    const detail = (error as Error).message.split('\n').filter(Boolean).pop() ?? '';
    const what = facts.outlines === 'cff' ? 'is refused: its CFF outlines could not be converted to TrueType' : 'is refused: it could not be unpacked to a TrueType file';
    throw new FontRefusal(`${what} with fontTools (${detail.trim()}); supply a TrueType (glyf) TTF instead`);
  }
  return target;
}
