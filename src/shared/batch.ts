/**
 * Calls made in the same turn of the event loop, loaded together: `load` gets every key asked for
 * since the last turn (once each) and answers with a map; a key it leaves out resolves undefined.
 * Many jobs claimed at once read their work in one query, not one each.
 */
export function batched<K, V>(load: (keys: K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  let waiting: Map<K, { resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[]> | null = null;
  function flush(): void {
    const batch = waiting!;
    waiting = null;
    load([...batch.keys()]).then(
      (values) => {
        for (const [key, callers] of batch) for (const caller of callers) caller.resolve(values.get(key));
      },
      (error: unknown) => {
        for (const callers of batch.values()) for (const caller of callers) caller.reject(error);
      },
    );
  }
  return (key) =>
    new Promise((resolve, reject) => {
      if (!waiting) {
        waiting = new Map();
        setImmediate(flush);
      }
      const callers = waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
    });
}
