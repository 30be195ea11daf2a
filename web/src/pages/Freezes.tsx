/** Change freezes: set one, see current and past ones, lift a current one. */
import { useState } from 'react';
import { api } from '../api.ts';
import { useCatalog } from '../catalog.ts';
import { btn } from '../components/Button.tsx';
import { Chip } from '../components/Chip.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { FreezeForm } from '../components/FreezeForm.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { Badge } from '../components/StatusBadge.tsx';
import { Time } from '../components/Time.tsx';
import { useResource, useTitle } from '../hooks.ts';
import type { Freeze } from '../types.ts';
import { useAction } from '../useAction.ts';
import styles from './Freezes.module.css';

const STATE_CLASS: Record<string, string | undefined> = { Active: styles.active, Lifted: styles.lifted, Ended: styles.ended };

function stateOf(f: Freeze, now: number): 'Active' | 'Scheduled' | 'Lifted' | 'Ended' {
  if (f.liftedAt) return 'Lifted';
  if (f.endsAt && new Date(f.endsAt).getTime() <= now) return 'Ended';
  return new Date(f.startsAt).getTime() > now ? 'Scheduled' : 'Active';
}

function FreezeRow({ f, now, onLift }: { f: Freeze; now: number; onLift?: () => void }) {
  const state = stateOf(f, now);
  return (
    <li className={`${styles.freeze} ${STATE_CLASS[state] ?? ''}`} data-testid="freeze">
      <div className={styles.main}>
        <div className={styles.title}>
          <Badge tone={state === 'Active' ? 'wait' : state === 'Scheduled' ? 'idle' : 'off'}>{state}</Badge>
          <strong>{f.reason}</strong>
        </div>
        <div className="small">
          {f.environments.map((e) => (
            <Chip key={e}>{e}</Chip>
          ))}
        </div>
        <div className="muted small">
          From <Time iso={f.startsAt} /> {f.endsAt ? <>until <Time iso={f.endsAt} /></> : 'until lifted'}
          {f.createdBy && ` · set by ${f.createdBy}`}
          {f.liftedAt && (
            <>
              {' '}
              · lifted <Time iso={f.liftedAt} />
              {f.liftedBy && ` by ${f.liftedBy}`}
            </>
          )}
        </div>
      </div>
      {onLift && (
        <button type="button" className={btn()} onClick={onLift}>
          Lift
        </button>
      )}
    </li>
  );
}

export default function Freezes() {
  useTitle('Freezes');
  // States (active, scheduled, ended) are as of the load: `now` comes with the data.
  const freezes = useResource(async (signal) => ({ ...(await api.freezes(signal)), now: Date.now() }), []);
  const strategies = useCatalog('strategies').data;
  const freezable = strategies?.environments.filter((e) => e.freezable).map((e) => e.name) ?? [];
  const [lifting, setLifting] = useState<Freeze | null>(null);
  const now = freezes.data?.now ?? 0;
  const all = freezes.data?.items ?? [];
  const current = all.filter((f) => ['Active', 'Scheduled'].includes(stateOf(f, now))).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const past = all.filter((f) => !current.includes(f));

  const lift = useAction(async (freeze: Freeze) => {
    await api.liftFreeze(freeze.id);
    setLifting(null);
    freezes.reload();
  });

  return (
    <div className={layout.page}>
      <PageHead title="Change freezes">Freezes block deployments to freezable environments ({freezable.join(', ') || '…'}) until they end or are lifted.</PageHead>
      <div className={`${layout.columns} ${layout.aside}`}>
        <div>
          <ErrorNote error={freezes.error} onRetry={freezes.reload} />
          {freezes.loading && !freezes.data && <Loading />}
          <section aria-labelledby="current-title" className={layout.section}>
            <h2 id="current-title">Current</h2>
            {freezes.data && current.length === 0 && <p className={layout.empty}>No freeze is in force or scheduled.</p>}
            <ul className={styles.freezes}>
              {current.map((f) => (
                <FreezeRow key={f.id} f={f} now={now} onLift={() => setLifting(f)} />
              ))}
            </ul>
          </section>
          <section aria-labelledby="past-title" className={layout.section}>
            <h2 id="past-title">Past</h2>
            {freezes.data && past.length === 0 && <p className={layout.empty}>None yet.</p>}
            <ul className={styles.freezes}>
              {past.map((f) => (
                <FreezeRow key={f.id} f={f} now={now} />
              ))}
            </ul>
          </section>
        </div>
        {strategies && <FreezeForm environments={freezable} onCreated={() => freezes.reload()} />}
      </div>
      {lifting && (
        <Dialog
          title="Lift this freeze?"
          onClose={() => setLifting(null)}
          actions={
            <>
              <button type="button" className={btn()} onClick={() => setLifting(null)}>
                Keep freeze
              </button>
              <button type="button" className={btn('primary')} onClick={() => lift.run(lifting)} disabled={lift.busy}>
                Lift freeze
              </button>
            </>
          }
        >
          <p>
            <strong>{lifting.reason}</strong> on {lifting.environments.join(', ')}. Deployments waiting on it continue once it is lifted.
          </p>
          <ErrorNote error={lift.error} />
        </Dialog>
      )}
    </div>
  );
}
