import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { launchChromium } from '../../src/render/chromium.js';
import { buildProperty, type BuildFuzzStats } from './fuzz-builds.js';
import { loadEditionProperty, makeSeed, processArticleProperty } from './fuzz-cases.js';

/**
 * `npm run fuzz -- --runs 100000 [--seed N] [--only load|process|build]`: the fuzz properties of
 * `tests/fuzz/fuzz.test.ts`, for as long as you like. Each failure is printed with its seed
 * and path (to replay it: the same --seed) and written to output/fuzz/, inputs included, to
 * become a case in tests/fixtures/bad.
 */

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' }, only: { type: 'string' } },
});
const runs = Number(values.runs);
const seedNumber = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const seed = makeSeed();
// Whole builds only when asked (`--only build`): each takes seconds, not milliseconds.
const browser = values.only === 'build' ? await launchChromium() : undefined;
const buildStats: BuildFuzzStats = { builds: 0, rendered: 0, slowestMs: 0 };
const targets = [
  { name: 'load', property: loadEditionProperty(seed) },
  { name: 'process', property: processArticleProperty(seed) },
  ...(browser ? [{ name: 'build', property: buildProperty(seed, browser, buildStats) }] : []),
].filter((t) => !values.only || t.name === values.only);

let failed = false;
try {
  for (const target of targets) {
    const started = Date.now();
    const count = () => (target.name === 'build' ? buildStats.builds : seed.cases);
    const before = count();
    const result = await fc.check(target.property as fc.IAsyncProperty<unknown>, { seed: seedNumber, numRuns: runs });
    const cases = count() - before;
    process.stderr.write(`${target.name}: ${result.failed ? 'FAILED' : 'ok'}, ${result.numRuns} runs (${cases} cases with shrinking), ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${seedNumber}\n`);
    if (result.failed) {
      failed = true;
      const dir = resolve('output', 'fuzz');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${target.name}-${seedNumber}.txt`);
      const error = result.errorInstance as Error | undefined;
      writeFileSync(file, `seed ${seedNumber}, path ${result.counterexamplePath}\n${error?.message ?? String(result.errorInstance)}\n`);
      process.stderr.write(`  ${error?.message.split('\n')[0]}\n  replay: npm run fuzz -- --only ${target.name} --seed ${seedNumber} --runs ${runs}; inputs in ${file}\n`);
    }
  }
  if (browser) process.stderr.write(`builds: ${buildStats.builds}, ${buildStats.rendered} rendered a page, slowest ${(buildStats.slowestMs / 1000).toFixed(1)} s\n`);
  process.stderr.write(`slowest case: ${Math.round(seed.slowest.ms)} ms (${seed.slowest.what}); peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
} finally {
  await browser?.close();
  seed.close();
}
process.exitCode = failed ? 1 : 0;
