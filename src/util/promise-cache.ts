/** Promises kept by key: each value is made once and shared; a failure is forgotten, so the next call tries again. */
export interface PromiseCache<K, V> {
  get(key: K, make: () => Promise<V>): Promise<V>;
  values(): Promise<V>[];
}

export function createPromiseCache<K, V>(): PromiseCache<K, V> {
  const made = new Map<K, Promise<V>>();
  return {
    get(key, make) {
      let value = made.get(key);
      if (!value) {
        value = make();
        made.set(key, value);
        value.catch(() => made.delete(key));
      }
      return value;
    },
    values: () => [...made.values()],
  };
}
