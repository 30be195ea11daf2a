/** The imported target table (channels.yaml): for each channel, its clusters by environment. */
import { environmentOrder, useCatalog } from '../catalog.ts';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { useTitle } from '../hooks.ts';
import { Chip } from '../components/Chip.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { GovTag } from '../components/Tag.tsx';
import styles from './Targets.module.css';

export default function Targets() {
  useTitle('Targets');
  const { data: targets, error } = useCatalog('targets');
  const strategies = useCatalog('strategies').data;
  const order = environmentOrder(strategies);
  const rank = (env: string) => (order.includes(env) ? order.indexOf(env) : order.length);
  const channels = [...new Set(targets?.map((t) => t.channel))].sort();
  // Driver settings and labels are optional: show their columns only when some target has them.
  const has = {
    namespace: targets?.some((t) => t.namespace),
    driver: targets?.some((t) => t.kubeContext || t.cpcEndpoint),
    labels: targets?.some((t) => Object.keys(t.labels ?? {}).length > 0),
  };
  const gov = new Set(strategies?.environments.filter((e) => e.isGov).map((e) => e.name));

  return (
    <div className={layout.page}>
      <PageHead title="Targets">The clusters each channel deploys to, by environment, as imported from channels.yaml.</PageHead>
      <ErrorNote error={error} />
      {!targets && !error && <Loading />}
      {channels.map((channel) => {
        const rows = (targets ?? []).filter((t) => t.channel === channel).sort((a, b) => rank(a.environment) - rank(b.environment) || a.cluster.localeCompare(b.cluster));
        return (
          <section key={channel} className={layout.section} aria-labelledby={`channel-${channel}`}>
            <h2 id={`channel-${channel}`}>
              Channel <span className="mono">{channel}</span> <span className="muted small">{rows.length} clusters</span>
            </h2>
            <div className={styles.scroll}>
              <table className={styles.table}>
                <thead>
                  <tr>
                    <th scope="col">Environment</th>
                    <th scope="col">Cluster</th>
                    <th scope="col">Region</th>
                    {has.namespace && <th scope="col">Namespace</th>}
                    {has.driver && <th scope="col">Kube context / CPC</th>}
                    {has.labels && <th scope="col">Labels</th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((t, i) => (
                    <tr key={t.cluster} className={i > 0 && rows[i - 1].environment === t.environment ? styles.sameGroup : styles.newGroup}>
                      <td>
                        {(i === 0 || rows[i - 1].environment !== t.environment) && (
                          <>
                            <strong>{t.environment}</strong> {gov.has(t.environment) && <GovTag />}
                          </>
                        )}
                      </td>
                      <td className="mono">{t.cluster}</td>
                      <td>{t.region}</td>
                      {has.namespace && <td className="mono">{t.namespace ?? <span className="muted">—</span>}</td>}
                      {has.driver && <td className="mono small">{t.kubeContext ?? t.cpcEndpoint ?? <span className="muted">—</span>}</td>}
                      {has.labels && (
                        <td className="small">
                          {Object.entries(t.labels ?? {}).map(([k, v]) => (
                            <Chip key={k}>
                              {k}={v}
                            </Chip>
                          ))}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}
