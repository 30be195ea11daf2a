/**
 * A manual deployment: the artifact (service, version, chart, images), channel, strategy, an
 * optional subset of environments and a reason, with the plan shown live before submitting.
 */
import { useMemo, useReducer, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api.ts';
import { useCatalog } from '../catalog.ts';
import { btn } from '../components/Button.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { Choices, Field, fieldStyles } from '../components/Field.tsx';
import { ImagesEditor } from '../components/ImagesEditor.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { PlanPreview } from '../components/PlanPreview.tsx';
import { uuid } from '../format.ts';
import { useDebounced, useResource, useTitle } from '../hooks.ts';
import { navigate, useQuery } from '../router.tsx';
import type { Image, ManualDeployment } from '../types.ts';
import { useAction } from '../useAction.ts';
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
function mapErrors(byPath: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(byPath)) {
    const key = FIELDS[path] ?? (path.startsWith('environments') ? 'environments' : path);
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  return out;
}

/** Stands in for a list not loaded yet (one value, so that memos over it hold). */
const NONE: never[] = [];

// ---- The form's state: one reducer ----

type TextField = 'service' | 'version' | 'chartName' | 'chartVersion' | 'chartRepository' | 'channel' | 'strategy' | 'reason';

interface Form extends Record<TextField, string> {
  images: Image[];
  /** Planned environments the person unticked. */
  excluded: string[];
  /** What the form found missing before sending (by the form's field names). */
  missing: Record<string, string>;
}

type Change =
  | { type: 'set'; field: TextField; value: string }
  | { type: 'images'; images: Image[] }
  | { type: 'environment'; environment: string; on: boolean }
  | { type: 'missing'; missing: Record<string, string> };

function initialForm(service: string): Form {
  return {
    service, version: '', chartName: '', chartVersion: '', chartRepository: '', channel: 'stable', strategy: 'standard', reason: '',
    images: [{ name: '', digest: '' }], excluded: [], missing: {},
  };
}

function reduce(form: Form, change: Change): Form {
  switch (change.type) {
    case 'set':
      return { ...form, [change.field]: change.value };
    case 'images':
      return { ...form, images: change.images };
    case 'environment':
      return { ...form, excluded: change.on ? form.excluded.filter((e) => e !== change.environment) : [...form.excluded, change.environment] };
    case 'missing':
      return { ...form, missing: change.missing };
  }
}

/** What the form lacks before it can be sent (by field name); {} when complete. */
function missingFields(form: Form, subset: string[] | undefined): Record<string, string> {
  const missing: Record<string, string> = {};
  if (!form.service) missing.service = 'Choose a service.';
  if (!form.version.trim()) missing.version = 'Enter the version to deploy.';
  if (!form.channel) missing.channel = 'Choose a channel.';
  if (!form.strategy) missing.strategy = 'Choose a strategy.';
  if (subset?.length === 0) missing.environments = 'Choose at least one environment.';
  return missing;
}

function requestOf(form: Form, subset: string[] | undefined): ManualDeployment {
  const version = form.version.trim();
  return {
    component: form.service,
    channel: form.channel,
    strategy: form.strategy,
    artifactManifest: {
      name: form.service,
      version,
      images: form.images
        .filter((i) => i.name.trim() || i.digest?.trim())
        .map((i) => (i.digest?.trim() ? { name: i.name.trim(), digest: i.digest.trim() } : { name: i.name.trim() })),
      charts: [{ name: form.chartName.trim() || form.service, version: form.chartVersion.trim() || version, ...(form.chartRepository.trim() ? { repository: form.chartRepository.trim() } : {}) }],
    },
    ...(subset ? { environments: subset } : {}),
    ...(form.reason.trim() ? { reason: form.reason.trim() } : {}),
  };
}

export default function NewDeployment() {
  useTitle('New deployment');
  const [query] = useQuery();
  const services = useCatalog('services').data ?? NONE;
  const strategies = useCatalog('strategies').data;
  const targets = useCatalog('targets').data ?? NONE;
  const channels = useMemo(() => [...new Set(targets.map((t) => t.channel))].sort(), [targets]);
  const teams = useMemo(() => [...new Set(services.map((s) => s.team))].sort(), [services]);

  const [idempotencyKey] = useState(uuid);
  const [form, dispatch] = useReducer(reduce, query.get('service') ?? '', initialForm);
  const { service, version, chartName, chartVersion, chartRepository, images, channel, strategy, excluded, reason } = form;
  const set = (field: TextField) => (event: { target: { value: string } }) => dispatch({ type: 'set', field, value: event.target.value });

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

  const create = useAction(async (body: ManualDeployment) => {
    const created = await api.createDeployment(body, idempotencyKey);
    navigate(`/deployments/${created.id}`);
  });
  const error = create.error;
  const errors = { ...mapErrors(create.fieldErrors), ...form.missing };
  const fieldNames = new Set(Object.values(FIELDS));
  const otherErrors = error instanceof ApiError ? error.errors.filter((e) => !fieldNames.has(FIELDS[e.field] ?? '') && !e.field.startsWith('environments') && !e.field.includes('images[')) : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing = missingFields(form, subset);
    dispatch({ type: 'missing', missing });
    create.reset();
    if (Object.keys(missing).length === 0) void create.run(requestOf(form, subset));
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
                <select value={service} onChange={set('service')}>
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
                <input type="text" className="mono" value={version} onChange={set('version')} placeholder="1.42.0" />
              </Field>
            </div>
            <fieldset>
              <legend className={fieldStyles.groupLegend}>Helm chart</legend>
              <div className={fieldStyles.grid3}>
                <Field label="Chart name" error={errors.chartName}>
                  <input type="text" className="mono" value={chartName} onChange={set('chartName')} placeholder={service || 'same as the service'} />
                </Field>
                <Field label="Chart SemVer" error={errors.chartVersion} hint="Defaults to the artifact’s.">
                  <input type="text" className="mono" value={chartVersion} onChange={set('chartVersion')} placeholder={version || '1.42.0'} />
                </Field>
                <Field label="Chart repository" error={errors.chartRepository}>
                  <input type="text" className="mono" value={chartRepository} onChange={set('chartRepository')} placeholder="oci://registry.example.com/charts" />
                </Field>
              </div>
            </fieldset>
            <ImagesEditor images={images} onChange={(next) => dispatch({ type: 'images', images: next })} errors={create.fieldErrors} />
          </section>
          <section className={layout.panel} aria-labelledby="route-h">
            <h2 id="route-h">Where it goes</h2>
            <div className={fieldStyles.grid2}>
              <Field label="Channel" error={errors.channel}>
                <select value={channel} onChange={set('channel')}>
                  {channels.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                  {!channels.includes(channel) && <option>{channel}</option>}
                </select>
              </Field>
              <Field label="Strategy" error={errors.strategy}>
                <select value={strategy} onChange={set('strategy')}>
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
              onToggle={(environment, on) => dispatch({ type: 'environment', environment, on })}
              error={errors.environments}
            >
              {planned.length === 0 && <p className="muted small">{ready ? (full.loading ? 'Planning…' : 'No environments can be planned.') : 'Choose a service first.'}</p>}
            </Choices>
            <Field label="Reason" error={errors.reason} hint="Why this deployment is made by hand; shown on the deployment.">
              <textarea rows={2} value={reason} onChange={set('reason')} />
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
          <button type="submit" className={`${btn('primary', 'block')} ${styles.submit}`} disabled={create.busy}>
            Create deployment
          </button>
        </aside>
      </form>
    </div>
  );
}
