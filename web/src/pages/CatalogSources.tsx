/**
 * The catalog sources (contract §12): each one's last sync, what it changed (added, updated,
 * removed), and the entities it skipped — with the source, entity ref, field, reason and a link
 * to correct each at its source. Admins can sync now.
 */
import { api } from '../api.ts';
import { btn } from '../components/Button.tsx';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { sourceName } from '../components/Provenance.tsx';
import { Tag } from '../components/Tag.tsx';
import { Time } from '../components/Time.tsx';
import { useResource, useTitle } from '../hooks.ts';
import type { CatalogSource } from '../types.ts';
import { useAction } from '../useAction.ts';
import styles from './CatalogSources.module.css';

const STATUS: Record<CatalogSource['status'], { text: string; tone?: 'warn' | 'bad' }> = {
  never: { text: 'not synced yet' },
  ok: { text: 'ok' },
  partial: { text: 'some entities skipped', tone: 'warn' },
  failed: { text: 'unreachable: last good data kept', tone: 'bad' },
};

export default function CatalogSources() {
  useTitle('Catalog sources');
  const sources = useResource((signal) => api.catalogSources(signal), []);
  const session = useResource(() => api.session(), []);
  const admin = session.data?.role === 'admin';
  const sync = useAction(async () => sources.setData(await api.syncCatalog()));
  const items = sources.data?.items;

  return (
    <div className={layout.page}>
      <PageHead
        title="Catalog sources"
        actions={admin && (
          <button type="button" className={btn('primary')} onClick={() => void sync.run()} disabled={sync.busy}>
            {sync.busy ? 'Syncing…' : 'Sync now'}
          </button>
        )}
      >
        Where teams, people and services come from, by precedence: the first source that holds an entity wins; isGov from a kilonova.yaml wins over annotations.
      </PageHead>
      <ErrorNote error={sources.error ?? sync.error} onRetry={sources.error ? sources.reload : undefined} />
      {!items && !sources.error && <Loading />}
      {items?.map((s) => (
        <section key={s.name} className={layout.section} aria-labelledby={`source-${s.name}`}>
          <h2 id={`source-${s.name}`}>
            {sourceName(s.name)} <Tag tone={STATUS[s.status].tone}>{STATUS[s.status].text}</Tag>
          </h2>
          <p className="muted small mono">{s.location}</p>
          <dl className={styles.facts}>
            <div><dt>Last sync</dt><dd><Time iso={s.lastSyncAt} /></dd></div>
            <div><dt>Last good sync</dt><dd><Time iso={s.lastSuccessAt} /></dd></div>
            <div><dt>Entities</dt><dd>{s.entities}</dd></div>
            <div><dt>Added</dt><dd>{s.added}</dd></div>
            <div><dt>Updated</dt><dd>{s.updated}</dd></div>
            <div><dt>Removed</dt><dd>{s.removed}</dd></div>
          </dl>
          {s.error && <p className={styles.error}>{s.error}</p>}
          {s.problems.length > 0 && (
            <div className={styles.scroll}>
              <table className={styles.table}>
                <caption className="visually-hidden">Entities {sourceName(s.name)} skipped at its last sync</caption>
                <thead>
                  <tr>
                    <th scope="col">Entity</th>
                    <th scope="col">Field</th>
                    <th scope="col">Reason</th>
                    <th scope="col"><span className="visually-hidden">Correct it</span></th>
                  </tr>
                </thead>
                <tbody>
                  {s.problems.map((p, i) => (
                    <tr key={`${p.ref}-${p.field}-${i}`}>
                      <td className="mono">{p.ref}</td>
                      <td className="mono">{p.field}</td>
                      <td>{p.reason}</td>
                      <td>{p.editUrl && <a href={p.editUrl} target="_blank" rel="noreferrer noopener">Edit<span className="visually-hidden"> {p.ref} (opens in a new tab)</span></a>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </div>
  );
}
