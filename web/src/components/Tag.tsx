/** A small label beside a name; `gov` for GOV environments and services, `flush` where a gap already separates it. */
import type { ReactNode } from 'react';
import styles from './Tag.module.css';

export function Tag({ children, gov, flush, title }: { children: ReactNode; gov?: boolean; flush?: boolean; title?: string }) {
  const classes = [styles.tag, gov && styles.gov, flush && styles.flush].filter(Boolean).join(' ');
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
