import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { produceFileAtomic, tempPathFor, writeFileAtomic } from '../../src/pdf/atomic-write.js';

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

  it('names temp files beside the target with pid and randomness', () => {
    expect(tempPathFor('/x/a.pdf')).toMatch(new RegExp(`^/x/a\\.pdf\\.tmp-${process.pid}-[0-9a-f]{8}$`));
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
