import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/bench-table.js';
import { generateEdition, placedStories, replicatePages } from '../../src/bench/generate-edition.js';
import { stripScripts } from '../../src/bench/laid-out-html.js';
import { parseProcStat, treeRssBytes } from '../../src/bench/process-tree-memory.js';

const run = promisify(execFile);
const SAMPLE_PAGES = (parse(readFileSync(resolve('articles/2026-11-26/edition.yaml'), 'utf8')) as { pages: { id: string; stories: { file: string; continue?: { page: string } }[] }[] }).pages;

describe('generate-edition', () => {
  it('cycles the sample pages as A1..AN, one copy of each story per page, jumps kept in their group', () => {
    const { pages, files } = replicatePages(SAMPLE_PAGES, 8);
    expect(pages.map((p) => p.id)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8']);
    const jumps = pages.flatMap((p) => placedStories(p).filter((s) => s.continue).map((s) => `${p.id}→${s.continue!.page}`));
    expect(jumps).toEqual(['A1→A4', 'A5→A8']);
    const storyFiles = pages.flatMap((p) => placedStories(p).map((s) => s.file));
    expect(new Set(storyFiles).size).toBe(storyFiles.length);
    expect(files.get('a5-lead-chengxiang-gongjiao.md')).toBe('lead-chengxiang-gongjiao.md');
  });

  it('keeps a short last group buildable: the jump source and its target stay together', () => {
    const { pages } = replicatePages(SAMPLE_PAGES, 6);
    expect(pages.map((p) => `${p.id}:${p.template}`).slice(4)).toEqual(['A5:front', 'A6:news']);
    expect(placedStories(pages[4]!).find((s) => s.continue)!.continue!.page).toBe('A6');
  });

  it('writes the edition folder with its stories, photos and ads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-bench-gen-'));
    try {
      const made = await generateEdition({ pages: 4, dir: join(dir, 'e') });
      expect(made).toMatchObject({ pages: 4, jumps: 1 });
      expect(made.photos).toBeGreaterThanOrEqual(10);
      expect(existsSync(join(dir, 'e', 'images', 'cunba-juesai.jpg'))).toBe(true);
      expect(existsSync(join(dir, 'e', 'a3-feature-xianjin-zhizao.md'))).toBe(true);
      // Every supplied ad a page names (the sample's A4 has two) is there to be placed.
      const config = parse(readFileSync(join(dir, 'e', 'edition.yaml'), 'utf8')) as { pages: { ads?: { file: string }[] }[] };
      const ads = config.pages.flatMap((p) => p.ads ?? []).map((a) => a.file);
      expect(ads.length).toBeGreaterThan(0);
      for (const file of ads) expect(existsSync(join(dir, 'e', file)), file).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bench helpers', () => {
  it('reads pid, ppid, RSS, CPU time and start time from /proc/<pid>/stat, command names with spaces included', () => {
    const stat = parseProcStat('4242 (chromium (renderer)) S 4200 4200 1 0 -1 4194560 1 0 0 0 30 12 0 0 20 0 1 0 100 2000000 250 18446744073709551615');
    expect(stat).toEqual({ pid: 4242, ppid: 4200, rssBytes: 250 * 4096, cpuMs: 420, startTicks: 100 });
    const tree = treeRssBytes(1, [
      { pid: 2, ppid: 1, rssBytes: 10 },
      { pid: 3, ppid: 2, rssBytes: 20 },
      { pid: 4, ppid: 9, rssBytes: 40 },
    ]);
    expect(tree).toEqual({ bytes: 30, processes: 2 });
  });

  it('strips every script element and nothing else', () => {
    const html = '<head><script type="application/json" id="c">{"a":1}</script><link rel="stylesheet" href="/a.css"></head><body><p>字</p><script src="/paged.js"></script>\n<SCRIPT>x()</SCRIPT></body>';
    expect(stripScripts(html)).toBe('<head><link rel="stylesheet" href="/a.css"></head><body><p>字</p>\n</body>');
  });
});

describe('npm run bench, tiny form', () => {
  let work: string;
  let stdout: string;
  let result: BenchResult;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pw-bench-'));
    const json = join(work, 'bench.json');
    ({ stdout } = await run(resolve('node_modules/.bin/tsx'), ['src/bench/run-bench.ts', '--quick', '--rounds', '2', '--work', join(work, 'bench'), '--json', json], {
      maxBuffer: 16 * 2 ** 20,
      timeout: 1_500_000,
    }));
    result = JSON.parse(await readFile(json, 'utf8')) as BenchResult;
  }, 1_600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('prints the table with the load average, the ratios and the profile', () => {
    expect(stdout).toMatch(/load average \(1\/5\/15 min\) at start [\d.]+ \/ [\d.]+ \/ [\d.]+/);
    for (const column of ['wall s', 'pages/s', 'RSS MB', 'PSS MB', 'a/b', 'a/c', 'load~']) expect(stdout).toContain(column);
    for (const row of ['(a) presswork build cold', '(a) presswork build warm', '(b) pagedjs-cli', '(c) chromium page.pdf']) expect(stdout).toContain(row);
    expect(stdout).toContain('presswork profile');
  });

  it('writes bench.json with every run measured, the ratios and the stage timings', () => {
    expect(result.version).toBe(1);
    expect(result.machine.loadStart).toHaveLength(3);
    expect(result.table).toContain('a/b');
    expect(result.sizes).toHaveLength(1);
    const [size] = result.sizes;
    expect(size!.pages).toBe(2);
    expect(size!.runs.map((r) => r.stage)).toEqual(['presswork-cold', 'presswork-warm', 'pagedjs-cli', 'chromium-print']);
    for (const r of size!.runs) {
      expect(r).toMatchObject({ ok: true, failures: [] });
      expect(r.ms).toBeGreaterThan(0);
      expect(r.pagesPerSecond).toBeGreaterThan(0);
      expect(r.peakRssMb).toBeGreaterThan(0);
      expect(r.peakPssMb).toBeGreaterThan(0);
      expect(r.loadMean).toBeGreaterThanOrEqual(0);
    }
    for (const r of size!.runs.filter((r) => r.stage.startsWith('presswork'))) {
      for (const stage of ['load', 'process', 'template', 'render', 'merge', 'verify', 'total']) expect(r.timings).toHaveProperty(stage);
    }
    for (const r of size!.runs.filter((r) => !r.stage.startsWith('presswork'))) expect(r.pdfPages).toBe(2);
    for (const key of ['coldOverPagedjsCli', 'coldOverChromiumPrint', 'warmOverPagedjsCli', 'warmOverChromiumPrint'] as const) {
      expect(size!.ratios[key]).toBeGreaterThan(0);
    }
    expect(Object.keys(result.scaling)).toEqual(['presswork-cold', 'presswork-warm', 'pagedjs-cli', 'chromium-print']);
  });

  it('pairs a cold build with a bare print per round and reports the median of their ratios', () => {
    const [size] = result.sizes;
    expect(size!.rounds).toHaveLength(2);
    for (const round of size!.rounds!) expect(round.ratio).toBeCloseTo(round.coldMs / round.floorMs, 6);
    const ratios = size!.rounds!.map((r) => r.ratio);
    expect(size!.ratios.coldOverChromiumPrint).toBeCloseTo((ratios[0]! + ratios[1]!) / 2, 6);
    expect(size!.rounds!.map((r) => r.coldMs)).toContain(size!.runs[0]!.ms); // the table shows one of the measured rounds
    expect(stdout).toMatch(/a\/c over 2 back-to-back rounds \(cold\/floor = ratio @load\): median \d+\.\d\d; /);
  });
});
