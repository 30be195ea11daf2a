/**
 * The slowly-changing reference data (teams, services, strategies, targets), fetched once per
 * session and shared by the pages and the search box; forget() drops a stale copy.
 */
import { useEffect, useState } from 'react';
import { api } from './api.ts';
import type { Service, Strategies, Target, Team } from './types.ts';

interface Catalog {
  teams: Team[];
  services: Service[];
  strategies: Strategies;
  targets: Target[];
}

type Key = keyof Catalog;

const loaders: { [K in Key]: () => Promise<Catalog[K]> } = {
  teams: async () => (await api.teams()).items,
  services: async () => (await api.services()).items,
  strategies: () => api.strategies(),
  targets: async () => (await api.targets()).items,
};

const cache = new Map<Key, Promise<unknown>>();

function load<K extends Key>(key: K): Promise<Catalog[K]> {
  let promise = cache.get(key) as Promise<Catalog[K]> | undefined;
  if (!promise) {
    promise = loaders[key]();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}

export function forget(key?: Key): void {
  if (key) cache.delete(key);
  else cache.clear();
}

/** The catalog entry, loading it if needed: { data, error }. */
export function useCatalog<K extends Key>(key: K): { data: Catalog[K] | undefined; error: unknown } {
  const [state, setState] = useState<{ data: Catalog[K] | undefined; error: unknown }>({ data: undefined, error: null });
  useEffect(() => {
    let live = true;
    load(key).then(
      (data) => live && setState({ data, error: null }),
      (error: unknown) => live && setState({ data: undefined, error }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

/** The environments in progression order (the order /strategies lists them). */
export function environmentOrder(strategies: Strategies | undefined): string[] {
  return strategies?.environments.map((e) => e.name) ?? [];
}
