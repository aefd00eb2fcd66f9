/**
 * Start-up timing marks for measuring (PRESSWORK_TIMING=1): each mark once, on stderr, in ms
 * since the process started (Node's performance clock starts with the process).
 */
const seen = new Set<string>();

export function markOnce(name: string): void {
  if (!process.env.PRESSWORK_TIMING || seen.has(name)) return;
  seen.add(name);
  process.stderr.write(`presswork timing: ${name} ${Math.round(performance.now())} ms\n`);
}
