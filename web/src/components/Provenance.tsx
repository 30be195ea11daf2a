/**
 * Where catalog facts came from (contract §12): the source, the entity or file, and a link to
 * correct it there — the Backstage entity page, the file on GitHub — or, for the config folder,
 * the file's path. People fix the source; DCP shows what it was told.
 */
import { Link } from '../router.tsx';
import type { Origin } from '../types.ts';
import styles from './Provenance.module.css';

const SOURCE_NAMES: Record<string, string> = { backstage: 'Backstage', github: 'GitHub', config: 'the config folder' };

/** For a link inside a sentence elsewhere (the Teams page's head). */
export const inlineLink = styles.inline;

export function sourceName(source: string): string {
  return SOURCE_NAMES[source] ?? source;
}

/** One fact's origin: "Backstage · group:default/team-a · Edit in Backstage". */
export function OriginLink({ origin }: { origin: Origin }) {
  const where = origin.file ? `${origin.file}${origin.line ? `:${origin.line}` : ''}` : null;
  return (
    <span className={styles.origin}>
      <span>{sourceName(origin.source)}</span>
      <span className="mono small">{origin.ref}</span>
      {where && origin.source !== 'backstage' && <span className="mono small">{where}</span>}
      {origin.editUrl && (
        <a href={origin.editUrl} target="_blank" rel="noreferrer noopener">
          Edit in {sourceName(origin.source)}
          <span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      )}
    </span>
  );
}

const LABELS: Record<string, string> = {
  entity: 'Defined in', team: 'Owning team from', isGov: 'GOV (isGov) from', slack: 'Slack channel from', members: 'Members from', changeCaseQueue: 'Change-case queue from',
};

/**
 * Every fact's origin, grouped: facts that share one origin are listed once ("Defined in, Slack
 * channel from …"), so a team from one Backstage entity shows one line.
 */
export function ProvenanceList({ provenance, what }: { provenance?: Record<string, Origin>; what: string }) {
  if (!provenance || Object.keys(provenance).length === 0) return null;
  const groups = new Map<string, { origin: Origin; fields: string[] }>();
  for (const [field, origin] of Object.entries(provenance)) {
    const key = JSON.stringify(origin);
    const group = groups.get(key) ?? { origin, fields: [] };
    group.fields.push(field);
    groups.set(key, group);
  }
  return (
    <section className={styles.panel} aria-labelledby={`provenance-${what}`}>
      <h2 id={`provenance-${what}`}>Where this comes from</h2>
      <p className="muted small">
        Wrong? Correct it at its source: DCP takes it from there at the next sync (<Link to="/catalog" className={styles.inline}>catalog sources</Link>).
      </p>
      <dl className={styles.list}>
        {[...groups.values()].map(({ origin, fields }) => (
          <div key={fields.join()} className={styles.row}>
            <dt>{fields.map((f) => LABELS[f] ?? f).join(', ')}</dt>
            <dd>
              <OriginLink origin={origin} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
