/** Why a Failed or Cancelled deployment stopped, and what to try (from troubleshooting.ts). */
import { diagnose } from '../troubleshooting.ts';
import type { Deployment } from '../types.ts';
import styles from './ErrorPanel.module.css';

export function ErrorPanel({ deployment }: { deployment: Deployment }) {
  const diagnosis = diagnose(deployment);
  if (!diagnosis) return null;
  const failed = deployment.status === 'Failed';
  const extraReleases = diagnosis.failedReleases.filter((r) => !diagnosis.detail.includes(r.statusDetail));
  const findings = Object.entries(deployment.scanFindings?.counts ?? {}).filter(([, n]) => n > 0);
  return (
    <section className={failed ? styles.panel : `${styles.panel} ${styles.off}`} aria-labelledby="error-panel-title" data-testid="error-panel">
      <h2 id="error-panel-title">
        <span aria-hidden="true">{failed ? '✕ ' : '⊘ '}</span>
        {diagnosis.title}
        {diagnosis.phase && <span className="muted"> — in {diagnosis.phase.environment}</span>}
      </h2>
      <p className={styles.detail}>{diagnosis.detail}</p>
      {extraReleases.length > 0 && (
        <ul className={styles.facts}>
          {extraReleases.map((r) => (
            <li key={r.id}>
              <strong>{r.target}</strong> ({r.region}): {r.statusDetail}
            </li>
          ))}
        </ul>
      )}
      {diagnosis.failedCheck && (
        <p className={styles.facts}>
          Check <strong>{diagnosis.failedCheck.name}</strong> ({diagnosis.failedCheck.type}): {diagnosis.failedCheck.detail ?? 'no detail'}
        </p>
      )}
      {diagnosis.kind === 'scan-findings' && findings.length > 0 && (
        <p className={styles.facts}>Scan findings: {findings.map(([severity, n]) => `${n} ${severity}`).join(', ')}</p>
      )}
      <h3>Troubleshooting</h3>
      <ul className={styles.tips}>
        {diagnosis.tips.map((tip) => (
          <li key={tip}>{tip}</li>
        ))}
      </ul>
    </section>
  );
}
