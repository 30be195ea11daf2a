/**
 * "What runs where" for one service: a row per environment (in strategy order), a cell per target
 * of that environment, holding the version whose release last Succeeded there (newest by the
 * time it succeeded), linked to its deployment. Derived from the service's deployments; live.
 */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api.ts';
import { environmentOrder, useCatalog } from '../catalog.ts';
import { useBatcher, useLiveEvents } from '../hooks.ts';
import { Link } from '../router.tsx';
import type { Deployment, Page } from '../types.ts';
import { ErrorNote, Loading } from './ErrorNote.tsx';
import styles from './ServiceMatrix.module.css';
import { Time } from './Time.tsx';

const MAX_PAGES = 10;

interface Running {
  version: string;
  deploymentId: string;
  at: string;
}

function whatRunsWhere(deployments: Iterable<Deployment>): Map<string, Running> {
  const out = new Map<string, Running>();
  for (const d of deployments) {
    for (const phase of d.phases) {
      for (const r of phase.releases) {
        if (r.status !== 'Succeeded') continue;
        const at = r.statusTimes?.Succeeded ?? r.updatedAt ?? d.updatedAt;
        const seen = out.get(r.target);
        if (!seen || seen.at < at) out.set(r.target, { version: d.version ?? d.artifactManifest.version, deploymentId: d.id, at });
      }
    }
  }
  return out;
}

export function ServiceMatrix({ service, isGov }: { service: string; isGov: boolean }) {
  const [deployments, setDeployments] = useState<Map<string, Deployment> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const targets = useCatalog('targets').data;
  const [picked, setPicked] = useState<string | null>(null);
  const strategies = useCatalog('strategies').data;

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const all = new Map<string, Deployment>();
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result: Page<Deployment> = await api.deployments({ service, limit: 500, cursor: cursor ?? undefined }, controller.signal);
        for (const d of result.items) all.set(d.id, d);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return all;
    })().then(setDeployments, (err: unknown) => !controller.signal.aborted && setError(err));
    return () => controller.abort();
  }, [service]);

  const refetch = useBatcher<string>(async (ids) => {
    const fetched = await Promise.all([...ids].map((id) => api.deployment(id).catch(() => null)));
    const mine = fetched.filter((d): d is Deployment => d?.service === service);
    if (mine.length) setDeployments((map) => new Map([...(map ?? []), ...mine.map((d) => [d.id, d] as const)]));
  }, 500, 3000);
  useLiveEvents((event) => {
    const id = event.data?.deploymentId;
    if (!id || !deployments) return;
    if (deployments.has(id) ? event.type.startsWith('Release') : event.type === 'DeploymentCreated') refetch(id);
  });

  const running = useMemo(() => whatRunsWhere(deployments?.values() ?? []), [deployments]);
  const channels = useMemo(() => [...new Set(targets?.map((t) => t.channel))].sort(), [targets]);
  // The channel shown: the one picked, else the newest deployment's, else stable.
  const newest = deployments ? [...deployments.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0] : undefined;
  const channel = picked ?? newest?.channel ?? (channels.includes('stable') ? 'stable' : channels[0]);
  const rows = useMemo(() => {
    const govEnvs = new Set(strategies?.environments.filter((e) => e.isGov).map((e) => e.name));
    return environmentOrder(strategies)
      .filter((env) => isGov || !govEnvs.has(env))
      .map((env) => ({ env, targets: (targets ?? []).filter((t) => t.environment === env && t.channel === channel) }))
      .filter((row) => row.targets.length > 0);
  }, [strategies, targets, isGov, channel]);
  const width = Math.max(1, ...rows.map((r) => r.targets.length));

  if (error) return <ErrorNote error={error} />;
  if (!deployments || !targets || !strategies) return <Loading label="Working out what runs where…" />;
  return (
    <>
      {channels.length > 1 && (
        <div className={styles.segmented} role="group" aria-label="Show channel">
          {channels.map((c) => (
            <button key={c} type="button" className={styles.segment} aria-pressed={c === channel} onClick={() => setPicked(c)}>
              {c}
            </button>
          ))}
        </div>
      )}
    <div className={styles.wrap}>
      <table className={styles.matrix} data-testid="matrix">
        <caption className="visually-hidden">
          Versions of {service} that last succeeded on each target of channel {channel}
        </caption>
        <thead>
          <tr>
            <th scope="col">Environment</th>
            <th scope="col" colSpan={width}>
              Targets
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ env, targets: envTargets }) => (
            <tr key={env}>
              <th scope="row">{env}</th>
              {envTargets.map((t) => {
                const r = running.get(t.cluster);
                return (
                  <td key={`${t.channel}-${t.cluster}`} className={r ? styles.hasVersion : undefined} data-target={t.cluster}>
                    <div className={styles.target} title={t.region}>
                      {t.cluster}
                    </div>
                    {r ? (
                      <>
                        <Link to={`/deployments/${r.deploymentId}`} className={`${styles.version} mono`}>
                          {r.version}
                        </Link>
                        <div className={`${styles.time} muted`}>
                          <Time iso={r.at} />
                        </div>
                      </>
                    ) : (
                      <div className="muted">not deployed</div>
                    )}
                  </td>
                );
              })}
              {envTargets.length < width && <td colSpan={width - envTargets.length} className={styles.filler} aria-hidden="true" />}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    </>
  );
}
