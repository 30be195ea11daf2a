/** One phase of the pipeline: environment, status, checks, prerequisites, actions, and releases per target. */
import type { Deployment, Phase } from '../types.ts';
import styles from './PhaseCard.module.css';
import { PhaseActions } from './PhaseActions.tsx';
import { Prerequisites } from './Prerequisites.tsx';
import { StatusBadge, toneOf } from './StatusBadge.tsx';
import { GovTag } from './Tag.tsx';
import { Time } from './Time.tsx';

interface Props {
  deploymentId: string;
  phase: Phase;
  index: number;
  onChanged: (updated?: Deployment) => void;
}

export function PhaseCard({ deploymentId, phase, index, onChanged }: Props) {
  const started = phase.statusTimes?.Checking;
  const ended = phase.statusTimes?.[phase.status];
  return (
    <li className={`${styles.phase} ${styles[toneOf(phase.status)] ?? ''}`} aria-label={`Phase ${index + 1}: ${phase.environment}`}>
      <div data-testid={`phase-${phase.environment}`} className={styles.main}>
        <div className={styles.head}>
          <span className={styles.index} aria-hidden="true">
            {index + 1}
          </span>
          <h3 className={styles.env}>{phase.environment}</h3>
          {phase.isGov && <GovTag flush title="GOV environment: its own change case" />}
          <StatusBadge status={phase.status} testId="status" className={styles.pushRight} />
        </div>
        <p className={styles.detail}>{phase.statusDetail}</p>
        {started && (
          <p className={`${styles.times} muted small`}>
            Started <Time iso={started} timeOnly />
            {ended && ended !== started && ['Completed', 'Failed', 'Cancelled'].includes(phase.status) && (
              <>
                {' '}
                · ended <Time iso={ended} timeOnly />
              </>
            )}
          </p>
        )}
        {phase.checks.length > 0 && (
          <div className={styles.section}>
            <h4>Checks</h4>
            <ul className={styles.checks}>
              {phase.checks.map((c) => (
                <li key={c.name}>
                  <div className={styles.line}>
                    <span className={styles.checkName}>{c.name}</span>
                    <span className="muted small">{c.type}</span>
                    <StatusBadge status={c.status} small className={styles.pushRight} />
                  </div>
                  {c.detail && <p className="small">{c.detail}</p>}
                </li>
              ))}
            </ul>
          </div>
        )}
        <Prerequisites p={phase.prerequisites} />
        <PhaseActions deploymentId={deploymentId} phase={phase} onChanged={onChanged} />
      </div>
      <div className={`${styles.section} ${styles.releasesSection}`}>
        <h4>
          Releases <span className="muted">({phase.releases.length})</span>
        </h4>
        <ul className={styles.releases}>
          {phase.releases.map((r) => (
            <li key={r.id} data-testid={`release-${r.target}`} className={`${styles.release} ${styles[toneOf(r.status)] ?? ''}`}>
              <div className={styles.line}>
                <span className={styles.cluster}>{r.target}</span>
                <StatusBadge status={r.status} testId="status" small className={styles.pushRight} />
              </div>
              <div className="muted small">{r.region}</div>
              {r.statusDetail && <div className={`${styles.releaseDetail} small`}>{r.statusDetail}</div>}
            </li>
          ))}
        </ul>
      </div>
    </li>
  );
}
