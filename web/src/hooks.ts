/** Small hooks shared by the pages: loading data, debouncing, live events, the document title. */
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { subscribe } from './live.ts';
import type { DcpEvent } from './types.ts';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/**
 * Loads data when deps change (aborting the previous load; the previous data stays until the new
 * arrives); reload() loads again quietly.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const depsKey = JSON.stringify(deps);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [depsKey, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Calls handler for every live event while mounted (the latest handler; one subscription). */
export function useLiveEvents(handler: (event: DcpEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribe((event) => ref.current(event)), []);
}

/**
 * Collects keys and flushes them together after `ms` of quiet (at most `maxMs` after the first),
 * so that a burst of events costs one refetch.
 */
export function useBatcher<K>(flush: (keys: Set<K>) => void, ms = 300, maxMs = 1500): (key: K) => void {
  const flushRef = useRef(flush);
  flushRef.current = flush;
  const pending = useRef(new Set<K>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const first = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback((key: K) => {
    pending.current.add(key);
    const now = Date.now();
    if (!timer.current) first.current = now;
    clearTimeout(timer.current);
    const wait = Math.max(0, Math.min(ms, first.current + maxMs - now));
    timer.current = setTimeout(() => {
      timer.current = undefined;
      const keys = pending.current;
      pending.current = new Set();
      flushRef.current(keys);
    }, wait);
  }, [ms, maxMs]);
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · DCP` : 'DCP — Deploy Control Plane';
  }, [title]);
}
