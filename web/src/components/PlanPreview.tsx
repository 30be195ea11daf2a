/** The phases a plan would run (from POST /plans), one item per phase, and what it leaves out. */
import type { Plan } from '../types.ts';
import { ErrorNote } from './ErrorNote.tsx';

interface Props {
  plan: Plan | undefined;
  loading: boolean;
  error: unknown;
}

export function PlanPreview({ plan, loading, error }: Props) {
  if (error) return <ErrorNote error={error} />;
  if (!plan) return <p className="muted">{loading ? 'Planning…' : 'Choose a service, channel and strategy to see the plan.'}</p>;
  return (
    <div className={`plan-wrap${loading ? ' is-stale' : ''}`} aria-busy={loading}>
      <ol className="plan" data-testid="plan" aria-label="Planned phases">
        {plan.phases.map((phase, i) => (
          <li key={phase.environment} className="plan-phase">
            <span className="plan-step" aria-hidden="true">
              {i + 1}
            </span>
            <div>
              <div className="plan-env">
                <strong>{phase.environment}</strong>
                {phase.isGov && <span className="tag tag-gov">GOV</span>}
              </div>
              <div className="plan-targets">
                {phase.targets.map((t) => (
                  <span key={t.cluster} className="chip" title={t.region}>
                    {t.cluster}
                  </span>
                ))}
              </div>
            </div>
          </li>
        ))}
      </ol>
      {plan.omittedEnvironments.length > 0 && (
        <div className="plan-omitted">
          <span className="muted">Left out:</span>
          <ul>
            {plan.omittedEnvironments.map((o) => (
              <li key={o.environment}>
                <strong>{o.environment}</strong> — {o.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
