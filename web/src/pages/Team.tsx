/** A team: its services, Slack settings and recent deployments. */
import { ApiError, api } from '../api.ts';
import { useCatalog } from '../catalog.ts';
import { DeploymentTable } from '../components/DeploymentTable.tsx';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { SlackForm } from '../components/SlackForm.tsx';
import { useDeploymentList } from '../deploymentList.ts';
import { useResource, useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';
import { layout } from '../components/Page.tsx';
import { CatalogTags, GovTag } from '../components/Tag.tsx';
import { ProvenanceList } from '../components/Provenance.tsx';
import styles from './Team.module.css';

export default function Team({ params }: { params: Record<string, string> }) {
  const name = params.name;
  const team = useResource((signal) => api.team(name, signal), [name]);
  const services = (useCatalog('services').data ?? []).filter((s) => s.team === name);
  const list = useDeploymentList({ team: name });
  const t = team.data;
  useTitle(t?.title ?? name);

  if (!t) {
    if (team.error instanceof ApiError && team.error.status === 404) {
      return (
        <div className={layout.page}>
          <h1>Team not found</h1>
          <p className="muted">There is no team {name} in the catalog.</p>
          <Link to="/teams">All teams</Link>
        </div>
      );
    }
    return <div className={layout.page}>{team.error ? <ErrorNote error={team.error} onRetry={team.reload} /> : <Loading />}</div>;
  }

  return (
    <div className={layout.page}>
      <div className={layout.head}>
        <div>
          <h1>{t.title ?? t.name}</h1>
          <p className="muted">
            {t.name} · change-case queue <span className="mono">{t.changeCaseQueue}</span>
            {t.members?.length ? ` · members: ${t.members.join(', ')}` : ''}
          </p>
        </div>
      </div>
      <div className={layout.columns}>
        <section className={layout.panel} aria-labelledby="services-title">
          <h2 id="services-title">Services</h2>
          <ul className={styles.services}>
            {t.services.map((s) => {
              const info = services.find((x) => x.name === s);
              return (
                <li key={s}>
                  <Link to={`/services/${encodeURIComponent(s)}`} className={styles.service}>
                    {s}
                  </Link>
                  {info?.isGov && <GovTag flush />}
                  {info && <CatalogTags service={info} flush />}
                  {info?.owner?.status === 'derived' && <span className="muted small">via {info.owner.via}</span>}
                  {info?.lifecycle && <span className="muted small">{info.lifecycle}</span>}
                </li>
              );
            })}
            {t.services.length === 0 && <li className="muted">No services.</li>}
          </ul>
        </section>
        <SlackForm team={t} onSaved={team.setData} />
      </div>
      <ProvenanceList provenance={t.provenance} what="team" />
      <section aria-labelledby="recent-title" className={layout.section}>
        <h2 id="recent-title">Recent deployments</h2>
        <DeploymentTable
          caption={`Deployments of team ${t.name}`}
          list={list}
          empty="This team has no deployments yet."
        />
      </section>
    </div>
  );
}
