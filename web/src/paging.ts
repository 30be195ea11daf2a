/**
 * A list the API pages with a cursor: the first page loads with `deps` (like useResource), and
 * `more.run()` appends the next one ("Load more"). A reload starts again from the first page;
 * `replace` swaps one item in place (e.g. a revoked token) without reloading.
 */
import { useState, type DependencyList } from 'react';
import { useResource } from './hooks.ts';
import type { Page } from './types.ts';
import { useAction, type Action } from './useAction.ts';

export interface Paged<T> {
  items: T[];
  /** The first page has arrived (items may still be empty). */
  loaded: boolean;
  loading: boolean;
  error: unknown;
  reload: () => void;
  /** There is a next page to load. */
  hasMore: boolean;
  more: Action<[], void>;
  replace: (item: T) => void;
}

export function usePaged<T extends { id: string }>(load: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>, deps: DependencyList): Paged<T> {
  const first = useResource((signal) => load(undefined, signal), deps);
  // Later pages and replaced items belong to the first page they were loaded after: a reload drops them.
  const [later, setLater] = useState<{ base: Page<T> | undefined; items: T[]; nextCursor: string | null | undefined; replaced: Record<string, T> } | null>(null);
  const current = later && later.base === first.data ? later : null;
  const replaced = current?.replaced ?? {};
  const items = [...(first.data?.items ?? []), ...(current?.items ?? [])].map((item) => replaced[item.id] ?? item);
  // undefined: no later page loaded yet, so the first page's cursor is the one.
  const nextCursor = current?.nextCursor === undefined ? (first.data?.nextCursor ?? null) : current.nextCursor;

  const more = useAction(async () => {
    if (!nextCursor) return;
    const base = first.data;
    const page = await load(nextCursor);
    setLater((l) => {
      const kept = l && l.base === base ? l : { base, items: [], nextCursor: undefined, replaced: {} };
      return { ...kept, items: [...kept.items, ...page.items], nextCursor: page.nextCursor };
    });
  });

  const replace = (item: T) => {
    const base = first.data;
    setLater((l) => {
      const kept = l && l.base === base ? l : { base, items: [], nextCursor: undefined, replaced: {} };
      return { ...kept, replaced: { ...kept.replaced, [item.id]: item } };
    });
  };

  return { items, loaded: first.data !== undefined, loading: first.loading, error: first.error, reload: first.reload, hasMore: Boolean(nextCursor), more, replace };
}
