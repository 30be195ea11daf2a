/** What a person can do for a phase that waits: approve or reject it, move its built-in change case. */
import { useId, useState } from 'react';
import { api } from '../api.ts';
import { fromLocalInput, toLocalInput } from '../format.ts';
import type { Deployment, Phase } from '../types.ts';
import { useAction } from '../useAction.ts';
import { btn, buttonRow } from './Button.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { fieldStyles } from './Field.tsx';
import styles from './PhaseActions.module.css';

interface Props {
  deploymentId: string;
  phase: Phase;
  onChanged: (updated?: Deployment) => void;
}

function ApprovalForm({ deploymentId, phase, onChanged }: Props) {
  const [comment, setComment] = useState('');
  const id = useId();
  const decide = useAction(async (decision: 'approve' | 'reject') => {
    const updated = await api.decide(deploymentId, phase.id, decision, comment.trim());
    setComment('');
    onChanged(updated);
  });
  return (
    <div className={styles.box} role="group" aria-label={`Approval for ${phase.environment}`}>
      <h4>Your approval</h4>
      <label htmlFor={id}>Comment</label>
      <textarea id={id} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Optional; shown with your decision" />
      <ErrorNote error={decide.error} />
      <div className={`${buttonRow} ${styles.buttons}`}>
        <button type="button" className={btn('primary')} disabled={decide.busy} onClick={() => decide.run('approve')}>
          Approve
        </button>
        <button type="button" className={btn('danger')} disabled={decide.busy} onClick={() => decide.run('reject')}>
          Reject
        </button>
      </div>
    </div>
  );
}

function ChangeCaseActions({ caseId, status, environment, onChanged }: { caseId: string; status: 'new' | 'submitted'; environment: string; onChanged: () => void }) {
  const [start, setStart] = useState(() => toLocalInput(new Date()));
  const [end, setEnd] = useState(() => toLocalInput(new Date(Date.now() + 2 * 3_600_000)));
  const startId = useId();
  const endId = useId();

  const move = useAction(async (to: 'submitted' | 'scheduled-approved' | 'rejected') => {
    if (to === 'scheduled-approved') {
      const window = { start: fromLocalInput(start), end: fromLocalInput(end) };
      if (!window.start || !window.end) throw new Error('Enter both the window start and the window end.');
      if (window.end <= window.start) throw new Error('The window must end after it starts.');
      await api.moveChangeCase(caseId, to, window);
    } else {
      await api.moveChangeCase(caseId, to);
    }
    onChanged();
  });

  return (
    <div className={styles.box} role="group" aria-label={`Change case for ${environment}`}>
      <h4>Change case</h4>
      {status === 'new' ? (
        <p className="muted small">Review the case, then submit it for approval.</p>
      ) : (
        <div>
          <div className={`${fieldStyles.field} ${styles.window}`}>
            <label htmlFor={startId}>Window start</label>
            <input id={startId} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
          </div>
          <div className={`${fieldStyles.field} ${styles.window}`}>
            <label htmlFor={endId}>Window end</label>
            <input id={endId} type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
          </div>
        </div>
      )}
      <ErrorNote error={move.error} />
      <div className={`${buttonRow} ${styles.buttons}`}>
        {status === 'new' ? (
          <button type="button" className={btn('primary')} disabled={move.busy} onClick={() => move.run('submitted')}>
            Submit
          </button>
        ) : (
          <>
            <button type="button" className={btn('primary')} disabled={move.busy} onClick={() => move.run('scheduled-approved')}>
              Approve with window
            </button>
            <button type="button" className={btn('danger')} disabled={move.busy} onClick={() => move.run('rejected')}>
              Reject
            </button>
          </>
        )}
      </div>
    </div>
  );
}

export function PhaseActions({ deploymentId, phase, onChanged }: Props) {
  if (phase.status !== 'AwaitingPrerequisites' && phase.status !== 'Checking') return null;
  const { approvals, changeCase } = phase.prerequisites;
  const canDecide = phase.status === 'AwaitingPrerequisites' && approvals && !approvals.met && !approvals.rejectedBy;
  const openCase = changeCase && (changeCase.status === 'new' || changeCase.status === 'submitted') ? changeCase : null;
  if (!canDecide && !openCase) return null;
  return (
    <div className={styles.actions}>
      {canDecide && <ApprovalForm deploymentId={deploymentId} phase={phase} onChanged={onChanged} />}
      {openCase && <ChangeCaseActions key={openCase.status} caseId={openCase.id} status={openCase.status as 'new' | 'submitted'} environment={phase.environment} onChanged={() => onChanged()} />}
    </div>
  );
}
