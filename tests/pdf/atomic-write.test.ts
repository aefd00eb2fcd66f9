import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { produceFileAtomic, registerTempDir, tempPathFor, writeFileAtomic } from '../../src/util/atomic-write.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pw-atomic-'));
    dirs.push(dir);
    const path = join(dir, 'a.pdf');
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.pdf']);
  });

  it('names temp files with pid and randomness, hidden beside a target outside every output root', () => {
    expect(tempPathFor('/x/a.pdf')).toMatch(new RegExp(`^/x/\\.a\\.pdf\\.tmp-${process.pid}-[0-9a-f]{8}$`));
  });

  it('writes the temp file of a target under a registered output root in its temp folder, never in the target folder', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pw-atomic-out-'));
    dirs.push(out);
    const plates = join(out, 'edition', 'plates');
    await mkdir(plates, { recursive: true });
    registerTempDir(out, join(out, '.cache', 'tmp'));
    let during: { temp: string; plates: string[] } | undefined;
    await produceFileAtomic(join(plates, 'p-A1.pdf'), async (temp) => {
      await writeFile(temp, 'plate');
      during = { temp, plates: await readdir(plates) };
    });
    expect(during?.temp).toMatch(new RegExp(`^${out}/\\.cache/tmp/p-A1\\.pdf\\.tmp-${process.pid}-[0-9a-f]{8}$`));
    expect(during?.plates).toEqual([]); // an upload of plates/ mid-write finds nothing half-made
    expect(await readdir(plates)).toEqual(['p-A1.pdf']);
    expect(await readdir(join(out, '.cache', 'tmp'))).toEqual([]);
  });

  it('keeps the old file and removes the temp file when producing fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pw-atomic-'));
    dirs.push(dir);
    const path = join(dir, 'a.pdf');
    await writeFile(path, 'old');
    await expect(
      produceFileAtomic(path, async (temp) => {
        await writeFile(temp, 'half');
        throw new Error('tool crashed');
      }),
    ).rejects.toThrow('tool crashed');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['a.pdf']);
  });
});
