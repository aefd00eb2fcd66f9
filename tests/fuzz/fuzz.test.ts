import fc from 'fast-check';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/render/chromium.js';
import { loadEditionProperty, makeSeed, processArticleProperty, type Seed } from './fuzz-cases.js';
import { buildProperty, type BuildFuzzStats } from './fuzz-builds.js';

/**
 * Property-based fuzzing of the sample edition (mutations in ./mutators.ts, properties in
 * ./fuzz-cases.ts) with a fixed seed, so `npm test` runs the same few thousand cases every
 * time. Longer runs with other seeds: `npm run fuzz -- --runs 100000`.
 */

const SEED = 20261126;
const RUNS = 2000;

let seed: Seed;
beforeAll(() => {
  seed = makeSeed();
});
afterAll(() => seed.close());

describe('fuzzing loadEdition and processArticle', () => {
  it(`loadEdition: ${RUNS} mutated editions, no exception, every message at a file and line, each under 2 s, nothing written`, async () => {
    await fc.assert(loadEditionProperty(seed), { seed: SEED, numRuns: RUNS });
  }, 120_000);

  it(`processArticle: ${RUNS} mutated articles, the same properties`, async () => {
    await fc.assert(processArticleProperty(seed), { seed: SEED, numRuns: RUNS });
  }, 120_000);
});

describe('fuzzing whole proof-only builds', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a few mutated editions build or fail with messages, write report.json, and write nothing outside the output folder', async () => {
    const stats: BuildFuzzStats = { builds: 0, rendered: 0, slowestMs: 0 };
    await fc.assert(buildProperty(seed, browser, stats), { seed: SEED, numRuns: 10, endOnFailure: true });
    expect(stats.builds).toBe(10);
    expect(stats.rendered).toBeGreaterThanOrEqual(3); // and many reached Chromium
  }, 300_000);
});
