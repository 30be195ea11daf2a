/**
 * Sign in: with the identity provider ("Sign in with SSO", when DCP is configured for OIDC) or
 * with an API token. Either way the API sets an HttpOnly session cookie. A sign-in the provider's
 * round trip refused comes back as `?signin-error=<reason>` (api/routes/session.ts), shown here.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
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

/** What each refusal of services/oidc.ts means to the person, and what they can do. */
const SIGNIN_ERRORS: Record<string, string> = {
  'unknown-person': 'DCP does not know you: your account is not in its catalog, and only people in it may sign in. Ask a DCP admin to add you, or sign in with an API token.',
  'unverified-email': 'Your identity provider has not verified your email address. Verify it there, then sign in again.',
  'no-claim': 'Your identity provider did not say who you are (the claim DCP reads is missing). Ask a DCP admin to check its OIDC settings.',
  expired: 'That sign-in was already used, took longer than 10 minutes, or was started in another browser. Sign in again.',
  provider: 'Your identity provider did not sign you in. Try again.',
  unavailable: 'The identity provider cannot be reached right now. Try again later, or sign in with an API token.',
};

const PARAM = 'signin-error';

/** The refusal in the address, taken out of it (a reload should not show it again). */
function takeSignInError(): string | null {
  const params = new URLSearchParams(location.search);
  const reason = params.get(PARAM);
  if (reason === null) return null;
  params.delete(PARAM);
  const search = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
  return SIGNIN_ERRORS[reason] ?? 'Signing in did not succeed. Try again.';
}

/** The SSO link, returning to the page the person asked for. */
function ssoHref(): string {
  const next = location.pathname === '/signin' ? new URLSearchParams(location.search).get('next') : `${location.pathname}${location.search}${location.hash}`;
  return next && next !== '/' && next.startsWith('/') && !next.startsWith('//') ? `/api/v1/session/oidc?returnTo=${encodeURIComponent(next)}` : '/api/v1/session/oidc';
}

export default function SignIn({ onSignedIn, expired }: Props) {
  const [token, setToken] = useState('');
  const [oidc, setOidc] = useState(false);
  const [refused] = useState(takeSignInError);
  const id = useId();
  useTitle('Sign in');
  useEffect(() => {
    // Without the options the token form still works: SSO just stays hidden.
    api.signInOptions().then((options) => setOidc(options.oidc), () => undefined);
  }, []);
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
        {refused && <Note tone="error">{refused}</Note>}
        {oidc && (
          <>
            <a className={btn('primary', 'block')} href={ssoHref()}>
              Sign in with SSO
            </a>
            <p className={styles.divider}>
              <span>or with an API token</span>
            </p>
          </>
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
        <button type="submit" className={oidc ? btn('block') : btn('primary', 'block')} disabled={signIn.busy}>
          Sign in
        </button>
        <p className={styles.hint}>Your token is exchanged for a session cookie; it is not stored in the browser.</p>
      </form>
    </main>
  );
}
