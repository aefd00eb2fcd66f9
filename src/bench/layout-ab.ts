/**
 * Layout time of this tree against an earlier commit, side by side in one run: cold
 * proof-only builds of the sample, alternating, `--rounds` times; prints the median of each
 * tree's summed `render.layout` and whole page render, and their ratios.
 *
 *   npx tsx src/bench/layout-ab.ts --base 54c2c0b --rounds 3 [--base-sample]
 *
 * Each tree builds its own sample, unless `--base-sample`: then both build the base commit's
 * sample, so the two engines lay out the same input.
 *
 * The base is checked out as a git worktree in a temporary folder and run with this tree's
 * node_modules (linked, never installed into), so both use the same Chromium and libraries.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { base: { type: 'string', default: '54c2c0b' }, rounds: { type: 'string', default: '3' }, 'base-sample': { type: 'boolean', default: false } } });
const here = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'presswork-layout-ab-'));
const baseTree = join(work, 'base');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sample = values['base-sample'] ? join(baseTree, 'articles/2026-11-26') : 'articles/2026-11-26';

function buildOnce(tree: string, out: string): { layout: number; render: number } {
  execFileSync(process.execPath, [join(here, 'node_modules/tsx/dist/cli.mjs'), 'src/cli.ts', 'build', sample, '--proof-only', '--no-cache', '--out', out], { cwd: tree, stdio: 'ignore' });
  const report = JSON.parse(readFileSync(join(out, '2026-11-26', 'report.json'), 'utf8')) as { pages: { timings: Record<string, number> }[] };
  const sum = (f: (t: Record<string, number>) => number) => report.pages.reduce((n, p) => n + f(p.timings), 0);
  return { layout: sum((t) => t.layout ?? 0), render: sum((t) => Object.values(t).reduce((a, b) => a + b, 0)) };
}

try {
  execFileSync('git', ['worktree', 'add', '--detach', baseTree, values.base!], { stdio: 'ignore' });
  symlinkSync(join(here, 'node_modules'), join(baseTree, 'node_modules'));
  const runs: Record<'base' | 'head', { layout: number; render: number }[]> = { base: [], head: [] };
  for (let round = 0; round < Number(values.rounds); round++) {
    runs.base.push(buildOnce(baseTree, join(work, `out-base-${round}`)));
    runs.head.push(buildOnce(here, join(work, `out-head-${round}`)));
    process.stderr.write(`round ${round + 1}: base ${JSON.stringify(runs.base.at(-1))} head ${JSON.stringify(runs.head.at(-1))}\n`);
  }
  const m = (side: 'base' | 'head', key: 'layout' | 'render') => median(runs[side].map((r) => r[key]));
  for (const key of ['layout', 'render'] as const) {
    console.log(`${key.padEnd(7)} base ${m('base', key)} ms  head ${m('head', key)} ms  head/base ${(m('head', key) / m('base', key)).toFixed(2)}`);
  }
} finally {
  // The link first, on its own: removing the worktree must never reach into our node_modules.
  const link = join(baseTree, 'node_modules');
  if (existsSync(link) && lstatSync(link).isSymbolicLink()) unlinkSync(link);
  execFileSync('git', ['worktree', 'remove', '--force', baseTree], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}
