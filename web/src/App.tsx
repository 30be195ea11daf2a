/** Who is signed in decides between the sign-in form and the app; the routes, each its own chunk. */
import { lazy, Suspense, useEffect, useRef, useState, type ComponentType } from 'react';
import { api, onUnauthorized } from './api.ts';
import { forget } from './catalog.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { ErrorNote, Loading } from './components/ErrorNote.tsx';
import { Shell } from './components/Shell.tsx';
import { useLatest } from './hooks.ts';
import { closeLive } from './live.ts';
import SignIn from './pages/SignIn.tsx';
import signInStyles from './pages/SignIn.module.css';
import { matchPath, navigate, usePathname } from './router.tsx';
import type { Session } from './types.ts';

type Page = ComponentType<{ params: Record<string, string> }>;

const Deployments = lazy(() => import('./pages/Deployments.tsx'));
const routes: [string, Page][] = [
  ['/', Deployments],
  ['/deployments', Deployments],
  ['/deployments/new', lazy(() => import('./pages/NewDeployment.tsx'))],
  ['/deployments/:id', lazy(() => import('./pages/Deployment.tsx'))],
  ['/teams', lazy(() => import('./pages/Teams.tsx'))],
  ['/teams/:name', lazy(() => import('./pages/Team.tsx'))],
  ['/services/:name', lazy(() => import('./pages/Service.tsx'))],
  ['/freezes', lazy(() => import('./pages/Freezes.tsx'))],
  ['/targets', lazy(() => import('./pages/Targets.tsx'))],
  ['/catalog', lazy(() => import('./pages/CatalogSources.tsx'))],
  ['/tokens', lazy(() => import('./pages/Tokens.tsx'))],
  ['/audit', lazy(() => import('./pages/Audit.tsx'))],
  ['/webhooks', lazy(() => import('./pages/Webhooks.tsx'))],
];
const NotFound = lazy(() => import('./pages/NotFound.tsx'));

function Routes() {
  const pathname = usePathname();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);

  let match: { Page: Page; params: Record<string, string> } = { Page: NotFound, params: {} };
  for (const [pattern, Page] of routes) {
    const params = matchPath(pattern, pathname);
    if (params) {
      match = { Page, params };
      break;
    }
  }
  const { Page } = match;
  return (
    <ErrorBoundary resetKey={pathname}>
      <Suspense fallback={<Loading />}>
        <Page key={pathname} params={match.params} />
      </Suspense>
    </ErrorBoundary>
  );
}

export function App() {
  // undefined: still asking who is signed in; null: nobody.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const pathname = usePathname();

  const signedIn = useLatest(Boolean(session));
  useEffect(() => {
    onUnauthorized(() => {
      closeLive();
      if (signedIn.current) setExpired(true);
      setSession(null);
    });
    return () => onUnauthorized(null);
  }, [signedIn]);

  useEffect(() => {
    api.session().then(setSession, (err: { status?: number }) => {
      if (err.status === 401) setSession(null);
      else setError(err);
    });
  }, [attempt]);

  useEffect(() => {
    if (session && pathname === '/signin') {
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }
  }, [session, pathname]);

  if (error) {
    return (
      <main className={signInStyles.signin} id="main">
        <ErrorNote
          error={error}
          onRetry={() => {
            setError(null);
            setAttempt((n) => n + 1);
          }}
        />
      </main>
    );
  }
  if (session === undefined) return <Loading label="Connecting to DCP…" />;
  if (session === null) {
    return (
      <SignIn
        expired={expired}
        onSignedIn={(s) => {
          setExpired(false);
          setSession(s);
        }}
      />
    );
  }

  const signOut = async () => {
    try {
      await api.signOut();
    } finally {
      closeLive();
      forget();
      setExpired(false);
      setSession(null);
    }
  };
  return (
    <Shell session={session} onSignOut={signOut}>
      <Routes />
    </Shell>
  );
}
