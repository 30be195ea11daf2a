/** A name in a pill; chipLink for a <Link> that looks like one, chipList for a <ul> of them. */
import type { ReactNode } from 'react';
import styles from './Chip.module.css';

export function Chip({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <span className={styles.chip} title={title}>
      {children}
    </span>
  );
}

export const chipLink = `${styles.chip} ${styles.link}`;
export const chipList = styles.list;
