/**
 * Concurrent calls for one key share one call: while a call for `key` is in flight, the next ones get
 * its promise (its result or its error), whatever their other arguments (the first caller's are
 * used); once it settles, the next call starts afresh. No caching beyond the call itself, so nothing
 * is older than the calls it replaces would have been.
 */
export function singleFlight<K, A extends unknown[], V>(call: (key: K, ...rest: A) => Promise<V>): (key: K, ...rest: A) => Promise<V> {
  const inFlight = new Map<K, Promise<V>>();
  return (key, ...rest) => {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const p = (async () => call(key, ...rest))().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };
}
