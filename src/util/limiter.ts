/** A gate that runs at most `limit` tasks at once, the rest in the order they came. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= Math.max(1, limit)) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next task, so none can slip in between.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
