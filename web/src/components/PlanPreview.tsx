/** The phases a plan would run (from POST /plans), one item per phase, and what it leaves out. */
import type { Plan } from '../types.ts';
import { Chip } from './Chip.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import styles from './PlanPreview.module.css';
import { GovTag } from './Tag.tsx';

interface Props {
  plan: Plan | undefined;
  loading: boolean;
  error: unknown;
}

export function PlanPreview({ plan, loading, error }: Props) {
  if (error) return <ErrorNote error={error} />;
  if (!plan) return <p className="muted">{loading ? 'Planning…' : 'Choose a service, channel and strategy to see the plan.'}</p>;
  return (
    <div className={loading ? styles.stale : undefined} aria-busy={loading}>
      <ol className={styles.plan} data-testid="plan" aria-label="Planned phases">
        {plan.phases.map((phase, i) => (
          <li key={phase.environment} className={styles.phase}>
            <span className={styles.step} aria-hidden="true">
              {i + 1}
            </span>
            <div>
              <div>
                <strong>{phase.environment}</strong>
                {phase.isGov && <GovTag />}
              </div>
              <div className={styles.targets}>
                {phase.targets.map((t) => (
                  <Chip key={t.cluster} title={t.region}>
                    {t.cluster}
                  </Chip>
                ))}
              </div>
            </div>
          </li>
        ))}
      </ol>
      {plan.omittedEnvironments.length > 0 && (
        <div className={styles.omitted}>
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
