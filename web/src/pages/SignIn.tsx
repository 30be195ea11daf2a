/** Sign in with an API token; the API sets an HttpOnly session cookie. */
import { useId, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { useTitle } from '../hooks.ts';
import type { Session } from '../types.ts';

interface Props {
  onSignedIn: (session: Session) => void;
  expired: boolean;
}

export default function SignIn({ onSignedIn, expired }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  useTitle('Sign in');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) {
      setError(new Error('Enter your API token.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(token.trim()));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main className="signin" id="main">
      <form className="signin-card" onSubmit={submit} noValidate>
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">◆</span>
          <span className="brand-name">DCP</span>
        </div>
        <h1>Sign in to the Deploy Control Plane</h1>
        {expired && (
          <p className="note note-info" role="status">
            Your session has ended. Sign in again to continue.
          </p>
        )}
        <label htmlFor={id}>API token</label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          autoFocus
        />
        <ErrorNote error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          Sign in
        </button>
        <p className="hint">Your token is exchanged for a session cookie; it is not stored in the browser.</p>
      </form>
    </main>
  );
}
