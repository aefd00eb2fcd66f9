import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveChromium } from '../../src/render/chromium.js';
import { TEMP_NAME } from '../../src/util/atomic-write.js';
import { article, numberedSentences, TWO_PAGE_EDITION, writeEdition } from '../helpers/fixture-edition.js';
import { pageTexts } from '../helpers/pdf.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * The output folder on a small tmpfs of its own: read-only, full before the build, and
 * filling up during it. Mounting needs root (the machine this runs on is a root container);
 * elsewhere these tests are skipped, and say so.
 */

const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = join('/tmp', `pw-mount-probe-${process.pid}`);
  mkdirSync(probe, { recursive: true });
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

let mnt: string;
let dir: string;
let out: string;
beforeEach(() => {
  if (!canMount) return;
  dir = writeEdition(TWO_PAGE_EDITION);
  mnt = join(dir, '..', 'mnt');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mnt]);
  out = join(mnt, 'out');
});
afterEach(() => {
  if (canMount) spawnSync('umount', [mnt]);
});

const freeBytes = () => {
  const { bavail, bsize } = statfsSync(mnt);
  return Number(bavail) * Number(bsize);
};
/** Leave about `bytes` free on the tmpfs. */
const fillTo = (bytes: number) => writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, freeBytes() - bytes)));
const fingerprint = (files: string[]) => files.map((f) => readFileSync(join(out, f)).toString('base64'));
const DELIVERED = ['edition/edition.pdf', 'edition/plates/newspaper-20261126-A1.pdf', 'edition/plates/newspaper-20261126-A2.pdf', 'edition/pages/A1.pdf'];
const changeBothStories = () => {
  writeFileSync(join(dir, 'one.md'), article('第一篇稿件改了', [numberedSentences(30, 300).join('')]));
  writeFileSync(join(dir, 'two.md'), article('第二篇稿件改了', [numberedSentences(30, 600).join('')]));
};

describe.skipIf(!canMount)('output folder on a small tmpfs', () => {
  it('read-only: refused before any work starts, with one message naming the folder; last build intact', async () => {
    expect((await runCli(['build', dir, '--out', out])).code).toBe(0);
    const before = fingerprint(DELIVERED);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    changeBothStories();
    // Chromium behind a wrapper that notes each start, so the test sees whether one was launched.
    const starts = join(dir, '..', 'chromium-starts');
    const wrapper = join(dir, '..', 'chromium-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${starts}'\nexec '${resolveChromium()}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const result = await runCli(['build', dir, '--out', out], { env: { PRESSWORK_CHROMIUM: wrapper } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `presswork: The output folder ${out} cannot be used: it is on a read-only file system; make room or make it writable, or build into another --out folder. Nothing was built\n`,
    );
    const launched = existsSync(starts) ? readFileSync(starts, 'utf8').split('\n').filter((line) => line && line !== '--version') : [];
    expect(launched).toEqual([]); // no browser was started
    expect(fingerprint(DELIVERED)).toEqual(before);
  }, 120_000);

  it('full before the build: refused before any work starts, saying how much is free', async () => {
    expect((await runCli(['build', dir, '--out', out, '--proof-only'])).code).toBe(0);
    fillTo(2 * 2 ** 20);
    const result = await runCli(['build', dir, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^presswork: The output folder ${out} has [12]\\.\\d MB free, under the 8 MB a build needs at least; make room or build into another --out folder\\. Nothing was built\\n$`));
  }, 120_000);

  it('filling up during the build: one disk-full error naming the folder, not one ENOSPC per file; last build intact and readable', async () => {
    expect((await runCli(['build', dir, '--out', out])).code).toBe(0);
    const before = fingerprint(DELIVERED);
    const proofText = await pageTexts(join(out, 'edition', 'edition.pdf'));
    changeBothStories();
    fillTo(100 * 1024);
    // Past the 8 MB floor, so the build starts and meets the full disk while it writes.
    const result = await runCli(['build', dir, '--out', out], { env: { PRESSWORK_MIN_FREE_MB: '0' } });
    expect(result.code).toBe(1);
    const diskLines = result.stderr.split('\n').filter((line) => /ENOSPC|no space/i.test(line));
    expect(diskLines).toEqual([
      expect.stringMatching(
        new RegExp(`^\\s+error  The disk of the output folder ${out} is full \\(ENOSPC\\); free space there or build into another --out folder\\. Files written before are kept as they were .*disk-full$`),
      ),
    ]);
    expect(fingerprint(DELIVERED)).toEqual(before);
    expect(await pageTexts(join(out, 'edition', 'edition.pdf'))).toEqual(proofText);
    // report.json is whole: last night's, or this failed build's if it still fitted.
    const report = JSON.parse(readFileSync(join(out, 'edition', 'report.json'), 'utf8')) as { ok: boolean };
    expect(typeof report.ok).toBe('boolean');
    expect((readdirSync(out, { recursive: true }) as string[]).filter((name) => TEMP_NAME.test(name))).toEqual([]);
  }, 120_000);
});
