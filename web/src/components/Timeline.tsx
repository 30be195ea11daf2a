/** The deployment's events, oldest first: the log so far, then appended live from the stream. */
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useLiveEvents } from '../hooks.ts';
import type { DcpEvent } from '../types.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { toneOf } from './StatusBadge.tsx';
import { layout } from './Page.tsx';
import { Time } from './Time.tsx';
import styles from './Timeline.module.css';

function add(list: DcpEvent[], more: DcpEvent[]): DcpEvent[] {
  const known = new Set(list.map((e) => e.position));
  const fresh = more.filter((e) => !known.has(e.position));
  if (fresh.length === 0) return list;
  return [...list, ...fresh].sort((a, b) => a.position - b.position);
}

/** "DeploymentPhaseStarted" → "Deployment phase started". */
function humanize(type: string): string {
  const words = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function Timeline({ deploymentId }: { deploymentId: string }) {
  const [events, setEvents] = useState<DcpEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);

  useLiveEvents((event) => {
    if (event.data?.deploymentId === deploymentId) setEvents((list) => add(list, [event]));
  });

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      let after = 0;
      for (;;) {
        const page = await api.events(deploymentId, after, controller.signal);
        setEvents((list) => add(list, page.items));
        if (page.items.length < 500) break;
        after = page.items[page.items.length - 1].position;
      }
    })().then(
      () => {
        setLoading(false);
        setError(null);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [deploymentId, round]);

  return (
    <section className={layout.panel} aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ErrorNote error={error} onRetry={() => setRound((n) => n + 1)} />
      {loading && events.length === 0 && <p className="muted">Loading events…</p>}
      <ol className={styles.timeline} data-testid="timeline">
        {events.map((e) => (
          <li key={e.position} className={`${styles.item} ${styles[e.data.to ? toneOf(e.data.to) : 'idle'] ?? ''}`}>
            <Time iso={e.time} timeOnly />
            <div>
              <div className={styles.title}>
                <span className={styles.type}>{humanize(e.type)}</span>
                {(e.data.environment || e.data.target) && (
                  <span className={styles.where}>{[e.data.environment, e.data.target].filter(Boolean).join(' · ')}</span>
                )}
                {e.data.to && (
                  <span className={styles.move}>
                    {e.data.from ? `${e.data.from} → ` : ''}
                    {e.data.to}
                  </span>
                )}
              </div>
              {e.data.statusDetail && <div className={styles.detail}>{e.data.statusDetail}</div>}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
