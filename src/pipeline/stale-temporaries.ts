import { readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { TEMP_NAME } from '../util/atomic-write.js';
import { processAlive } from '../util/output-lock.js';

/**
 * Remove the temp files of writers that no longer run: the ones a killed build left in
 * `<out>/.cache/tmp/<host>`, and those older builds wrote beside their targets (plates/, pages/…),
 * where an upload of the folder would pick them up. A live writer's files are left alone.
 * Returns the removed paths relative to `out`, for the report.
 */
export async function removeStaleTemporaries(out: string, folders: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of folders) {
    const names = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
    for (const name of names) {
      const pid = TEMP_NAME.exec(name)?.[1];
      if (pid === undefined || processAlive(Number(pid))) continue;
      await rm(join(folder, name), { force: true });
      removed.push(relative(out, join(folder, name)));
    }
  }
  return removed.sort();
}
