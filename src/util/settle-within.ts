/**
 * `work`'s value, or undefined once `ms` have passed without it: for waits that must not
 * hold up a shutdown (a tab or browser that no longer answers). `work` still runs on.
 */
export async function settleWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
