/**
 * A manual deployment: the artifact (service, version, chart, images), channel, strategy, an
 * optional subset of environments and a reason, with the plan shown live before submitting.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api.ts';
import { useCatalog } from '../catalog.ts';
import { btn } from '../components/Button.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { Choices, Field, fieldErrors, fieldStyles } from '../components/Field.tsx';
import { ImagesEditor } from '../components/ImagesEditor.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { PlanPreview } from '../components/PlanPreview.tsx';
import { uuid } from '../format.ts';
import { useDebounced, useResource, useTitle } from '../hooks.ts';
import { navigate, useQuery } from '../router.tsx';
import type { Image, ManualDeployment } from '../types.ts';
import styles from './NewDeployment.module.css';

const FIELDS: Record<string, string> = {
  component: 'service',
  'artifactManifest.name': 'service',
  'artifactManifest.version': 'version',
  'artifactManifest.charts[0].name': 'chartName',
  'artifactManifest.charts[0].version': 'chartVersion',
  'artifactManifest.charts[0].repository': 'chartRepository',
  channel: 'channel',
  strategy: 'strategy',
  reason: 'reason',
};

/** Server field paths → the form's own names; anything else stays as it is. */
function mapErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const byPath = fieldErrors(error.errors);
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(byPath)) {
    const key = FIELDS[path] ?? (path.startsWith('environments') ? 'environments' : path);
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  return out;
}

export default function NewDeployment() {
  useTitle('New deployment');
  const [query] = useQuery();
  const services = useCatalog('services').data ?? [];
  const strategies = useCatalog('strategies').data;
  const targets = useCatalog('targets').data ?? [];
  const channels = useMemo(() => [...new Set(targets.map((t) => t.channel))].sort(), [targets]);
  const teams = useMemo(() => [...new Set(services.map((s) => s.team))].sort(), [services]);

  const [idempotencyKey] = useState(uuid);
  const [service, setService] = useState(query.get('service') ?? '');
  const [version, setVersion] = useState('');
  const [chartName, setChartName] = useState('');
  const [chartVersion, setChartVersion] = useState('');
  const [chartRepository, setChartRepository] = useState('');
  const [images, setImages] = useState<Image[]>([{ name: '', digest: '' }]);
  const [channel, setChannel] = useState('stable');
  const [strategy, setStrategy] = useState('standard');
  const [excluded, setExcluded] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});

  const ready = Boolean(service && channel && strategy);
  const full = useResource(
    (signal) => (ready ? api.plan({ component: service, channel, strategy }, signal) : Promise.resolve(undefined)),
    [service, channel, strategy],
  );
  const planned = (!full.error && full.data?.phases.map((p) => p.environment)) || [];
  const chosen = planned.filter((e) => !excluded.includes(e));
  const subset = chosen.length < planned.length ? chosen : undefined;
  const planKey = useDebounced(JSON.stringify([service, channel, strategy, subset ?? null]), 200);
  const preview = useResource((signal) => {
    const [component, ch, st, subsetOrAll] = JSON.parse(planKey) as [string, string, string, string[] | null];
    const environments = subsetOrAll ?? undefined;
    if (!component || !ch || !st) return Promise.resolve(undefined);
    if (environments?.length === 0) return Promise.reject(new Error('Choose at least one environment.'));
    return api.plan({ component, channel: ch, strategy: st, environments }, signal);
  }, [planKey]);

  const errors = { ...mapErrors(error), ...local };
  const fieldNames = new Set(Object.values(FIELDS));
  const otherErrors = error instanceof ApiError ? error.errors.filter((e) => !fieldNames.has(FIELDS[e.field] ?? '') && !e.field.startsWith('environments') && !e.field.includes('images[')) : [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!service) missing.service = 'Choose a service.';
    if (!version.trim()) missing.version = 'Enter the version to deploy.';
    if (!channel) missing.channel = 'Choose a channel.';
    if (!strategy) missing.strategy = 'Choose a strategy.';
    if (subset?.length === 0) missing.environments = 'Choose at least one environment.';
    setLocal(missing);
    setError(null);
    if (Object.keys(missing).length > 0) return;
    const body: ManualDeployment = {
      component: service,
      channel,
      strategy,
      artifactManifest: {
        name: service,
        version: version.trim(),
        images: images.filter((i) => i.name.trim() || i.digest?.trim()).map((i) => (i.digest?.trim() ? { name: i.name.trim(), digest: i.digest.trim() } : { name: i.name.trim() })),
        charts: [{ name: chartName.trim() || service, version: chartVersion.trim() || version.trim(), ...(chartRepository.trim() ? { repository: chartRepository.trim() } : {}) }],
      },
      ...(subset ? { environments: subset } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    setBusy(true);
    try {
      const created = await api.createDeployment(body, idempotencyKey);
      navigate(`/deployments/${created.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className={layout.page}>
      <PageHead title="New deployment">Deploy an artifact by hand. Nothing is stored until you create it; the plan below is what will run.</PageHead>
      <form className={styles.form} onSubmit={submit} noValidate>
        <div className={styles.main}>
          <section className={layout.panel} aria-labelledby="artifact-h">
            <h2 id="artifact-h">Artifact</h2>
            <div className={fieldStyles.grid2}>
              <Field label="Service" error={errors.service}>
                <select value={service} onChange={(e) => setService(e.target.value)}>
                  <option value="">Choose a service…</option>
                  {teams.map((team) => (
                    <optgroup key={team} label={team}>
                      {services.filter((s) => s.team === team).map((s) => (
                        <option key={s.name} value={s.name}>
                          {s.name}
                          {s.isGov ? ' (GOV)' : ''}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              </Field>
              <Field label="Version" error={errors.version}>
                <input type="text" className="mono" value={version} onChange={(e) => setVersion(e.target.value)} placeholder="1.42.0" />
              </Field>
            </div>
            <fieldset>
              <legend className={fieldStyles.groupLegend}>Helm chart</legend>
              <div className={fieldStyles.grid3}>
                <Field label="Chart name" error={errors.chartName}>
                  <input type="text" className="mono" value={chartName} onChange={(e) => setChartName(e.target.value)} placeholder={service || 'same as the service'} />
                </Field>
                <Field label="Chart SemVer" error={errors.chartVersion} hint="Defaults to the artifact’s.">
                  <input type="text" className="mono" value={chartVersion} onChange={(e) => setChartVersion(e.target.value)} placeholder={version || '1.42.0'} />
                </Field>
                <Field label="Chart repository" error={errors.chartRepository}>
                  <input type="text" className="mono" value={chartRepository} onChange={(e) => setChartRepository(e.target.value)} placeholder="oci://registry.example.com/charts" />
                </Field>
              </div>
            </fieldset>
            <ImagesEditor images={images} onChange={setImages} errors={error instanceof ApiError ? fieldErrors(error.errors) : {}} />
          </section>
          <section className={layout.panel} aria-labelledby="route-h">
            <h2 id="route-h">Where it goes</h2>
            <div className={fieldStyles.grid2}>
              <Field label="Channel" error={errors.channel}>
                <select value={channel} onChange={(e) => setChannel(e.target.value)}>
                  {channels.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                  {!channels.includes(channel) && <option>{channel}</option>}
                </select>
              </Field>
              <Field label="Strategy" error={errors.strategy}>
                <select value={strategy} onChange={(e) => setStrategy(e.target.value)}>
                  {strategies?.items.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name} ({s.environments.join(' → ')})
                    </option>
                  ))}
                  {!strategies?.items.some((s) => s.name === strategy) && <option>{strategy}</option>}
                </select>
              </Field>
            </div>
            <Choices
              legend="Environments"
              options={planned}
              chosen={(env) => !excluded.includes(env)}
              onToggle={(env, on) => setExcluded((list) => (on ? list.filter((x) => x !== env) : [...list, env]))}
              error={errors.environments}
            >
              {planned.length === 0 && <p className="muted small">{ready ? (full.loading ? 'Planning…' : 'No environments can be planned.') : 'Choose a service first.'}</p>}
            </Choices>
            <Field label="Reason" error={errors.reason} hint="Why this deployment is made by hand; shown on the deployment.">
              <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
          </section>
        </div>
        <aside className={`${layout.panel} ${styles.side}`} aria-labelledby="plan-h">
          <h2 id="plan-h">Plan</h2>
          <PlanPreview plan={preview.data} loading={preview.loading} error={preview.error ?? full.error} />
          <ErrorNote error={error} />
          {otherErrors.length > 0 && (
            <ul className={fieldStyles.error}>
              {otherErrors.map((e) => (
                <li key={e.field}>
                  {e.field}: {e.message}
                </li>
              ))}
            </ul>
          )}
          <button type="submit" className={`${btn('primary', 'block')} ${styles.submit}`} disabled={busy}>
            Create deployment
          </button>
        </aside>
      </form>
    </div>
  );
}
