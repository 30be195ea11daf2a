/** All deployments, newest first: filters in the URL query, pages of 50, live. */
import { useEffect, useId, useState } from 'react';
import { environmentOrder, useCatalog } from '../catalog.ts';
import { btn } from '../components/Button.tsx';
import { DeploymentTable } from '../components/DeploymentTable.tsx';
import { fieldStyles } from '../components/Field.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { useDeploymentList } from '../deploymentList.ts';
import { useDebounced, useTitle } from '../hooks.ts';
import { useQuery } from '../router.tsx';
import { DEPLOYMENT_STATUSES } from '../types.ts';
import styles from './Deployments.module.css';

function Select({ label, value, options, onChange }: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className={`${fieldStyles.field} ${styles.filter}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
        {value && !options.includes(value) && <option value={value}>{value}</option>}
      </select>
    </div>
  );
}

export default function Deployments() {
  useTitle('Deployments');
  const [params, setParams] = useQuery();
  const team = params.get('team') ?? '';
  const service = params.get('service') ?? '';
  const status = params.get('status') ?? '';
  const knownStatus = DEPLOYMENT_STATUSES.find((s) => s === status);
  const environment = params.get('environment') ?? '';
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const debouncedText = useDebounced(text.trim(), 300);
  const textId = useId();

  // The typed text goes to the URL once it settles; a URL changed otherwise (back, links) wins.
  const [typed, setTyped] = useState(false);
  useEffect(() => {
    if (typed && debouncedText !== q) setParams({ q: debouncedText });
  }, [typed, debouncedText, q, setParams]);
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    if (text.trim() !== q) setText(q);
    setTyped(false);
  }

  const teams = useCatalog('teams').data ?? [];
  const services = useCatalog('services').data ?? [];
  const environments = environmentOrder(useCatalog('strategies').data);
  const list = useDeploymentList({ team, service, status: knownStatus, environment, q });
  const filtered = Boolean(team || service || status || environment || q);

  return (
    <div className={layout.page}>
      <PageHead title="Deployments">Every artifact on its way through the environments, newest first. Updates live.</PageHead>
      <form className={styles.filters} role="group" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <Select label="Team" value={team} options={teams.map((t) => t.name)} onChange={(v) => setParams({ team: v, service: '' })} />
        <Select
          label="Service"
          value={service}
          options={services.filter((s) => !team || s.team === team).map((s) => s.name)}
          onChange={(v) => setParams({ service: v })}
        />
        <Select label="Status" value={status} options={DEPLOYMENT_STATUSES} onChange={(v) => setParams({ status: v })} />
        <Select label="Environment" value={environment} options={environments} onChange={(v) => setParams({ environment: v })} />
        <div className={`${fieldStyles.field} ${styles.filter} ${styles.grow}`}>
          <label htmlFor={textId}>Text</label>
          <input id={textId} type="text" placeholder="Version, build id, triggered by…" value={text} onChange={(e) => {
              setText(e.target.value);
              setTyped(true);
            }}
          />
        </div>
        {filtered && (
          <button
            type="button"
            className={`${btn('ghost')} ${styles.clear}`}
            onClick={() => {
              setText('');
              setParams({ team: '', service: '', status: '', environment: '', q: '' });
            }}
          >
            Clear filters
          </button>
        )}
      </form>
      <DeploymentTable
        caption="Deployments"
        list={list}
        empty={filtered ? 'No deployments match these filters.' : 'No deployments yet. They appear here as builds complete.'}
      />
    </div>
  );
}
