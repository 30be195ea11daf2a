/** Confirm before cancelling a running deployment. */
import { useId, useState } from 'react';
import { api } from '../api.ts';
import type { Deployment } from '../types.ts';
import { useAction } from '../useAction.ts';
import { btn } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorNote } from './ErrorNote.tsx';

interface Props {
  deployment: Deployment;
  onClose: () => void;
  onCancelled: (updated: Deployment) => void;
}

export function CancelDialog({ deployment, onClose, onCancelled }: Props) {
  const [reason, setReason] = useState('');
  const id = useId();
  const cancel = useAction(async () => onCancelled(await api.cancel(deployment.id, reason.trim() || undefined)));
  return (
    <Dialog
      title={`Cancel ${deployment.service} ${deployment.artifactManifest.version}?`}
      onClose={onClose}
      actions={
        <>
          <button type="button" className={btn()} onClick={onClose}>
            Keep running
          </button>
          <button type="button" className={btn('dangerSolid')} onClick={() => cancel.run()} disabled={cancel.busy}>
            Cancel deployment
          </button>
        </>
      }
    >
      <p>
        The running phase stops now, releases not yet started are skipped and no later phase starts. Releases already in flight are told to stop.
        This cannot be undone; you can clone the deployment later.
      </p>
      <label htmlFor={id}>Reason (optional)</label>
      <input id={id} type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Why are you cancelling?" />
      <ErrorNote error={cancel.error} />
    </Dialog>
  );
}
