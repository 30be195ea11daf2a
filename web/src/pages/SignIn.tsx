/** Sign in with an API token; the API sets an HttpOnly session cookie. */
import { useId, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { useTitle } from '../hooks.ts';
import { useAction } from '../useAction.ts';
import type { Session } from '../types.ts';
import { btn } from '../components/Button.tsx';
import { Note } from '../components/ErrorNote.tsx';
import styles from './SignIn.module.css';

interface Props {
  onSignedIn: (session: Session) => void;
  expired: boolean;
}

export default function SignIn({ onSignedIn, expired }: Props) {
  const [token, setToken] = useState('');
  const id = useId();
  useTitle('Sign in');
  const signIn = useAction(async () => {
    if (!token.trim()) throw new Error('Enter your API token.');
    onSignedIn(await api.signIn(token.trim()));
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run();
  };

  return (
    <main className={styles.signin} id="main">
      <form className={styles.card} onSubmit={submit} noValidate>
        <div className={styles.brand} aria-hidden="true">
          <span className={styles.brandMark}>◆</span>
          <span className={styles.brandName}>DCP</span>
        </div>
        <h1>Sign in to the Deploy Control Plane</h1>
        {expired && (
          <Note tone="info">
            Your session has ended. Sign in again to continue.
          </Note>
        )}
        <label htmlFor={id}>API token</label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={signIn.error ? true : undefined}
          autoFocus
        />
        <ErrorNote error={signIn.error} />
        <button type="submit" className={btn('primary', 'block')} disabled={signIn.busy}>
          Sign in
        </button>
        <p className={styles.hint}>Your token is exchanged for a session cookie; it is not stored in the browser.</p>
      </form>
    </main>
  );
}
