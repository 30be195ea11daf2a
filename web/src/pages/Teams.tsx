/** The teams of the catalog, with their services and where they are notified. */
import { useCatalog } from '../catalog.ts';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';
import { chipLink, chipList } from '../components/Chip.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { inlineLink } from '../components/Provenance.tsx';
import { CatalogTags, GovTag, Tag } from '../components/Tag.tsx';
import styles from './Teams.module.css';

export default function Teams() {
  useTitle('Teams');
  const { data: teams, error } = useCatalog('teams');
  const services = useCatalog('services').data ?? [];
  const gov = new Set(services.filter((s) => s.isGov).map((s) => s.name));
  const byName = new Map(services.map((s) => [s.name, s]));
  // Services whose owner no source knows belong to no team card: they are listed on their own.
  const orphans = services.filter((s) => s.owner?.status === 'unknown');
  return (
    <div className={layout.page}>
      <PageHead title="Teams">
        Teams and services come from the catalog sources (<Link to="/catalog" className={inlineLink}>Catalog</Link>). Open a team to change where its notifications go.
      </PageHead>
      <ErrorNote error={error} />
      {!teams && !error && <Loading />}
      <ul className={styles.grid}>
        {teams?.map((team) => (
          <li key={team.name} className={styles.card}>
            <h2 className={styles.title}>
              <Link to={`/teams/${encodeURIComponent(team.name)}`}>{team.title ?? team.name}</Link>
            </h2>
            <p className="muted small">
              {team.name} · change queue {team.changeCaseQueue}
            </p>
            <h3 className={layout.subhead}>Services</h3>
            <ul className={`${chipList} ${styles.services}`}>
              {team.services.map((s) => (
                <li key={s}>
                  <Link to={`/services/${encodeURIComponent(s)}`} className={chipLink}>
                    {s}
                  </Link>
                  {gov.has(s) && <GovTag />}
                  {byName.get(s) && <CatalogTags service={byName.get(s)!} />}
                </li>
              ))}
              {team.services.length === 0 && <li className="muted small">none</li>}
            </ul>
            <p className={`small ${styles.foot}`}>
              <span aria-hidden="true">#</span> Slack:{' '}
              {team.notifications.channel ? (
                <>
                  {team.notifications.workspace} {team.notifications.channel}
                  {team.notifications.source === 'override' && <Tag>override</Tag>}
                </>
              ) : (
                <span className="muted">not configured</span>
              )}
            </p>
          </li>
        ))}
      </ul>
      {orphans.length > 0 && (
        <section className={layout.section} aria-labelledby="orphans-title">
          <h2 id="orphans-title">Services with no known owner</h2>
          <p className="muted small">Their owner is no team or user in any catalog source: builds are refused until the source names one.</p>
          <ul className={chipList}>
            {orphans.map((s) => (
              <li key={s.name}>
                <Link to={`/services/${encodeURIComponent(s.name)}`} className={chipLink}>{s.name}</Link>
                <span className="muted small"> owner “{s.owner?.ref}”</span>
                <CatalogTags service={s} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
