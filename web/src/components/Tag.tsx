/** A small label beside a name; `gov` for GOV environments and services, `flush` where a gap already separates it. */
import type { ReactNode } from 'react';
import styles from './Tag.module.css';

export function Tag({ children, gov, flush, title, tone }: { children: ReactNode; gov?: boolean; flush?: boolean; title?: string; tone?: 'warn' | 'bad' }) {
  const classes = [styles.tag, gov && styles.gov, flush && styles.flush, tone && styles[tone]].filter(Boolean).join(' ');
  return (
    <span className={classes} title={title}>
      {children}
    </span>
  );
}

/** The GOV tag. */
export function GovTag({ flush, title }: { flush?: boolean; title?: string }) {
  return (
    <Tag gov flush={flush} title={title}>
      GOV
    </Tag>
  );
}

/** A service's catalog state: "owner unknown" (not built until a source names its team), "retired" (in no source any more). */
export function CatalogTags({ service, flush }: { service: { owner?: { status: string; ref: string }; retiredAt?: string }; flush?: boolean }) {
  return (
    <>
      {service.owner?.status === 'unknown' && (
        <Tag tone="warn" flush={flush} title={`Its owner "${service.owner.ref}" is no team or user in any catalog source: builds are refused until it is corrected`}>
          owner unknown
        </Tag>
      )}
      {service.retiredAt && (
        <Tag tone="bad" flush={flush} title={`In no catalog source since ${service.retiredAt}: history kept, builds refused`}>
          retired
        </Tag>
      )}
    </>
  );
}
