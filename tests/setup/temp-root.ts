import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../src/util/output-lock.js';

const PREFIX = 'presswork-tests-';
const NAME = /^presswork-tests-(\d+)-/;

/**
 * One temporary folder per test run, removed at its end: fixtures, Chromium profiles and
 * Ghostscript scratch files of every test (and of the builds they start) go under it,
 * instead of piling up in /tmp, including those of builds a test kills on purpose.
 * A run that was itself killed leaves its folder; the next run removes it.
 */
export default function setup(): () => void {
  removeFoldersOfEndedRuns();
  const root = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}

function removeFoldersOfEndedRuns(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = NAME.exec(name)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
