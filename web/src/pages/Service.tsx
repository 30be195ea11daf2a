/** A service: what runs where, and its deployment history. */
import { useCatalog } from '../catalog.ts';
import { DeploymentTable } from '../components/DeploymentTable.tsx';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { ServiceMatrix } from '../components/ServiceMatrix.tsx';
import { useDeploymentList } from '../deploymentList.ts';
import { useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';
import { btn } from '../components/Button.tsx';
import { layout } from '../components/Page.tsx';
import { CatalogTags, GovTag } from '../components/Tag.tsx';
import { Note } from '../components/ErrorNote.tsx';
import { ProvenanceList } from '../components/Provenance.tsx';

export default function Service({ params }: { params: Record<string, string> }) {
  const name = params.name;
  useTitle(name);
  const { data: services, error } = useCatalog('services');
  const service = services?.find((s) => s.name === name);
  const list = useDeploymentList({ service: name });

  if (!service) {
    if (error) return <div className={layout.page}><ErrorNote error={error} /></div>;
    if (!services) return <div className={layout.page}><Loading /></div>;
    return (
      <div className={layout.page}>
        <h1>Service not found</h1>
        <p className="muted">There is no service {name} in the catalog.</p>
        <Link to="/teams">Teams and their services</Link>
      </div>
    );
  }

  const unbuildable = Boolean(service.retiredAt) || service.owner?.status === 'unknown';
  return (
    <div className={`${layout.page} ${layout.wide}`}>
      <div className={layout.head}>
        <div>
          <h1>
            {service.name} {service.isGov && <GovTag />} <CatalogTags service={service} />
          </h1>
          <p className="muted">
            {service.owner?.status === 'unknown' ? (
              <>Owner unknown: <span className="mono">{service.owner.ref}</span> is no team or user in any catalog source</>
            ) : (
              <>Owned by <Link to={`/teams/${encodeURIComponent(service.team)}`}>{service.team}</Link></>
            )}
            {service.owner?.status === 'derived' && ` (derived: the first team of ${service.owner.via})`}
            {service.lifecycle && ` · ${service.lifecycle}`}
            {service.isGov && ' · also deployed to GOV environments'}
          </p>
        </div>
        {!unbuildable && (
          <Link to={`/deployments/new?service=${encodeURIComponent(service.name)}`} className={btn('primary')}>
            Deploy {service.name}
          </Link>
        )}
      </div>
      {unbuildable && (
        <Note tone="info">
          {service.retiredAt
            ? 'This service is in no catalog source any more: its history is kept, and new builds are refused. Add it back to a source to deploy it again.'
            : 'Builds of this service are refused until a catalog source names its owner: correct spec.owner at the source below.'}
        </Note>
      )}
      <ProvenanceList provenance={service.provenance} what="service" />
      <section aria-labelledby="matrix-title" className={layout.section}>
        <h2 id="matrix-title">What runs where</h2>
        <ServiceMatrix service={service.name} isGov={service.isGov} />
      </section>
      <section aria-labelledby="history-title" className={layout.section}>
        <h2 id="history-title">Deployment history</h2>
        <DeploymentTable
          caption={`Deployments of ${service.name}`}
          list={list}
          empty="This service has not been deployed yet."
        />
      </section>
    </div>
  );
}
