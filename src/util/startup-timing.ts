/**
 * Start-up timing marks for measuring (PRESSWORK_TIMING=1): each mark once, on stderr, in ms
 * since the process started (Node's performance clock starts with the process), and the CPU
 * time the process has used so far: on a loaded machine the wall time says little, the CPU
 * time of the main process says what presswork itself costs.
 */
const seen = new Set<string>();

export function markOnce(name: string): void {
  if (!process.env.PRESSWORK_TIMING || seen.has(name)) return;
  seen.add(name);
  const { user, system } = process.cpuUsage();
  process.stderr.write(`presswork timing: ${name} ${Math.round(performance.now())} ms (cpu ${Math.round((user + system) / 1000)} ms)\n`);
}
