/** Set a change freeze on freezable environments, from now (or later) until a time or until lifted. */
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { fromLocalInput, toLocalInput } from '../format.ts';
import type { Freeze } from '../types.ts';
import { useAction } from '../useAction.ts';
import { btn } from './Button.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import styles from './FreezeForm.module.css';
import { layout } from './Page.tsx';
import { Choices, Field, fieldStyles } from './Field.tsx';

export function FreezeForm({ environments, onCreated }: { environments: string[]; onCreated: (freeze: Freeze) => void }) {
  const [chosen, setChosen] = useState<string[]>(environments);
  const [startsAt, setStartsAt] = useState(() => toLocalInput(new Date()));
  const [endsAt, setEndsAt] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useAction(async () => {
    const freeze = await api.setFreeze({
      environments: chosen,
      startsAt: fromLocalInput(startsAt),
      ...(endsAt ? { endsAt: fromLocalInput(endsAt) } : {}),
      reason: reason.trim(),
    });
    setReason('');
    setEndsAt('');
    setStartsAt(toLocalInput(new Date()));
    onCreated(freeze);
  });
  const server = save.fieldErrors;
  const envError = local.environments ?? Object.entries(server).find(([k]) => k.startsWith('environments'))?.[1];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (chosen.length === 0) missing.environments = 'Choose at least one environment.';
    if (!fromLocalInput(startsAt)) missing.startsAt = 'Enter when the freeze starts.';
    if (endsAt && fromLocalInput(endsAt) <= fromLocalInput(startsAt)) missing.endsAt = 'The freeze must end after it starts.';
    if (!reason.trim()) missing.reason = 'Say why, so that people blocked by it know.';
    setLocal(missing);
    save.reset();
    if (Object.keys(missing).length === 0) void save.run();
  };

  return (
    <form className={`${layout.panel} ${styles.form}`} onSubmit={submit} noValidate aria-labelledby="freeze-form-title">
      <h2 id="freeze-form-title">Set a freeze</h2>
      <p className="muted small">While a freeze covers an environment, its change cases cannot be approved and its phases wait.</p>
      <Choices
        legend="Environments"
        options={environments}
        chosen={(env) => chosen.includes(env)}
        onToggle={(env, on) => setChosen((list) => environments.filter((x) => (x === env ? on : list.includes(x))))}
        error={envError}
      />
      <div className={fieldStyles.grid2}>
        <Field label="Starts at" error={local.startsAt ?? server.startsAt}>
          <input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </Field>
        <Field label="Ends at" error={local.endsAt ?? server.endsAt} hint="Leave empty: until lifted.">
          <input type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
        </Field>
      </div>
      <Field label="Reason" error={local.reason ?? server.reason}>
        <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. End-of-year change freeze" />
      </Field>
      <ErrorNote error={save.error} />
      <button type="submit" className={btn('primary')} disabled={save.busy}>
        Set freeze
      </button>
    </form>
  );
}
