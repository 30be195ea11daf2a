/**
 * The global search box: teams and services matched in the browser, deployments from
 * GET /deployments?q= (debounced), as a combobox with a listbox of results.
 */
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { api } from '../api.ts';
import { useCatalog } from '../catalog.ts';
import { useDebounced } from '../hooks.ts';
import { navigate } from '../router.tsx';
import type { Deployment } from '../types.ts';
import styles from './Search.module.css';
import { StatusBadge } from './StatusBadge.tsx';

interface Result {
  kind: 'Team' | 'Service' | 'Deployment';
  label: string;
  hint: string;
  to: string;
  status?: string;
}

function matches(query: string, ...fields: (string | undefined)[]): boolean {
  return fields.some((f) => f?.toLowerCase().includes(query));
}

export function GlobalSearch() {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [found, setFound] = useState<{ query: string; items: Deployment[] }>({ query: '', items: [] });
  const teams = useCatalog('teams').data;
  const services = useCatalog('services').data;
  const listId = useId();
  const query = text.trim().toLowerCase();
  const debounced = useDebounced(query, 250);

  useEffect(() => {
    if (!debounced) return;
    const controller = new AbortController();
    api.deployments({ q: debounced, limit: 6 }, controller.signal).then(
      (page) => setFound({ query: debounced, items: page.items }),
      () => undefined,
    );
    return () => controller.abort();
  }, [debounced]);

  const results = useMemo<Result[]>(() => {
    if (!query) return [];
    const out: Result[] = [];
    for (const t of teams ?? []) {
      if (matches(query, t.name, t.title)) out.push({ kind: 'Team', label: t.title ?? t.name, hint: `${t.services.length} services`, to: `/teams/${encodeURIComponent(t.name)}` });
    }
    for (const s of services ?? []) {
      if (matches(query, s.name)) out.push({ kind: 'Service', label: s.name, hint: `team ${s.team}${s.isGov ? ' · GOV' : ''}`, to: `/services/${encodeURIComponent(s.name)}` });
    }
    const deployments = found.query && query.startsWith(found.query) ? found.items : [];
    for (const d of deployments) {
      out.push({ kind: 'Deployment', label: `${d.service} ${d.version ?? d.artifactManifest.version}`, hint: d.buildId ?? d.id, to: `/deployments/${d.id}`, status: d.status });
    }
    return out.slice(0, 14);
  }, [query, teams, services, found]);

  const show = open && query.length > 0;
  const choose = (result: Result | undefined) => {
    if (!result) return;
    navigate(result.to);
    setOpen(false);
    setText('');
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      if (results.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + results.length) % results.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(results[active] ?? results[0]);
    } else if (event.key === 'Escape') {
      if (show) setOpen(false);
      else setText('');
    }
  };

  const optionId = (i: number) => `${listId}-${i}`;
  return (
    <form role="search" className={styles.search} onSubmit={(e) => e.preventDefault()}>
      <input
        type="search"
        aria-label="Search"
        placeholder="Search teams, services, deployments…"
        role="combobox"
        aria-expanded={show && results.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={show && active >= 0 ? optionId(active) : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {show && results.length > 0 && (
        <ul role="listbox" id={listId} aria-label="Matches" className={styles.results}>
          {results.map((r, i) => (
            <li
              key={`${r.kind}-${r.to}`}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={styles.option}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(r)}
            >
              <span className={styles.kind}>{r.kind}</span>
              <span className={styles.label}>{r.label}</span>
              {r.status && <StatusBadge status={r.status} small className={styles.badge} />}
              <span className={styles.hint}>{r.hint}</span>
            </li>
          ))}
        </ul>
      )}
      {show && results.length === 0 && debounced === query && found.query === query && (
        <div className={`${styles.results} ${styles.empty}`} role="status">
          No matches for “{text.trim()}”
        </div>
      )}
    </form>
  );
}
