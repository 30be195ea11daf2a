/**
 * A live, paged list of deployments for a filter: pages of 50 by cursor ("Load more"), and on
 * stream events the affected deployments are refetched (debounced, batched) — new ones appear at
 * the top, changed ones are replaced in place (other rows keep their identity, so do not re-render).
 */
import { useCallback, useEffect, useState } from 'react';
import { api, type DeploymentFilter } from './api.ts';
import { useBatcher, useLatest, useLiveEvents } from './hooks.ts';
import type { Deployment } from './types.ts';

const HEAD = '__head__';
const MAX_SINGLE_REFETCH = 20;

interface State {
  items: Deployment[];
  cursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
}

/** Whether a row shows something new (times alone do not tell: moves in one instant share a time). */
function changed(shown: Deployment, update: Deployment): boolean {
  return update.updatedAt !== shown.updatedAt || update.status !== shown.status || update.statusDetail !== shown.statusDetail;
}

function merge(items: Deployment[], updates: Deployment[]): Deployment[] {
  const byId = new Map(updates.map((d) => [d.id, d]));
  const next = items.map((d) => {
    const update = byId.get(d.id);
    byId.delete(d.id);
    return update && changed(d, update) ? update : d;
  });
  if (byId.size === 0) return next;
  return [...byId.values(), ...next].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

function isDeploymentEvent(type: string): boolean {
  return type.startsWith('Deployment') && !type.startsWith('DeploymentPhase');
}

export type DeploymentList = ReturnType<typeof useDeploymentList>;

export function useDeploymentList(filter: DeploymentFilter, pageSize = 50) {
  const key = JSON.stringify(filter);
  const [state, setState] = useState<State>({ items: [], cursor: null, loading: true, loadingMore: false, error: null });
  const itemsRef = useLatest(state.items);
  const filterRef = useLatest(filter);
  const [round, setRound] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ items: [], cursor: null, loading: true, loadingMore: false, error: null });
    api.deployments({ ...filterRef.current, limit: pageSize }, controller.signal).then(
      (page) => setState({ items: page.items, cursor: page.nextCursor, loading: false, loadingMore: false, error: null }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, loading: false, error }));
      },
    );
    return () => controller.abort();
  }, [key, pageSize, round, filterRef]);

  const loadMore = useCallback(async () => {
    const cursor = state.cursor;
    if (!cursor || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true, error: null }));
    try {
      const page = await api.deployments({ ...filterRef.current, limit: pageSize, cursor });
      setState((s) => {
        const known = new Set(s.items.map((d) => d.id));
        return { ...s, items: [...s.items, ...page.items.filter((d) => !known.has(d.id))], cursor: page.nextCursor, loadingMore: false };
      });
    } catch (error) {
      setState((s) => ({ ...s, loadingMore: false, error }));
    }
  }, [state.cursor, state.loadingMore, pageSize, filterRef]);

  const refetch = useBatcher<string>(async (keys) => {
    const ids = [...keys].filter((k) => k !== HEAD);
    const requests: Promise<Deployment[]>[] = [];
    if (keys.has(HEAD) || ids.length > MAX_SINGLE_REFETCH) {
      requests.push(api.deployments({ ...filterRef.current, limit: pageSize }).then((p) => p.items));
    }
    if (ids.length <= MAX_SINGLE_REFETCH) {
      for (const id of ids) requests.push(api.deployment(id).then((d) => [d], () => []));
    }
    try {
      const updates = (await Promise.all(requests)).flat();
      if (updates.length) setState((s) => ({ ...s, items: merge(s.items, updates) }));
    } catch {
      // The next event retries; a stale row is better than an error banner here.
    }
  });

  useLiveEvents((event) => {
    const id = event.data?.deploymentId;
    if (!id) return;
    if (itemsRef.current.some((d) => d.id === id)) refetch(id);
    else if (isDeploymentEvent(event.type)) refetch(HEAD);
  });

  /** Puts a deployment the app changed (e.g. cancelled) in place at once, before its events arrive. */
  const replace = useCallback((d: Deployment) => setState((s) => ({ ...s, items: merge(s.items, [d]) })), []);

  return { ...state, hasMore: state.cursor !== null, loadMore, replace, retry: () => setRound((n) => n + 1) };
}
