/** One deployment: header, actions, error panel, the pipeline of phases, omitted environments, timeline. */
import { useCallback, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { btn } from '../components/Button.tsx';
import { CancelDialog } from '../components/CancelDialog.tsx';
import { CloneDialog } from '../components/CloneDialog.tsx';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { ErrorPanel } from '../components/ErrorPanel.tsx';
import { layout } from '../components/Page.tsx';
import { PhaseCard } from '../components/PhaseCard.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Time } from '../components/Time.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { isEnded, shortId } from '../format.ts';
import { useBatcher, useLiveEvents, useResource, useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';
import type { Deployment as D } from '../types.ts';
import styles from './Deployment.module.css';

function Facts({ d }: { d: D }) {
  const findings = Object.entries(d.scanFindings?.counts ?? {}).filter(([, n]) => n > 0);
  return (
    <dl className={styles.facts}>
      <div>
        <dt>Team</dt>
        <dd>
          <Link to={`/teams/${encodeURIComponent(d.team)}`}>{d.team}</Link>
        </dd>
      </div>
      <div>
        <dt>Channel · strategy</dt>
        <dd>
          {d.channel} · {d.strategy}
        </dd>
      </div>
      <div>
        <dt>Build</dt>
        <dd className="mono">{d.buildId ?? <span className="muted">manual</span>}</dd>
      </div>
      <div>
        <dt>Triggered by</dt>
        <dd>{d.triggeredBy}</dd>
      </div>
      {d.clonedFrom && (
        <div>
          <dt>Cloned from</dt>
          <dd>
            <Link to={`/deployments/${d.clonedFrom}`} className="mono" title={d.clonedFrom}>
              {shortId(d.clonedFrom)}
            </Link>
          </dd>
        </div>
      )}
      <div>
        <dt>Created</dt>
        <dd>
          <Time iso={d.createdAt} />
        </dd>
      </div>
      {d.source?.commit && (
        <div>
          <dt>Source</dt>
          <dd className="mono">
            {d.source.repository ? (
              <a href={`${d.source.repository}/commit/${d.source.commit}`} target="_blank" rel="noreferrer">
                {d.source.commit.slice(0, 10)}
              </a>
            ) : (
              d.source.commit.slice(0, 10)
            )}
            {d.source.branch && <span className="muted"> on {d.source.branch}</span>}
          </dd>
        </div>
      )}
      {d.scanFindings && (
        <div>
          <dt>Scan findings</dt>
          <dd>{findings.length ? findings.map(([s, n]) => `${n} ${s}`).join(', ') : 'none'}</dd>
        </div>
      )}
      {d.reason && (
        <div className={styles.wide}>
          <dt>Reason</dt>
          <dd>{d.reason}</dd>
        </div>
      )}
    </dl>
  );
}

function Artifact({ d }: { d: D }) {
  const m = d.artifactManifest;
  return (
    <section className={layout.panel} aria-labelledby="artifact-title">
      <h2 id="artifact-title">Artifact</h2>
      <h3 className={layout.subhead}>Images</h3>
      <ul className={`${styles.plainList} mono small`}>
        {m.images.map((i) => (
          <li key={i.name + (i.digest ?? '')} className="wrap-anywhere">
            {i.name}
            {i.tag && `:${i.tag}`}
            {i.digest && <span className="muted">@{i.digest}</span>}
          </li>
        ))}
        {m.images.length === 0 && <li className="muted">none</li>}
      </ul>
      <h3 className={layout.subhead}>Charts</h3>
      <ul className={`${styles.plainList} mono small`}>
        {m.charts.map((c) => (
          <li key={c.name} className="wrap-anywhere">
            {c.name} {c.version} {c.repository && <span className="muted">from {c.repository}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function Deployment({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const deployment = useResource((signal) => api.deployment(id, signal), [id]);
  const [dialog, setDialog] = useState<'cancel' | 'clone' | null>(null);
  const d = deployment.data;
  useTitle(d ? `${d.service} ${d.artifactManifest.version}` : 'Deployment');

  const { setData, reload } = deployment;
  const refresh = useBatcher<string>(() => reload(), 250);
  useLiveEvents((event) => {
    if (event.data?.deploymentId === id) refresh(id);
  });
  const onChanged = useCallback((updated?: D) => (updated ? setData(updated) : reload()), [setData, reload]);

  if (!d) {
    if (deployment.error instanceof ApiError && deployment.error.status === 404) {
      return (
        <div className={layout.page}>
          <h1>Deployment not found</h1>
          <p className="muted">There is no deployment {id}.</p>
          <Link to="/deployments">All deployments</Link>
        </div>
      );
    }
    return <div className={layout.page}>{deployment.error ? <ErrorNote error={deployment.error} onRetry={reload} /> : <Loading label="Loading deployment…" />}</div>;
  }

  const ended = isEnded(d.status);
  return (
    <div className={`${layout.page} ${layout.wide}`}>
      <nav aria-label="Breadcrumb" className={layout.crumbs}>
        <Link to={`/services/${encodeURIComponent(d.service)}`}>{d.service}</Link>
        <span aria-hidden="true"> / </span>
        <span className="mono" title={d.id}>
          deployment {shortId(d.id)}
        </span>
      </nav>
      <header className={styles.head}>
        <div className={styles.title}>
          <h1>
            {d.service} <span className={styles.version}>{d.artifactManifest.version}</span>
          </h1>
          <div className={styles.status}>
            <StatusBadge status={d.status} testId="deployment-status" large />
            <span className="muted">{d.statusDetail}</span>
          </div>
        </div>
        <div className={styles.actions}>
          <button type="button" className={btn()} onClick={() => setDialog('clone')}>
            Clone
          </button>
          {!ended && (
            <button type="button" className={btn('danger')} onClick={() => setDialog('cancel')}>
              Cancel
            </button>
          )}
        </div>
      </header>
      <ErrorNote error={deployment.error} onRetry={reload} />
      <Facts d={d} />
      <ErrorPanel deployment={d} />
      <section aria-labelledby="pipeline-title" className={styles.pipelineSection}>
        <h2 id="pipeline-title">Pipeline</h2>
        {/* It scrolls sideways when the phases do not fit: focusable, so that the keyboard can scroll it. */}
        <ol className={styles.pipeline} tabIndex={0} aria-labelledby="pipeline-title">
          {d.phases.map((phase, i) => (
            <PhaseCard key={phase.id} deploymentId={d.id} phase={phase} index={i} onChanged={onChanged} />
          ))}
        </ol>
        {d.omittedEnvironments.length > 0 && (
          <div className={styles.omitted}>
            <h3 className={layout.subhead}>Omitted environments</h3>
            <ul>
              {d.omittedEnvironments.map((o) => (
                <li key={o.environment}>
                  <strong>{o.environment}</strong> — {o.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <div className={layout.columns}>
        <Timeline deploymentId={d.id} />
        <Artifact d={d} />
      </div>
      {dialog === 'cancel' && (
        <CancelDialog
          deployment={d}
          onClose={() => setDialog(null)}
          onCancelled={(updated) => {
            setDialog(null);
            setData(updated);
          }}
        />
      )}
      {dialog === 'clone' && <CloneDialog deployment={d} onClose={() => setDialog(null)} />}
    </div>
  );
}
