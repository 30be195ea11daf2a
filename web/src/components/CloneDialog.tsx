/** Clone a deployment: choose its environments, see the plan it would make, then create it. */
import { useState } from 'react';
import { api } from '../api.ts';
import { useResource } from '../hooks.ts';
import { navigate } from '../router.tsx';
import type { Deployment } from '../types.ts';
import { useAction } from '../useAction.ts';
import { btn } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { Choices } from './Field.tsx';
import { layout } from './Page.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { PlanPreview } from './PlanPreview.tsx';

export function CloneDialog({ deployment, onClose }: { deployment: Deployment; onClose: () => void }) {
  const environments = deployment.phases.map((p) => p.environment);
  const [chosen, setChosen] = useState<string[]>(environments);
  const plan = useResource(
    (signal) =>
      chosen.length === 0
        ? Promise.reject(new Error('Choose at least one environment.'))
        : api.plan({ component: deployment.service, channel: deployment.channel, strategy: deployment.strategy, environments: chosen }, signal),
    [chosen],
  );

  const toggle = (env: string, on: boolean) => setChosen((list) => environments.filter((e) => (e === env ? on : list.includes(e))));
  const clone = useAction(async () => {
    const created = await api.clone(deployment.id, chosen);
    onClose();
    navigate(`/deployments/${created.id}`);
  });

  return (
    <Dialog
      title={`Clone ${deployment.service} ${deployment.artifactManifest.version}`}
      onClose={onClose}
      wide
      actions={
        <>
          <button type="button" className={btn()} onClick={onClose}>
            Close
          </button>
          <button type="button" className={btn('primary')} onClick={() => clone.run()} disabled={clone.busy || chosen.length === 0 || Boolean(plan.error)}>
            Clone deployment
          </button>
        </>
      }
    >
      <p className="muted">A new deployment of the same artifact, planned afresh on channel {deployment.channel} with strategy {deployment.strategy}.</p>
      <Choices legend="Environments" options={environments} chosen={(env) => chosen.includes(env)} onToggle={toggle} />
      <h3 className={layout.subhead}>Plan</h3>
      <PlanPreview plan={plan.data} loading={plan.loading} error={plan.error} />
      <ErrorNote error={clone.error} />
    </Dialog>
  );
}
