import { randomBytes } from 'node:crypto';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDirFor } from '../util/atomic-write.js';

/** Below this much free space a build is refused before it starts (override: PRESSWORK_MIN_FREE_MB). */
const DEFAULT_MIN_FREE_MB = 8;

export class OutputUnusableError extends Error {}

/**
 * Before any work: the output folder must take a file, and its disk must have room. A
 * read-only or full output folder is then one clear message, not a failure per page after
 * the browser has rendered them all.
 */
export async function checkOutputFolder(out: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Named like a temp file in the temp folder: should we die before removing it, the next build does.
  const tempDir = tempDirFor(out);
  const probe = join(tempDir, `write-test.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tempDir, { recursive: true });
    await writeFile(probe, 'presswork');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOSPC' ? 'its disk is full' : code === 'EROFS' ? 'it is on a read-only file system' : `writing there fails (${code})`;
    throw new OutputUnusableError(`The output folder ${out} cannot be used: ${why}; make room or make it writable, or build into another --out folder. Nothing was built`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  const minMb = Number(env.PRESSWORK_MIN_FREE_MB ?? DEFAULT_MIN_FREE_MB);
  const { bavail, bsize } = await statfs(out);
  const freeMb = (Number(bavail) * Number(bsize)) / 2 ** 20;
  if (freeMb < minMb) {
    throw new OutputUnusableError(
      `The output folder ${out} has ${freeMb.toFixed(1)} MB free, under the ${minMb} MB a build needs at least; make room or build into another --out folder. Nothing was built`,
    );
  }
}
