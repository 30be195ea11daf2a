/** The teams of the catalog, with their services and where they are notified. */
import { useCatalog } from '../catalog.ts';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';

export default function Teams() {
  useTitle('Teams');
  const { data: teams, error } = useCatalog('teams');
  const services = useCatalog('services').data ?? [];
  const gov = new Set(services.filter((s) => s.isGov).map((s) => s.name));
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Teams</h1>
          <p className="muted">Teams and services come from the catalog. Open a team to change where its notifications go.</p>
        </div>
      </div>
      <ErrorNote error={error} />
      {!teams && !error && <Loading />}
      <ul className="card-grid">
        {teams?.map((team) => (
          <li key={team.name} className="card">
            <h2 className="card-title">
              <Link to={`/teams/${encodeURIComponent(team.name)}`}>{team.title ?? team.name}</Link>
            </h2>
            <p className="muted small">
              {team.name} · change queue {team.changeCaseQueue}
            </p>
            <h3 className="subhead">Services</h3>
            <ul className="chips">
              {team.services.map((s) => (
                <li key={s}>
                  <Link to={`/services/${encodeURIComponent(s)}`} className="chip chip-link">
                    {s}
                  </Link>
                  {gov.has(s) && <span className="tag tag-gov">GOV</span>}
                </li>
              ))}
              {team.services.length === 0 && <li className="muted small">none</li>}
            </ul>
            <p className="small card-foot">
              <span aria-hidden="true">#</span> Slack:{' '}
              {team.notifications.channel ? (
                <>
                  {team.notifications.workspace} {team.notifications.channel}
                  {team.notifications.source === 'override' && <span className="tag">override</span>}
                </>
              ) : (
                <span className="muted">not configured</span>
              )}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
