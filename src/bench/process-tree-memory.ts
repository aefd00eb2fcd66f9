import { readdirSync, readFileSync } from 'node:fs';

/** Linux page size; the RSS in /proc/<pid>/stat is counted in pages. */
const PAGE_BYTES = 4096;
/** Clock ticks per second of utime and stime (USER_HZ, 100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  rssBytes: number;
  /** CPU time the process has used so far, user and system, ms. */
  cpuMs: number;
  /** When the process started (ticks since boot): with the pid, names it even if its pid is reused. */
  startTicks: number;
}

/** Parse `/proc/<pid>/stat`: the command name is in parentheses and may hold spaces. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // After ") ": state(3) ppid(4) … utime(14) stime(15) … starttime(22) … rss(24); index 0 here is field 3.
  const fields = text.slice(close + 2).trim().split(' ');
  const ppid = Number(fields[1]);
  const rssPages = Number(fields[21]);
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const startTicks = Number(fields[19]);
  if (!Number.isFinite(pid) || !Number.isFinite(ppid) || !Number.isFinite(rssPages)) return undefined;
  return { pid, ppid, rssBytes: rssPages * PAGE_BYTES, cpuMs: Number.isFinite(cpuTicks) ? (cpuTicks * 1000) / TICKS_PER_SECOND : 0, startTicks };
}

function readAllStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (stat) stats.push(stat);
    } catch {
      // The process ended between readdir and read.
    }
  }
  return stats;
}

/** The descendants of `root` (children, their children, …), not `root` itself. */
export function descendants<T extends Pick<ProcStat, 'pid' | 'ppid'>>(root: number, stats: T[]): T[] {
  const children = new Map<number, T[]>();
  for (const stat of stats) {
    const list = children.get(stat.ppid);
    if (list) list.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const found: T[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let next = queue.shift(); next; next = queue.shift()) {
    found.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return found;
}

/** Sum of RSS of the descendants of `root`. */
export function treeRssBytes(root: number, stats: Pick<ProcStat, 'pid' | 'ppid' | 'rssBytes'>[]): { bytes: number; processes: number } {
  const tree = descendants(root, stats);
  return { bytes: tree.reduce((sum, s) => sum + s.rssBytes, 0), processes: tree.length };
}

/** Proportional set size of a process (shared pages divided among their users), bytes. */
function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface MemoryPeak {
  /** Peak of the summed RSS: shared pages (the Chromium binary, fonts) count once per process. */
  peakBytes: number;
  peakProcesses: number;
  /** Peak of the summed PSS: shared pages divided among the processes that map them. */
  peakPssBytes: number;
  /**
   * CPU time of every descendant, user and system, ms: on a shared machine the wall time
   * depends on the load, the CPU time much less. A process's last sample counts, so one that
   * ends between two polls loses up to an interval of its time.
   */
  cpuMs: number;
  samples: number;
}

export interface MemoryWatch {
  /** Stop polling; the peaks seen so far. */
  stop(): MemoryPeak;
}

/**
 * Poll /proc every `intervalMs` and keep the peak of the summed RSS of every descendant of
 * `root` (default: this process), which covers child Node processes and the Chromium
 * processes they start. RSS counts shared pages once per process, which for Chromium's
 * dozen processes overstates the total several times over, so every `pssEvery`-th sample
 * also sums PSS (smaps_rollup is slower to read).
 */
export function watchTreeMemory(root: number = process.pid, intervalMs = 100, pssEvery = 5): MemoryWatch {
  let peakBytes = 0;
  let peakProcesses = 0;
  let peakPssBytes = 0;
  let samples = 0;
  const cpu = new Map<string, number>();
  const sample = () => {
    const tree = descendants(root, readAllStats());
    for (const s of tree) cpu.set(`${s.pid}/${s.startTicks}`, s.cpuMs);
    const bytes = tree.reduce((sum, s) => sum + s.rssBytes, 0);
    if (samples % pssEvery === 0) peakPssBytes = Math.max(peakPssBytes, tree.reduce((sum, s) => sum + pssBytes(s.pid), 0));
    samples++;
    if (bytes > peakBytes) {
      peakBytes = bytes;
      peakProcesses = tree.length;
    }
  };
  const timer = setInterval(sample, intervalMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakBytes, peakProcesses, peakPssBytes, cpuMs: [...cpu.values()].reduce((a, b) => a + b, 0), samples };
    },
  };
}
