import { ApiError, errorMessage } from '../api.ts';

/** An API or network error, announced to screen readers. */
export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="note note-error" role="alert">
      <div>
        <span>{errorMessage(error)}</span>
        {error instanceof ApiError && error.errors.length > 0 && (
          <ul className="note-list">
            {error.errors.map((e) => (
              <li key={`${e.field}-${e.message}`}>
                {e.field && <code>{e.field}</code>} {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}
