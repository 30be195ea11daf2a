/**
 * Deployments as rows (one memoized row per deployment) with "Load more"; a running one has a
 * Cancel button that asks first (the same dialog as the deployment's page).
 */
import type { DeploymentList } from '../deploymentList.ts';
import { memo, useCallback, useState } from 'react';
import { isEnded } from '../format.ts';
import { Link } from '../router.tsx';
import type { Deployment } from '../types.ts';
import { ErrorNote, Loading } from './ErrorNote.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { btn } from './Button.tsx';
import { CancelDialog } from './CancelDialog.tsx';
import styles from './DeploymentTable.module.css';
import { layout } from './Page.tsx';
import { Time } from './Time.tsx';

const Row = memo(function Row({ d, onCancel }: { d: Deployment; onCancel: (d: Deployment) => void }) {
  return (
    <tr data-testid="deployment-row">
      <td className={styles.serviceCell}>
        <Link to={`/deployments/${d.id}`} className={styles.service}>
          {d.service}
        </Link>
      </td>
      <td className={`${styles.versionCell} mono`}>{d.version ?? d.artifactManifest.version}</td>
      <td className={styles.statusCell}>
        <StatusBadge status={d.status} testId="status" />
      </td>
      <td className={styles.detail} title={d.statusDetail}>
        {d.statusDetail}
      </td>
      <td className={styles.teamCell}>
        <Link to={`/teams/${encodeURIComponent(d.team)}`}>{d.team}</Link>
      </td>
      <td className={styles.created}>
        <Time iso={d.createdAt} />
      </td>
      <td className={styles.actionCell}>
        {!isEnded(d.status) && (
          <button type="button" className={btn('danger', 'small')} onClick={() => onCancel(d)}>
            Cancel<span className="visually-hidden"> {d.service} {d.version ?? d.artifactManifest.version}</span>
          </button>
        )}
      </td>
    </tr>
  );
});

interface Props {
  /** A live, paged list (useDeploymentList). */
  list: DeploymentList;
  empty?: string;
  caption: string;
}

export function DeploymentTable({ list, empty, caption }: Props) {
  const { items, loading, loadingMore, hasMore, error, loadMore: onLoadMore, retry: onRetry, replace } = list;
  const [cancelling, setCancelling] = useState<Deployment | null>(null);
  const onCancel = useCallback((d: Deployment) => setCancelling(d), []);
  if (loading && items.length === 0) return <Loading label="Loading deployments…" />;
  return (
    <div className={styles.wrap}>
      {items.length === 0 && !error ? (
        <p className={layout.empty}>{empty ?? 'No deployments.'}</p>
      ) : (
        <table className={styles.table}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Detail</th>
              <th scope="col">Team</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <Row key={d.id} d={d} onCancel={onCancel} />
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={error} onRetry={onRetry} />
      <div className={styles.footer}>
        <span className="muted">
          {items.length} shown{hasMore ? '' : items.length > 0 ? ' · that is all' : ''}
        </span>
        {hasMore && (
          <button type="button" className={btn()} onClick={onLoadMore} disabled={loadingMore} aria-busy={loadingMore}>
            Load more
          </button>
        )}
      </div>
      {cancelling && (
        <CancelDialog
          deployment={cancelling}
          onClose={() => setCancelling(null)}
          onCancelled={(updated) => {
            setCancelling(null);
            replace(updated);
          }}
        />
      )}
    </div>
  );
}
