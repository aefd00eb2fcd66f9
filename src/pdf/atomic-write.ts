import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** Temp name beside `path`, so the rename stays on one file system (and so is atomic). */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Write `data` to `path` so readers see either the old file or the whole new one, never
 * a half-written PDF: write a temp file beside it, then rename over.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Let `produce` write to a temp path (e.g. an external tool's output file), then rename it
 * to `path`. The temp file is removed if `produce` fails.
 */
export async function produceFileAtomic<T>(path: string, produce: (tempPath: string) => Promise<T>): Promise<T> {
  const temp = tempPathFor(path);
  try {
    const result = await produce(temp);
    await rename(temp, path);
    return result;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
