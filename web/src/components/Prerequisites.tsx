/** A phase's prerequisites: only those its environment has (approvals, change case, freeze, window, bake time). */
import type { ReactNode } from 'react';
import { formatDuration, shortId } from '../format.ts';
import { Link } from '../router.tsx';
import type { Prerequisites as P } from '../types.ts';
import styles from './Prerequisites.module.css';
import { StatusBadge } from './StatusBadge.tsx';
import { Time } from './Time.tsx';

function Gate({ met, title, children }: { met: boolean; title: string; children: ReactNode }) {
  return (
    <li className={`${styles.gate} ${met ? styles.met : styles.waiting}`}>
      <div className={styles.head}>
        <span className={styles.icon} aria-hidden="true">
          {met ? '✓' : '◷'}
        </span>
        <strong>{title}</strong>
        <span className={styles.state}>{met ? 'met' : 'waiting'}</span>
      </div>
      <div className={styles.body}>{children}</div>
    </li>
  );
}

export function Prerequisites({ p }: { p: P }) {
  const { approvals, changeCase, freeze, window, bakeTime } = p;
  if (!approvals && !changeCase && !freeze && !window && !bakeTime) return null;
  const approved = approvals ? new Set(approvals.received.filter((a) => a.decision === 'approve').map((a) => a.by)).size : 0;
  return (
    <div className={styles.section}>
      <h4>Prerequisites</h4>
      <ul className={styles.gates}>
        {approvals && (
          <Gate met={approvals.met} title={`Approvals ${approved}/${approvals.required}`}>
            <span className="muted">from {approvals.approvers.join(', ')}</span>
            {approvals.rejectedBy && <div className={styles.rejected}>Rejected by {approvals.rejectedBy}</div>}
            {approvals.received.length > 0 && (
              <ul className={styles.approvals}>
                {approvals.received.map((a) => (
                  <li key={`${a.by}-${a.at}`}>
                    <StatusBadge status={a.decision} small /> <strong>{a.by}</strong> <Time iso={a.at} timeOnly />
                    {a.comment && <q>{a.comment}</q>}
                  </li>
                ))}
              </ul>
            )}
          </Gate>
        )}
        {changeCase && (
          <Gate met={changeCase.met} title="Change case">
            {changeCase.id === null ? (
              <span className="muted">Being created…</span>
            ) : (
              <>
                <div>
                  <a href={`/api/v1/change-cases/${encodeURIComponent(changeCase.id)}`} target="_blank" rel="noreferrer" title={changeCase.id}>
                    {changeCase.number ?? shortId(changeCase.id)}
                  </a>{' '}
                  <StatusBadge status={changeCase.status} small />
                </div>
                {changeCase.deployWindow ? (
                  <div>
                    Window <Time iso={changeCase.deployWindow.start} /> – <Time iso={changeCase.deployWindow.end} />
                  </div>
                ) : (
                  <div className="muted">No deploy window yet</div>
                )}
                {!changeCase.met && changeCase.status !== 'scheduled-approved' && (
                  <div className="muted">
                    Times out <Time iso={changeCase.timesOutAt} />
                  </div>
                )}
              </>
            )}
          </Gate>
        )}
        {freeze && (
          <Gate met={freeze.met} title="Change freeze">
            {freeze.freezes.length === 0 ? (
              <span className="muted">No freeze in force</span>
            ) : (
              <ul>
                {freeze.freezes.map((f) => (
                  <li key={f.id}>
                    <Link to="/freezes">{f.reason}</Link> {f.endsAt ? <>until <Time iso={f.endsAt} /></> : 'until lifted'}
                  </li>
                ))}
              </ul>
            )}
          </Gate>
        )}
        {window && (
          <Gate met={window.met} title="Deploy window">
            {window.windows.map((w) => (
              <div key={`${w.timezone}-${w.hours}-${w.days.join()}`}>
                {w.days.join(', ')} {w.hours} <span className="muted">{w.timezone}</span>
              </div>
            ))}
            {window.changesAt && (
              <div className="muted">
                {window.met ? 'Closes' : 'Opens'} <Time iso={window.changesAt} />
              </div>
            )}
          </Gate>
        )}
        {bakeTime && (
          <Gate met={bakeTime.met || !bakeTime.applies} title={`Bake time ${formatDuration(bakeTime.durationMs)}`}>
            {!bakeTime.applies ? (
              <span className="muted">Does not apply: {bakeTime.environment} is not in this deployment</span>
            ) : (
              <span>
                after {bakeTime.environment}
                {bakeTime.readyAt && (
                  <>
                    {' '}
                    · ready <Time iso={bakeTime.readyAt} timeOnly />
                  </>
                )}
              </span>
            )}
          </Gate>
        )}
      </ul>
    </div>
  );
}
