import { readdirSync, readFileSync } from 'node:fs';

/** Processes as /proc shows them (Linux): pid, parent, state and command line. */
interface Proc {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split after the last `)`.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, ppid: Number(ppid), state: state!, cmdline };
  } catch {
    return undefined; // gone between listing and reading
  }
}

export function listProcesses(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is Proc => p !== undefined);
}

/** Every process below `pid`, children of children included. */
export function descendants(pid: number): Proc[] {
  const all = listProcesses();
  const found: Proc[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all) if (p.ppid === parent) found.push(p), queue.push(p.pid);
  }
  return found;
}

/** Running: it exists and is not a zombie waiting to be reaped. */
export function running(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== 'Z';
}

/** The Chromium processes of one browser, found by its profile folder (crashpad daemonises to pid 1). */
export function browserProcesses(profileDir: string): Proc[] {
  return listProcesses().filter((p) => p.cmdline.includes(profileDir) && p.state !== 'Z');
}

/** The `--user-data-dir` of the first Chromium below `pid`, once one has started. */
export function chromiumProfileOf(pid: number): string | undefined {
  for (const p of descendants(pid)) {
    const match = /--user-data-dir=(\S+)/.exec(p.cmdline);
    if (match) return match[1];
  }
  return undefined;
}

export async function waitUntil(condition: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return condition();
}
