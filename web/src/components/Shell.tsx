/** The frame of every page: brand, navigation, global search, who is signed in, live status. */
import { useSyncExternalStore, type ReactNode } from 'react';
import { useLiveEvents } from '../hooks.ts';
import { liveState, onLiveState } from '../live.ts';
import { Link, usePathname } from '../router.tsx';
import type { Session } from '../types.ts';
import { GlobalSearch } from './Search.tsx';

const NAV = [
  { to: '/deployments', label: 'Deployments', active: (p: string) => p === '/' || (p.startsWith('/deployments') && p !== '/deployments/new') },
  { to: '/teams', label: 'Teams', active: (p: string) => p.startsWith('/teams') || p.startsWith('/services') },
  { to: '/freezes', label: 'Freezes', active: (p: string) => p.startsWith('/freezes') },
  { to: '/targets', label: 'Targets', active: (p: string) => p.startsWith('/targets') },
];

/** Keeps the shared stream open while signed in, and shows whether it is connected. */
function LiveIndicator() {
  useLiveEvents(() => undefined);
  const state = useSyncExternalStore(onLiveState, liveState);
  const text = state === 'open' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline — reconnecting';
  return (
    <span className={`live live-${state}`} title="Live updates from the event stream">
      {text}
    </span>
  );
}

interface Props {
  session: Session;
  onSignOut: () => void;
  children: ReactNode;
}

export function Shell({ session, onSignOut, children }: Props) {
  const pathname = usePathname();
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand" aria-label="DCP — Deploy Control Plane, home">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>
            <span className="brand-name">DCP</span>
            <span className="brand-sub">Deploy Control Plane</span>
          </Link>
          <nav aria-label="Main" className="nav">
            {NAV.map((item) => (
              <Link key={item.to} to={item.to} className="nav-link" aria-current={item.active(pathname) ? 'page' : undefined}>
                {item.label}
              </Link>
            ))}
            <Link to="/deployments/new" className="nav-link nav-new" aria-current={pathname === '/deployments/new' ? 'page' : undefined}>
              New deployment
            </Link>
          </nav>
          <GlobalSearch />
          <div className="user">
            <LiveIndicator />
            <span className="user-name" title={`Signed in as ${session.name} (${session.role})`}>
              {session.name}
            </span>
            <button type="button" className="btn btn-ghost btn-small" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="main">
        {children}
      </main>
    </div>
  );
}
