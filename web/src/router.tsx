/** A tiny router on the History API: the current location, navigate(), <Link> and path matching. */
import { useCallback, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

function notify(): void {
  for (const fn of listeners) fn();
}

window.addEventListener('popstate', notify);

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const current = location.pathname + location.search + location.hash;
  if (to === current) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

function useSearch(): string {
  return useSyncExternalStore(subscribe, () => location.search);
}

/** The query string as a record, and a setter that replaces the given keys (empty removes). */
export function useQuery(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const search = useSearch();
  const params = new URLSearchParams(search);
  const set = useCallback((changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const text = next.toString();
    navigate(location.pathname + (text ? `?${text}` : ''), { replace: true });
  }, []);
  return [params, set];
}

/** Matches '/deployments/:id' against a pathname; the decoded params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(have[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== have[i]) return null;
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
