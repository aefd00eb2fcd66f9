/**
 * `npm run bench`: presswork against pagedjs-cli and Chromium's bare print, on the same
 * machine, in the same run, on the same HTML.
 *
 *   npm run bench -- [--sizes 8,24,96] [--quick] [--concurrency N] [--proof-only]
 *                    [--work output/bench] [--json output/bench.json] [--run-timeout SECONDS]
 *                    [--rounds N] [--no-pagedjs-cli]
 *
 * --rounds N repeats the cold build and the bare print back to back N times and reports the
 * median of the paired ratios: on a shared machine whose load swings within minutes, a pair
 * run together is the fairest comparison.
 *
 * Per edition size (generated from the sample edition, see generate-edition.ts):
 *   (a) `presswork build` as a child process, cold (a fresh output folder, so an empty page
 *       cache) and warm (the same command again on the same folder);
 *   (b) pagedjs-cli, one process per page document, as many at once as presswork's tab pool;
 *   (c) Chromium's own `page.pdf` of the same documents with no pagination: the floor.
 * (b) and (c) print the pages as presswork laid them out (see laid-out-html.ts). Memory is
 * the peak of the summed RSS of every process the run started, polled every 100 ms.
 * Not a test: the numbers depend on the machine and its load, which the table records.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { writeFileAtomic } from '../util/atomic-write.js';
import { PACKAGE_ROOT } from '../util/package-root.js';
import { launchChromium, resolveChromium } from '../render/chromium.js';
import { staticMounts } from '../pipeline/prepare-edition.js';
import { startStaticServer } from '../render/static-server.js';
import { formatTable, median, medianRun, scalingOf, sizeRatios, type BenchResult, type RunResult, type SizeResult, type StageId } from './bench-table.js';
import { generateEdition } from './generate-edition.js';
import { writeLaidOutPages } from './laid-out-html.js';
import { watchTreeMemory } from './process-tree-memory.js';
import { runChild, type ChildResult } from './run-child.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '8,24,96' },
    quick: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    'proof-only': { type: 'boolean', default: false },
    work: { type: 'string', default: 'output/bench' },
    json: { type: 'string', default: 'output/bench.json' },
    'run-timeout': { type: 'string', default: '5400' },
    rounds: { type: 'string', default: '1' },
    // pagedjs-cli takes as long as everything else together at 96 pages: leave it out when only the scaling is wanted.
    'no-pagedjs-cli': { type: 'boolean', default: false },
    // `bin`: the package's bin (dist/cli.js, built from this tree first), as an install runs it; `tsx`: the source through tsx.
    cli: { type: 'string', default: 'bin' },
  },
});

const TSX = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx');
/** How (a) and (c) are started: a command and the arguments before the script's own. */
interface Launcher {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}
let presswork: Launcher = { command: TSX, args: [join(PACKAGE_ROOT, 'src', 'cli.ts')] };
let printFloor: Launcher = { command: TSX, args: [join(PACKAGE_ROOT, 'src', 'bench', 'print-floor.ts')] };
const PAGEDJS_CLI = join(PACKAGE_ROOT, 'node_modules', 'pagedjs-cli', 'src', 'cli.js');
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

function chromiumVersion(): string | undefined {
  try {
    return execFileSync(resolveChromium(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

interface Measured {
  ms: number;
  cpuMs: number;
  peakBytes: number;
  peakPssBytes: number;
  peakProcesses: number;
  loadStart: number[];
  loadEnd: number[];
  loadMean: number;
}

/** Time `run` and keep the peak RSS of every process this one starts meanwhile. */
async function measure<T>(run: () => Promise<T>): Promise<{ value: T; measured: Measured }> {
  const loadStart = load();
  const loads = [loadStart[0]!];
  const loadTimer = setInterval(() => loads.push(loadavg()[0]!), 1000);
  const watch = watchTreeMemory(process.pid, 100);
  const started = performance.now();
  try {
    const value = await run();
    const ms = performance.now() - started;
    const { peakBytes, peakPssBytes, peakProcesses, cpuMs } = watch.stop();
    const loadMean = Math.round((loads.reduce((a, b) => a + b, 0) / loads.length) * 10) / 10;
    return { value, measured: { ms, cpuMs, peakBytes, peakPssBytes, peakProcesses, loadStart, loadEnd: load(), loadMean } };
  } catch (error) {
    watch.stop();
    throw error;
  } finally {
    clearInterval(loadTimer);
  }
}

function runResult(stage: StageId, label: string, pages: number, measured: Measured, failures: string[], extra: Partial<RunResult> = {}): RunResult {
  return {
    stage,
    label,
    ms: Math.round(measured.ms),
    cpuMs: Math.round(measured.cpuMs),
    pagesPerSecond: pages / (measured.ms / 1000),
    peakRssMb: Math.round((measured.peakBytes / 2 ** 20) * 10) / 10,
    peakPssMb: Math.round((measured.peakPssBytes / 2 ** 20) * 10) / 10,
    peakProcesses: measured.peakProcesses,
    ok: failures.length === 0,
    failures,
    loadStart: measured.loadStart,
    loadEnd: measured.loadEnd,
    loadMean: measured.loadMean,
    ...extra,
  };
}

function failure(what: string, result: ChildResult): string | undefined {
  if (result.code === 0 && !result.timedOut) return undefined;
  const why = result.timedOut ? 'timed out' : `exit ${result.code ?? result.signal}`;
  return `${what}: ${why}${result.stderrTail ? ` (${result.stderrTail.split('\n').pop()})` : ''}`;
}

/** Whether the CLI in this tree knows `--no-cache` (the page cache may or may not have landed). */
async function cliHasFlag(flag: string): Promise<boolean> {
  const help = await runChild(presswork.command, [...presswork.args, '--help'], { cwd: PACKAGE_ROOT, timeoutMs: 60_000 });
  return help.stdout.includes(flag);
}

async function pdfPageCount(files: string[]): Promise<number> {
  let count = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    count += (await PDFDocument.load(await readFile(file), { updateMetadata: false })).getPageCount();
  }
  return count;
}

interface ReportLike {
  ok?: boolean;
  timings?: Record<string, number>;
  pages?: { id: string; cached?: boolean }[];
}

/** (a): `presswork build` as a user runs it; the stage profile from its report.json. */
async function runPresswork(stage: StageId, editionDir: string, out: string, pages: number, options: { concurrency: number; proofOnly: boolean; timeoutMs: number }): Promise<RunResult> {
  const args = [...presswork.args, 'build', editionDir, '--out', out, '--concurrency', String(options.concurrency)];
  if (options.proofOnly) args.push('--proof-only');
  const label = `(a) presswork build ${stage === 'presswork-cold' ? 'cold' : 'warm'}`;
  log(`${pages}p ${label}: ${args.slice(presswork.args.length).join(' ')}`);
  const entriesBefore = await cacheEntries(out);
  const code = await codeDigest();
  const { value: child, measured } = await measure(() => runChild(presswork.command, args, { cwd: PACKAGE_ROOT, timeoutMs: options.timeoutMs }));
  const entriesAfter = await cacheEntries(out);
  const reportPath = join(out, basename(editionDir), 'report.json');
  const report = existsSync(reportPath) ? (JSON.parse(await readFile(reportPath, 'utf8')) as ReportLike) : undefined;
  const failures = [failure('presswork build', child), report ? undefined : 'no report.json', report && report.ok === false ? 'report.ok is false' : undefined];
  const cached = report?.pages?.some((p) => 'cached' in p) ? report.pages.filter((p) => p.cached).length : null;
  return runResult(stage, label, pages, measured, failures.filter((f): f is string => Boolean(f)), {
    timings: report?.timings,
    cachedPages: cached,
    cacheEntries: entriesAfter === null ? null : { before: entriesBefore ?? 0, after: entriesAfter },
    codeDigest: code,
  });
}

/**
 * Digest of what presswork's page cache keys on besides the edition: src/, templates/,
 * styles/ and package-lock.json. Other people edit this tree while the bench runs; when
 * the digest differs between the cold and the warm run, every page misses the cache.
 */
async function codeDigest(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((x, y) => x.name.localeCompare(y.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) hash.update(`${path}\0`).update(await readFile(path).catch(() => Buffer.alloc(0)));
    }
  };
  for (const dir of ['src', 'templates', 'styles']) await walk(join(PACKAGE_ROOT, dir));
  hash.update(await readFile(join(PACKAGE_ROOT, 'package-lock.json')).catch(() => Buffer.alloc(0)));
  return hash.digest('hex').slice(0, 16);
}

/** Page PDFs in presswork's page cache (`<out>/.cache/pages`), or null when there is none. */
async function cacheEntries(out: string): Promise<number | null> {
  const dir = join(out, '.cache', 'pages');
  if (!existsSync(dir)) return null;
  return (await readdir(dir)).filter((f) => /^[0-9a-f]{64}\.pdf$/.test(f)).length;
}

/** (b): pagedjs-cli, one process per page document, `concurrency` at a time. */
async function runPagedjsCli(base: string, ids: string[], out: string, options: { concurrency: number; timeoutMs: number }): Promise<RunResult> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const env = { ...process.env, PUPPETEER_EXECUTABLE_PATH: resolveChromium(), PUPPETEER_SKIP_DOWNLOAD: '1' };
  const label = '(b) pagedjs-cli 0.4.3';
  log(`${ids.length}p ${label}: ${ids.length} processes, ${options.concurrency} at a time`);
  const failures: string[] = [];
  const { measured } = await measure(async () => {
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const args = [PAGEDJS_CLI, `${base}${id}.html`, '-o', join(out, `${id}.pdf`), '-t', String(options.timeoutMs), '--browserArgs', '--no-sandbox'];
        const result = await runChild(process.execPath, args, { cwd: out, env, timeoutMs: options.timeoutMs });
        const failed = failure(`pagedjs-cli ${id}`, result);
        if (failed) failures.push(failed);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, ids.length)) }, worker));
  });
  const pdfPages = await pdfPageCount(ids.map((id) => join(out, `${id}.pdf`)));
  return runResult('pagedjs-cli', label, ids.length, measured, failures, { pdfPages });
}

/** (c): Chromium's `page.pdf` of the same documents, no pagination (print-floor.ts). */
async function runChromiumPrint(base: string, ids: string[], out: string, options: { concurrency: number; timeoutMs: number }): Promise<RunResult> {
  await rm(out, { recursive: true, force: true });
  const label = '(c) chromium page.pdf (floor)';
  log(`${ids.length}p ${label}`);
  const args = [...printFloor.args, '--base', base, '--pages', ids.join(','), '--out', out, '--concurrency', String(options.concurrency)];
  const { value: child, measured } = await measure(() => runChild(printFloor.command, args, { cwd: PACKAGE_ROOT, env: printFloor.env, timeoutMs: options.timeoutMs }));
  const pdfPages = await pdfPageCount(ids.map((id) => join(out, `${id}.pdf`)));
  return runResult('chromium-print', label, ids.length, measured, [failure('print-floor', child)].filter((f): f is string => Boolean(f)), { pdfPages });
}

async function benchSize(pages: number, work: string, options: { concurrency: number; proofOnly: boolean; timeoutMs: number; rounds: number }): Promise<SizeResult> {
  const name = `bench-${pages}p`;
  const edition = await generateEdition({ pages, dir: join(work, 'editions', name) });
  log(`${name}: ${edition.pages} pages, ${edition.stories} stories, ${edition.photos} photos, ${edition.jumps} jumps`);
  const out = join(work, 'presswork');
  await rm(out, { recursive: true, force: true });
  const runs: RunResult[] = [];
  const colds = [await runPresswork('presswork-cold', edition.dir, out, pages, options)];
  const floors: RunResult[] = [];
  runs.push(await runPresswork('presswork-warm', edition.dir, out, pages, options));

  // The baselines' input: the cold build's page documents, laid out, scripts removed.
  const htmlDir = join(out, name, 'html');
  const ids = existsSync(htmlDir) ? (await readdir(htmlDir)).filter((f) => f.endsWith('.html')).map((f) => f.slice(0, -5)) : [];
  ids.sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)));
  let layoutPassMs: number | null = null;
  if (ids.length > 0) {
    const laidOut = join(work, 'laid-out', name);
    await rm(laidOut, { recursive: true, force: true });
    const server = await startStaticServer({ mounts: { ...staticMounts(edition.dir, htmlDir), '/laid-out': laidOut } });
    try {
      const browser = await launchChromium();
      try {
        log(`${name}: laying out ${ids.length} page documents for the baselines (not timed as a run)`);
        layoutPassMs = (await writeLaidOutPages(browser, { origin: server.origin, pageIds: ids, dir: laidOut, concurrency: options.concurrency })).ms;
      } finally {
        await browser.close();
      }
      const base = `${server.origin}/laid-out/`;
      if (!values['no-pagedjs-cli']) runs.push(await runPagedjsCli(base, ids, join(work, 'pagedjs-cli', name), options));
      floors.push(await runChromiumPrint(base, ids, join(work, 'chromium-print', name), options));
      // More rounds: a cold build into a fresh folder, then the floor again, back to back.
      for (let round = 2; round <= options.rounds; round++) {
        const fresh = join(work, `presswork-round-${round}`);
        await rm(fresh, { recursive: true, force: true });
        colds.push(await runPresswork('presswork-cold', edition.dir, fresh, pages, options));
        floors.push(await runChromiumPrint(base, ids, join(work, 'chromium-print', name), options));
        await rm(fresh, { recursive: true, force: true });
      }
    } finally {
      await server.close();
    }
  } else {
    log(`${name}: the cold build wrote no page documents; baselines skipped`);
  }
  if (ids.length > 0 && ids.length !== pages) log(`${name}: baselines ran on ${ids.length} of ${pages} page documents`);
  runs.unshift(medianRun(colds));
  if (floors.length > 0) runs.push(medianRun(floors));
  const rounds = floors.map((floor, i) => ({ coldMs: colds[i]!.ms, floorMs: floor.ms, ratio: colds[i]!.ms / floor.ms, load: (colds[i]!.loadMean + floor.loadMean) / 2, coldCpuMs: colds[i]!.cpuMs, floorCpuMs: floor.cpuMs }));
  for (const run of runs) log(`${pages}p ${run.label}: ${(run.ms / 1000).toFixed(1)} s, peak ${run.peakRssMb} MB${run.ok ? '' : `, FAILED: ${run.failures.join('; ')}`}`);
  const ratios = sizeRatios(runs);
  if (rounds.length > 1) ratios.coldOverChromiumPrint = median(rounds.map((r) => r.ratio));
  return { pages, stories: edition.stories, photos: edition.photos, jumps: edition.jumps, runs, ratios, layoutPassMs, rounds };
}

/**
 * (a) as an install runs it, the package's bin: `npm run build` from this tree first. (c)'s
 * script compiled by esbuild beside the work folder (its packages resolved from node_modules),
 * so that neither side pays tsx's start-up and transpiling.
 */
async function compiledLaunchers(work: string): Promise<{ presswork: Launcher; printFloor: Launcher }> {
  log('building the package (npm run build) for (a) and running its first build (untimed), compiling print-floor.ts for (c)');
  execFileSync(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'build-package.mjs')], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const { build } = await import('esbuild');
  const floor = join(work, 'print-floor.cjs');
  await mkdir(work, { recursive: true });
  await build({ entryPoints: [join(PACKAGE_ROOT, 'src', 'bench', 'print-floor.ts')], outfile: floor, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'error' });
  // Untimed: a new bundle's first `build` compiles it and writes V8's code cache, which every
  // later run (a user's, after their first) starts from. "Cold" is about the output folder.
  const cli = join(PACKAGE_ROOT, 'dist', 'cli.js');
  const prime = join(work, 'prime');
  execFileSync(process.execPath, [cli, 'build', join(PACKAGE_ROOT, 'articles', '2026-11-26'), '--out', prime, '--pages', 'A1', '--proof-only'], { cwd: PACKAGE_ROOT, stdio: 'ignore' });
  await rm(prime, { recursive: true, force: true });
  return {
    presswork: { command: process.execPath, args: [cli] },
    // Compiled outside the tree (the work folder may be anywhere): its packages come from ours.
    printFloor: { command: process.execPath, args: [floor], env: { ...process.env, NODE_PATH: join(PACKAGE_ROOT, 'node_modules') } },
  };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const quick = values.quick;
  const sizes = quick ? [2] : values.sizes.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes takes page counts like 8,24,96, got \`${values.sizes}\``);
  const concurrency = values.concurrency ? Number(values.concurrency) : availableParallelism();
  const proofOnly = quick || values['proof-only'];
  const timeoutMs = Number(values['run-timeout']) * 1000;
  const work = resolve(values.work);
  const loadStart = load();
  log(`sizes ${sizes.join(', ')} · concurrency ${concurrency} · load ${loadStart.join(' / ')} · work folder ${work}`);

  if (values.cli !== 'bin' && values.cli !== 'tsx') throw new Error(`--cli takes bin or tsx, got \`${values.cli}\``);
  if (values.cli === 'bin') ({ presswork, printFloor } = await compiledLaunchers(work));
  const hasNoCache = await cliHasFlag('--no-cache');
  const sizeResults: SizeResult[] = [];
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number from 1, got \`${values.rounds}\``);
  for (const pages of sizes) sizeResults.push(await benchSize(pages, work, { concurrency, proofOnly, timeoutMs, rounds }));

  const warmCache = sizeResults.map((size) => {
    const warm = size.runs.find((r) => r.stage === 'presswork-warm');
    if (!warm?.cacheEntries) return `${size.pages}p: no page cache folder after the warm run`;
    const stored = warm.cacheEntries.after - warm.cacheEntries.before;
    const reused = warm.cachedPages ?? size.pages - stored;
    const cold = size.runs.find((r) => r.stage === 'presswork-cold');
    const changed = cold?.codeDigest && cold.codeDigest !== warm.codeDigest ? ' (the code changed between the cold and the warm run, which invalidates every cached page)' : '';
    return `${size.pages}p: the warm run stored ${stored} new page entries for ${size.pages} pages (a miss stores one), so about ${Math.max(0, reused)} pages came from the cache${changed}`;
  });
  const notes = [
    values.cli === 'bin'
      ? `(a) runs \`node dist/cli.js build <edition> --out <dir> --concurrency ${concurrency}${proofOnly ? ' --proof-only' : ''}\` (the package's bin, built from this tree by \`npm run build\` before the runs, then run once untimed on the sample's A1 so that V8's code cache of the new bundle exists, as after a user's first run) as a child process; its time includes Node's start, Chromium launch, proof${proofOnly ? '' : ', plates'} and verification. (c)'s script is compiled by esbuild the same way, so neither pays tsx. \`--cli tsx\` runs both from source through tsx instead (about 1 s more for (a)).`
      : `(a) runs \`tsx src/cli.ts build <edition> --out <dir> --concurrency ${concurrency}${proofOnly ? ' --proof-only' : ''}\` as a child process; its time includes tsx start-up, Chromium launch, proof${proofOnly ? '' : ', plates'} and verification. (c) runs through tsx too.`,
    `cold = a fresh output folder (the page cache lives in <out>/.cache, so it starts empty); warm = the same command again on that folder. --no-cache ${hasNoCache ? 'exists but is not passed: it would also stop the cold run from filling the cache the warm run reuses' : 'does not exist in this tree'}. Warm cache use: ${warmCache.join('; ')}. Both runs reuse the whole font faces decoded to TrueType once per machine (the XDG cache, ~/.cache/presswork/fonts, 1.5 s of work the first time).`,
    `(b) runs node_modules/pagedjs-cli/src/cli.js <url> -o <page>.pdf -t <ms> --browserArgs --no-sandbox, one process (and one Chromium) per page, ${concurrency} at a time, PUPPETEER_EXECUTABLE_PATH=${resolveChromium()}. Its Paged.js is the 0.4.3 bundled in pagedjs-cli (dist/browser.js). It makes one PDF per page, no merge, no plates.`,
    '(b) and (c) print the documents as presswork laid them out (our layout script run once, with ?layout-only, then every <script> removed), served over 127.0.0.1 like the build serves them. That pass is not part of any timed run (layoutPassMs in bench.json).',
    '(b) loads every @font-face of fonts.css (Paged.js 0.4.3 preloads all document.fonts: some 500 subset files); presswork skips that because its layout already loaded the fonts the page uses. That cost is part of pagedjs-cli on this HTML.',
    `(c) runs src/bench/print-floor.ts: one Chromium, ${concurrency} tabs, goto + fonts ready + page.pdf({preferCSSPageSize, printBackground}) per page, nothing else.`,
    'Peak memory: summed RSS of every process started by the run (Node, Chromium browser, renderers, GPU/utility), polled every 100 ms; shared pages (the Chromium binary, fonts) count once per process, which overstates Chromium several times over, so the peak summed PSS (every 500 ms) is given beside it. The bench\'s own static server for (b) and (c) is not counted.',
    `load~ includes the run itself (about ${concurrency} busy processes); the machine is shared, so compare rows with similar load~ only.`,
  ];
  const base = {
    version: 1 as const,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cores: availableParallelism(), memoryMb: totalmem() / 2 ** 20, node: process.versions.node, chromium: chromiumVersion() ?? null, loadStart, loadEnd: load() },
    options: { sizes, concurrency, proofOnly, quick },
    notes,
    sizes: sizeResults,
    scaling: scalingOf(sizeResults),
  };
  const table = formatTable(base);
  const result: BenchResult = { ...base, table };
  const jsonPath = resolve(values.json);
  await mkdir(join(jsonPath, '..'), { recursive: true });
  await writeFileAtomic(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${table}\n\nnotes:\n${notes.map((n) => `- ${n}`).join('\n')}\n\nwritten to ${jsonPath}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
