/** The audit trail (admins only): every write, sign-in and token made or revoked, newest first, filtered. */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { btn } from '../components/Button.tsx';
import { ErrorNote, Loading, Note } from '../components/ErrorNote.tsx';
import { Field } from '../components/Field.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { Badge } from '../components/StatusBadge.tsx';
import { Time } from '../components/Time.tsx';
import { useTitle } from '../hooks.ts';
import { usePaged } from '../paging.ts';
import { useQuery } from '../router.tsx';
import type { AuditFilter, AuditOutcome, AuditRecord } from '../types.ts';
import table from '../components/DataTable.module.css';
import styles from './Audit.module.css';

const OUTCOMES: Record<AuditOutcome, 'ok' | 'bad' | 'wait'> = { success: 'ok', denied: 'wait', failed: 'bad' };
const isOutcome = (value: string | null): value is AuditOutcome => value !== null && value in OUTCOMES;

function Detail({ detail }: { detail: AuditRecord['detail'] }) {
  if (!detail || Object.keys(detail).length === 0) return null;
  return (
    <dl className={styles.detail}>
      {Object.entries(detail).map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd className="mono">{value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Filters({ filter, onApply }: { filter: AuditFilter; onApply: (filter: AuditFilter) => void }) {
  const [actor, setActor] = useState(filter.actor ?? '');
  const [action, setAction] = useState(filter.action ?? '');
  const [outcome, setOutcome] = useState<string>(filter.outcome ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ actor: actor.trim() || undefined, action: action.trim() || undefined, outcome: isOutcome(outcome) ? outcome : undefined });
  };
  const clear = () => {
    setActor('');
    setAction('');
    setOutcome('');
    onApply({});
  };
  return (
    <form className={`${layout.panel} ${styles.filters}`} onSubmit={submit} role="search" aria-label="Filter the audit trail">
      <Field label="Actor" hint="A person's or token's name, exactly.">
        <input type="text" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="e.g. alice" />
      </Field>
      <Field label="Action" hint="The route, exactly.">
        <input type="text" value={action} onChange={(e) => setAction(e.target.value)} placeholder="e.g. POST /api/v1/tokens" className="mono" />
      </Field>
      <Field label="Outcome">
        <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="">Any</option>
          {Object.keys(OUTCOMES).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </Field>
      <div className={styles.filterButtons}>
        <button type="submit" className={btn('primary')}>
          Filter
        </button>
        <button type="button" className={btn('ghost')} onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}

export default function Audit() {
  useTitle('Audit');
  const [query, setQuery] = useQuery();
  const outcome = query.get('outcome');
  const filter: AuditFilter = {
    ...(query.get('actor') ? { actor: query.get('actor') ?? undefined } : {}),
    ...(query.get('action') ? { action: query.get('action') ?? undefined } : {}),
    ...(isOutcome(outcome) ? { outcome } : {}),
  };
  const key = JSON.stringify(filter);
  const records = usePaged((cursor, signal) => api.audit({ ...filter, ...(cursor ? { cursor } : {}) }, signal), [key]);
  const forbidden = records.error instanceof ApiError && records.error.status === 403;

  return (
    <div className={`${layout.page} ${layout.wide}`}>
      <PageHead title="Audit trail">Every write, sign-in, and token made or revoked: who did what, to what, with what outcome, when and from where.</PageHead>
      {forbidden ? (
        <Note tone="info">Only admins can see the audit trail. Ask a DCP admin if you need to know who did something.</Note>
      ) : (
        <>
          <Filters key={key} filter={filter} onApply={(f) => setQuery({ actor: f.actor, action: f.action, outcome: f.outcome })} />
          <section aria-labelledby="records-title" className={layout.section} aria-busy={records.loading} data-testid="audit-records">
            <h2 id="records-title">Records</h2>
            <ErrorNote error={records.error} onRetry={records.reload} />
            {!records.loaded && !records.error && <Loading />}
            {records.loaded && records.items.length === 0 && <p className={layout.empty}>No records match.</p>}
            {records.items.length > 0 && (
              <div className={table.scroll}>
                <table className={table.table}>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">What</th>
                      <th scope="col">Resource</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">From</th>
                    </tr>
                  </thead>
                  <tbody>
                    {records.items.map((r) => (
                      <tr key={r.id} data-testid="audit-record">
                        <td className={styles.nowrap}>
                          <Time iso={r.at} />
                        </td>
                        <td>
                          <strong data-testid="audit-actor">{r.actor}</strong>
                          <div className="muted small">{r.actorKind}</div>
                        </td>
                        <td>
                          <span className="mono" data-testid="audit-action">
                            {r.action}
                          </span>
                          <Detail detail={r.detail} />
                        </td>
                        <td className="mono small">{r.resource ?? <span className="muted">—</span>}</td>
                        <td>
                          <Badge tone={OUTCOMES[r.outcome]} testId="audit-outcome">
                            {r.outcome}
                          </Badge>
                          {r.status !== null && <div className="muted small">HTTP {r.status}</div>}
                        </td>
                        <td className="small">
                          {r.address ? <span className="mono">{r.address}</span> : <span className="muted">—</span>}
                          {r.userAgent && (
                            <div className={`muted ${styles.agent}`} title={r.userAgent}>
                              {r.userAgent}
                            </div>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <ErrorNote error={records.more.error} />
            {records.hasMore && (
              <button type="button" className={`${btn()} ${styles.more}`} onClick={() => void records.more.run()} disabled={records.more.busy}>
                {records.more.busy ? 'Loading…' : 'Load more'}
              </button>
            )}
          </section>
        </>
      )}
    </div>
  );
}
