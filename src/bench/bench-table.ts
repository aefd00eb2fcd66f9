/** What `npm run bench` measures and writes to `output/bench.json`, and how it prints it. */

export type StageId = 'presswork-cold' | 'presswork-warm' | 'pagedjs-cli' | 'chromium-print';

export interface RunResult {
  stage: StageId;
  /** `(a) presswork build cold` and so on, as printed. */
  label: string;
  /** Wall time of the whole run, process start to exit. */
  ms: number;
  /** CPU time of every process of the run (user + system, polled: see process-tree-memory.ts), ms. */
  cpuMs?: number;
  pagesPerSecond: number;
  /** Peak of the summed RSS of every process of the run (Node and Chromium), MiB. */
  peakRssMb: number;
  /** The same peak as PSS (shared pages divided among their processes), sampled every 500 ms, MiB. */
  peakPssMb: number;
  /** Processes in the tree at that peak. */
  peakProcesses: number;
  ok: boolean;
  /** Exit codes that were not 0 (one per failed process). */
  failures: string[];
  /** 1, 5 and 15 minute load averages when the run started and ended. */
  loadStart: number[];
  loadEnd: number[];
  /** Mean 1-minute load average over the run, sampled every second. */
  loadMean: number;
  /** Pages in the PDFs the run wrote (one per page document when pagination is right). */
  pdfPages?: number;
  /** presswork's own stage timings from report.json, ms. */
  timings?: Record<string, number>;
  /** Pages the build took from its page cache (null: the report does not say). */
  cachedPages?: number | null;
  /** Page PDFs in `<out>/.cache/pages` before and after the run (null: no cache folder). */
  cacheEntries?: { before: number; after: number } | null;
  /** Digest of src/, templates/, styles/ and package-lock.json when the run started. */
  codeDigest?: string;
}

export interface SizeResult {
  pages: number;
  stories: number;
  photos: number;
  jumps: number;
  runs: RunResult[];
  /** Time ratios, presswork over baseline: below 1 means presswork is faster. */
  ratios: {
    coldOverPagedjsCli: number | null;
    coldOverChromiumPrint: number | null;
    warmOverPagedjsCli: number | null;
    warmOverChromiumPrint: number | null;
  };
  /** The bench's own layout pass that made the baselines' input (not part of any run), ms. */
  layoutPassMs: number | null;
  /**
   * With --rounds N: each round is a cold build and a bare print run back to back, so both
   * meet about the same load. The table shows the median round; `ratios.coldOverChromiumPrint`
   * is then the median of the rounds' own ratios.
   */
  rounds?: { coldMs: number; floorMs: number; ratio: number; load: number; coldCpuMs?: number; floorCpuMs?: number }[];
}

/** The run with the median time (the lower middle one for an even count). */
export function medianRun(runs: RunResult[]): RunResult {
  return [...runs].sort((x, y) => x.ms - y.ms)[Math.floor((runs.length - 1) / 2)]!;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface BenchResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  machine: { cores: number; memoryMb: number; node: string; chromium: string | null; loadStart: number[]; loadEnd: number[] };
  options: { sizes: number[]; concurrency: number; proofOnly: boolean; quick: boolean };
  notes: string[];
  sizes: SizeResult[];
  /** Seconds per page by stage and size, and how far from linear the largest size is. */
  scaling: Record<string, { secondsPerPage: Record<string, number>; perPageGrowth: number | null }>;
  table: string;
}

export const PROFILE_STAGES = ['load', 'process', 'template', 'render', 'merge', 'plates', 'verify'];

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const pad = (text: string, width: number, right = false) => (right ? text.padEnd(width) : text.padStart(width));

export function ratio(a: RunResult | undefined, b: RunResult | undefined): number | null {
  if (!a || !b || !a.ok || !b.ok || b.ms <= 0) return null;
  return a.ms / b.ms;
}

export function sizeRatios(runs: RunResult[]): SizeResult['ratios'] {
  const find = (stage: StageId) => runs.find((r) => r.stage === stage);
  return {
    coldOverPagedjsCli: ratio(find('presswork-cold'), find('pagedjs-cli')),
    coldOverChromiumPrint: ratio(find('presswork-cold'), find('chromium-print')),
    warmOverPagedjsCli: ratio(find('presswork-warm'), find('pagedjs-cli')),
    warmOverChromiumPrint: ratio(find('presswork-warm'), find('chromium-print')),
  };
}

export function scalingOf(sizes: SizeResult[]): BenchResult['scaling'] {
  const scaling: BenchResult['scaling'] = {};
  const sorted = [...sizes].sort((x, y) => x.pages - y.pages);
  for (const stage of ['presswork-cold', 'presswork-warm', 'pagedjs-cli', 'chromium-print'] as StageId[]) {
    const secondsPerPage: Record<string, number> = {};
    for (const size of sorted) {
      const run = size.runs.find((r) => r.stage === stage);
      if (run?.ok) secondsPerPage[String(size.pages)] = run.ms / 1000 / size.pages;
    }
    const values = Object.values(secondsPerPage);
    const perPageGrowth = values.length >= 2 ? values[values.length - 1]! / values[0]! : null;
    scaling[stage] = { secondsPerPage, perPageGrowth };
  }
  return scaling;
}

/** The table as printed: one row per run, the ratios on presswork's rows. */
export function formatTable(result: Omit<BenchResult, 'table'>): string {
  const lines: string[] = [];
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  lines.push(
    `presswork bench · ${result.machine.cores} cores · ${Math.round(result.machine.memoryMb)} MB · node ${result.machine.node} · ${result.machine.chromium ?? 'chromium ?'}`,
    `concurrency ${result.options.concurrency}${result.options.proofOnly ? ' · presswork --proof-only' : ' · presswork proof + plates'} · load average (1/5/15 min) at start ${load(result.machine.loadStart)}, at end ${load(result.machine.loadEnd)}`,
    '',
  );
  const header = `${pad('pages', 5)}  ${pad('run', 30, true)} ${pad('wall s', 8)} ${pad('cpu s', 7)} ${pad('pages/s', 8)} ${pad('RSS MB', 8)} ${pad('PSS MB', 8)} ${pad('procs', 5)} ${pad('a/b', 6)} ${pad('a/c', 6)} ${pad('load~', 6)}  note`;
  lines.push(header, '-'.repeat(header.length + 10));
  for (const size of result.sizes) {
    for (const run of size.runs) {
      const cold = run.stage === 'presswork-cold';
      const warm = run.stage === 'presswork-warm';
      const ab = cold ? size.ratios.coldOverPagedjsCli : warm ? size.ratios.warmOverPagedjsCli : undefined;
      const ac = cold ? size.ratios.coldOverChromiumPrint : warm ? size.ratios.warmOverChromiumPrint : undefined;
      const notes = [
        run.ok ? '' : `FAILED ${run.failures.slice(0, 2).join('; ')}`,
        run.cachedPages ? `${run.cachedPages} pages from cache` : '',
        run.cacheEntries ? `page cache ${run.cacheEntries.before}→${run.cacheEntries.after} entries` : '',
        run.stage === 'presswork-warm' && run.codeDigest && size.runs.find((r) => r.stage === 'presswork-cold')?.codeDigest !== run.codeDigest
          ? 'code changed since the cold run: cache keys differ'
          : '',
        run.pdfPages !== undefined && run.pdfPages !== size.pages ? `${run.pdfPages} PDF pages for ${size.pages} documents` : '',
      ].filter(Boolean);
      lines.push(
        `${pad(String(size.pages), 5)}  ${pad(run.label, 30, true)} ${pad(fixed(run.ms / 1000, 1), 8)} ${pad(fixed(run.cpuMs === undefined ? null : run.cpuMs / 1000, 1), 7)} ${pad(fixed(run.pagesPerSecond, 3), 8)} ${pad(fixed(run.peakRssMb, 0), 8)} ${pad(fixed(run.peakPssMb, 0), 8)} ${pad(String(run.peakProcesses), 5)} ${pad(ab === undefined ? '' : fixed(ab, 2), 6)} ${pad(ac === undefined ? '' : fixed(ac, 2), 6)} ${pad(fixed(run.loadMean, 1), 6)}  ${notes.join('; ')}`,
      );
    }
    lines.push(`${pad('', 5)}  edition: ${size.stories} stories, ${size.photos} photos, ${size.jumps} jumps`);
    if (size.rounds && size.rounds.length > 1) {
      const each = size.rounds.map((r) => `${(r.coldMs / 1000).toFixed(1)}/${(r.floorMs / 1000).toFixed(1)} s = ${r.ratio.toFixed(2)} @${r.load.toFixed(1)}`).join(', ');
      lines.push(`${pad('', 5)}  a/c over ${size.rounds.length} back-to-back rounds (cold/floor = ratio @load): median ${median(size.rounds.map((r) => r.ratio)).toFixed(2)}; ${each}`);
      const cpu = size.rounds.filter((r) => r.coldCpuMs && r.floorCpuMs).map((r) => r.coldCpuMs! / r.floorCpuMs!);
      if (cpu.length > 0) lines.push(`${pad('', 5)}  the same rounds in CPU time (cold cpu / floor cpu): median ${median(cpu).toFixed(2)}; ${cpu.map((r) => r.toFixed(2)).join(', ')}`);
    }
  }
  lines.push(
    '',
    'a/b, a/c: presswork wall time over pagedjs-cli\'s and over Chromium\'s bare print (below 1: presswork is faster).',
    'cpu s: CPU time (user + system) of every process of the run; less dependent on the machine\'s load than the wall time.',
    'RSS MB: peak of the summed RSS of the run\'s processes (shared pages counted once per process); PSS MB: the same peak as PSS.',
    `load~: mean 1-minute load average during the run (${result.machine.cores} cores; above ${result.machine.cores} other work competes for the CPU).`,
    '',
  );
  lines.push(...formatProfile(result.sizes), '', ...formatScaling(result.scaling));
  return lines.join('\n');
}

/** presswork's stage timings (report.json `timings`) per size, cold and warm, in seconds. */
export function formatProfile(sizes: SizeResult[]): string[] {
  const columns: { title: string; timings?: Record<string, number> }[] = [];
  for (const size of sizes) {
    for (const run of size.runs.filter((r) => r.timings)) {
      columns.push({ title: `${size.pages}p ${run.stage === 'presswork-cold' ? 'cold' : 'warm'}`, timings: run.timings });
    }
  }
  if (columns.length === 0) return [];
  const keys = [...PROFILE_STAGES];
  for (const column of columns) for (const key of Object.keys(column.timings ?? {})) if (!keys.includes(key) && key !== 'total') keys.push(key);
  keys.push('total');
  const lines = [`presswork profile (report.json timings, s; render = layout + Paged.js + page.pdf per page, in the tab pool)`];
  lines.push(`${pad('stage', 10, true)}${columns.map((c) => pad(c.title, 11)).join('')}`);
  for (const key of keys) {
    lines.push(`${pad(key, 10, true)}${columns.map((c) => pad(fixed(c.timings?.[key] === undefined ? null : c.timings[key]! / 1000, 1), 11)).join('')}`);
  }
  return lines;
}

export function formatScaling(scaling: BenchResult['scaling']): string[] {
  const lines = ['scaling (s per page by edition size; growth = s/page at the largest size over the smallest, 1.00 = linear)'];
  for (const [stage, { secondsPerPage, perPageGrowth }] of Object.entries(scaling)) {
    const cells = Object.entries(secondsPerPage).map(([pages, s]) => `${pages}p ${s.toFixed(2)}`);
    if (cells.length === 0) continue;
    lines.push(`${pad(stage, 16, true)} ${cells.join(' → ')}${perPageGrowth === null ? '' : `   growth ${perPageGrowth.toFixed(2)}`}`);
  }
  return lines;
}
