import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEMP_NAME, tempDirFor } from '../../src/util/atomic-write.js';
import { LOCK_FILE } from '../../src/util/output-lock.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { TWO_PAGE_EDITION, writeEdition } from '../helpers/fixture-edition.js';
import { browserProcesses, chromiumProfileOf, waitUntil } from '../helpers/processes.js';
import { runCli, startCli } from '../helpers/run-cli.js';

/**
 * A nightly runner kills a stuck job with SIGKILL to its whole process group: no handler
 * runs. The browser must still end, the delivered folders must hold no temp file, and the
 * next build must remove what the dead one left in `.cache/tmp/<host>` and say so.
 */

const temporariesIn = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((name) => TEMP_NAME.test(name));
const report = (out: string) => JSON.parse(readFileSync(join(out, 'edition', 'report.json'), 'utf8')) as EditionReport;
/** The pid of a process that has exited (barring reuse, no process has it now). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('a build killed with SIGKILL during the plate stage', () => {
  let profile: string | undefined;
  afterEach(() => {
    // Should the test fail, leave no orphaned browser behind for the next one.
    for (const p of profile ? browserProcesses(profile) : []) process.kill(p.pid, 'SIGKILL');
  });

  it('takes its browser with it, leaves no temp file in the edition folder, and the next build removes the rest', async () => {
    // Ghostscript for every plate: the direct writer holds its temp file for a millisecond only.
    const yaml = TWO_PAGE_EDITION['edition.yaml']!.replace('date: 2026-11-26\n', 'date: 2026-11-26\nprint: {converter: ghostscript}\n');
    expect(yaml).toContain('converter: ghostscript');
    const dir = writeEdition({ ...TWO_PAGE_EDITION, 'edition.yaml': yaml });
    const out = join(dir, '..', 'out');
    const tmp = tempDirFor(out);
    const build = startCli(['build', dir, '--out', out, '--concurrency', '1'], { detached: true });
    const pid = build.child.pid!;
    // The moment Ghostscript is writing a plate: its temp file exists.
    const plateTemp = new RegExp(`-\\d{8}-A\\d\\.pdf\\.tmp-${pid}-`);
    const writingPlate = () => existsSync(tmp) && readdirSync(tmp).some((name) => plateTemp.test(name));
    await waitUntil(() => {
      profile ??= chromiumProfileOf(pid);
      return writingPlate() || build.child.exitCode !== null;
    }, 120_000, 5);
    expect(writingPlate(), build.stderr()).toBe(true);
    expect(profile).toBeDefined();
    expect(browserProcesses(profile!).length).toBeGreaterThan(0);
    process.kill(-pid, 'SIGKILL'); // the whole process group, as a CI runner does
    expect((await build.done).signal).toBe('SIGKILL');

    // Chromium runs in a process group of its own; the closed DevTools pipe ends it.
    expect(await waitUntil(() => browserProcesses(profile!).length === 0, 5_000)).toBe(true);
    expect(profile).toMatch(new RegExp(`/presswork-chromium-${pid}-`));
    expect(existsSync(profile!)).toBe(true); // no code ran to remove it: the next launch does
    expect(temporariesIn(join(out, 'edition'))).toEqual([]);
    const left = readdirSync(tmp).filter((name) => TEMP_NAME.test(name));
    expect(left.some((name) => plateTemp.test(name))).toBe(true);

    // The lock of the dead build is taken over; its temp files are removed and reported.
    const next = await runCli(['build', dir, '--out', out]);
    expect(next.code, next.stderr).toBe(0);
    const messages = report(out).messages.filter((m) => m.ruleId === 'stale-temporaries');
    expect(messages).toEqual([
      expect.objectContaining({ severity: 'info', message: expect.stringMatching(/^Removed \d+ temporary files? left by a build that no longer runs: /) }),
    ]);
    for (const name of left) expect(messages[0]!.message).toContain(join('.cache', 'tmp', hostname(), name));
    expect(readdirSync(tmp).filter((name) => TEMP_NAME.test(name))).toEqual([]);
    expect(readdirSync(join(out, 'edition', 'plates')).sort()).toEqual(['newspaper-20261126-A1.pdf', 'newspaper-20261126-A2.pdf']);
    const preflight = report(out).preflight as { page: string; converter: string; ghostscriptBecause: string[] }[];
    expect(preflight.map((p) => [p.page, p.converter, p.ghostscriptBecause])).toEqual([
      ['A1', 'ghostscript', ['print.converter is ghostscript']],
      ['A2', 'ghostscript', ['print.converter is ghostscript']],
    ]);
    expect(existsSync(join(out, 'edition', LOCK_FILE))).toBe(false);
    expect(existsSync(profile!)).toBe(false);
  }, 300_000);
});

describe('temp files left by older builds', () => {
  it('removes those of writers that no longer run, in plates/ as in .cache/tmp, and keeps a live writer’s', async () => {
    const dir = writeEdition(TWO_PAGE_EDITION);
    const out = join(dir, '..', 'out');
    const dead = deadPid();
    const plates = join(out, 'edition', 'plates');
    const tmp = tempDirFor(out);
    mkdirSync(plates, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    // Beside its target, as builds before this change wrote them; and in the temp folder.
    writeFileSync(join(plates, `newspaper-20261126-A1.pdf.tmp-${dead}-0badf00d`), '%PDF-1.4 half');
    writeFileSync(join(tmp, `A2.pdf.tmp-${dead}-deadbeef`), '%PDF-1.4 half');
    // This test process is alive: its file may be one that another build is writing now.
    const live = join(tmp, `summary.json.tmp-${process.pid}-0123abcd`);
    writeFileSync(live, '{');
    const result = await runCli(['build', dir, '--out', out, '--proof-only']);
    expect(result.code, result.stderr).toBe(0);
    const message = report(out).messages.find((m) => m.ruleId === 'stale-temporaries')?.message;
    expect(message).toBe(
      `Removed 2 temporary files left by a build that no longer runs: .cache/tmp/${hostname()}/A2.pdf.tmp-${dead}-deadbeef, edition/plates/newspaper-20261126-A1.pdf.tmp-${dead}-0badf00d`,
    );
    expect(readdirSync(plates)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([`summary.json.tmp-${process.pid}-0123abcd`]);
  }, 120_000);
});
