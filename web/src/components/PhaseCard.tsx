/** One phase of the pipeline: environment, status, checks, prerequisites, actions, and releases per target. */
import type { Deployment, Phase } from '../types.ts';
import { PhaseActions } from './PhaseActions.tsx';
import { Prerequisites } from './Prerequisites.tsx';
import { StatusBadge, toneOf } from './StatusBadge.tsx';
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
    <li className={`phase tone-${toneOf(phase.status)}`} aria-label={`Phase ${index + 1}: ${phase.environment}`}>
      <div data-testid={`phase-${phase.environment}`} className="phase-main">
        <div className="phase-head">
          <span className="phase-index" aria-hidden="true">
            {index + 1}
          </span>
          <h3 className="phase-env">{phase.environment}</h3>
          {phase.isGov && (
            <span className="tag tag-gov" title="GOV environment: its own change case">
              GOV
            </span>
          )}
          <StatusBadge status={phase.status} testId="status" />
        </div>
        <p className="phase-detail">{phase.statusDetail}</p>
        {started && (
          <p className="phase-times muted small">
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
          <div className="phase-section">
            <h4>Checks</h4>
            <ul className="checks">
              {phase.checks.map((c) => (
                <li key={c.name}>
                  <div className="check-line">
                    <span className="check-name">{c.name}</span>
                    <span className="muted small">{c.type}</span>
                    <StatusBadge status={c.status} small />
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
      <div className="phase-section phase-releases">
        <h4>
          Releases <span className="muted">({phase.releases.length})</span>
        </h4>
        <ul className="releases">
          {phase.releases.map((r) => (
            <li key={r.id} data-testid={`release-${r.target}`} className={`release tone-${toneOf(r.status)}`}>
              <div className="release-line">
                <span className="release-cluster">{r.target}</span>
                <StatusBadge status={r.status} testId="status" small />
              </div>
              <div className="release-meta muted small">{r.region}</div>
              {r.statusDetail && <div className="release-detail small">{r.statusDetail}</div>}
            </li>
          ))}
        </ul>
      </div>
    </li>
  );
}
