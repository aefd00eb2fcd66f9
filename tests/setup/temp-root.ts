import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary folder per test run, removed at its end: fixtures, Chromium profiles and
 * Ghostscript scratch files of every test (and of the builds they start) go under it,
 * instead of piling up in /tmp, including those of builds a test kills on purpose.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'presswork-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
