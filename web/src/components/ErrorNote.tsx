import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api.ts';
import { btn } from './Button.tsx';
import styles from './ErrorNote.module.css';

/** A note in the page: an error (role=alert), or news and success (role=status). */
export function Note({ tone, children }: { tone: 'error' | 'info' | 'ok'; children: ReactNode }) {
  return (
    <div className={`${styles.note} ${styles[tone]}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** An API or network error, announced to screen readers. */
export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <Note tone="error">
      <div>
        <span>{errorMessage(error)}</span>
        {error instanceof ApiError && error.errors.length > 0 && (
          <ul className={styles.list}>
            {error.errors.map((e) => (
              <li key={`${e.field}-${e.message}`}>
                {e.field && <code>{e.field}</code>} {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      {onRetry && (
        <button type="button" className={btn('small')} onClick={onRetry}>
          Retry
        </button>
      )}
    </Note>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className={styles.loading} role="status">
      {label}
    </p>
  );
}
