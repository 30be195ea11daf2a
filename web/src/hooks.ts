/** Small hooks shared by the pages: loading data, debouncing, live events, the document title. */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type DependencyList } from 'react';
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
 * The latest `value` in a ref, for callbacks that outlive a render (subscriptions, timers) to
 * read; updated after each commit, since a ref must not be written during render.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}

interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  /** The load this state is the outcome of (deps and round); loading while it is not the current one. */
  settled: string | null;
}

/**
 * Loads data when deps change (aborting the previous load; the previous data stays until the new
 * arrives); reload() loads again quietly.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Resource<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: null, settled: null });
  const [round, setRound] = useState(0);
  const loadRef = useLatest(load);
  const key = `${JSON.stringify(deps)}#${round}`;

  useEffect(() => {
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: null, settled: key });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, error, settled: key }));
      },
    );
    return () => controller.abort();
  }, [key, loadRef]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  const setData = useCallback((data: T) => setState((s) => ({ ...s, data })), []);
  return { data: state.data, error: state.error, loading: state.settled !== key, reload, setData };
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
  const ref = useLatest(handler);
  useEffect(() => subscribe((event) => ref.current(event)), [ref]);
}

/**
 * Collects keys and flushes them together after `ms` of quiet (at most `maxMs` after the first),
 * so that a burst of events costs one refetch.
 */
export function useBatcher<K>(flush: (keys: Set<K>) => void, ms = 300, maxMs = 1500): (key: K) => void {
  const flushRef = useLatest(flush);
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
  }, [ms, maxMs, flushRef]);
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · DCP` : 'DCP — Deploy Control Plane';
  }, [title]);
}
