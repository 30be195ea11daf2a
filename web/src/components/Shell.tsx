/** The frame of every page: brand, navigation, global search, who is signed in, live status. */
import { useSyncExternalStore, type ReactNode } from 'react';
import { useLiveEvents } from '../hooks.ts';
import { liveState, onLiveState } from '../live.ts';
import { Link, usePathname } from '../router.tsx';
import type { Session } from '../types.ts';
import { btn } from './Button.tsx';
import { GlobalSearch } from './Search.tsx';
import styles from './Shell.module.css';

const NAV = [
  { to: '/deployments', label: 'Deployments', active: (p: string) => p === '/' || (p.startsWith('/deployments') && p !== '/deployments/new') },
  // The catalog sources page is reached from Teams (a header with one more link overflows at 1280 px for admins).
  { to: '/teams', label: 'Teams', active: (p: string) => p.startsWith('/teams') || p.startsWith('/services') || p.startsWith('/catalog') },
  { to: '/freezes', label: 'Freezes', active: (p: string) => p.startsWith('/freezes') },
  { to: '/targets', label: 'Targets', active: (p: string) => p.startsWith('/targets') },
  { to: '/tokens', label: 'Tokens', active: (p: string) => p.startsWith('/tokens') },
  // The audit trail and webhooks are for admins (the API refuses anyone else): only they see the links.
  { to: '/audit', label: 'Audit', active: (p: string) => p.startsWith('/audit'), admin: true },
  { to: '/webhooks', label: 'Webhooks', active: (p: string) => p.startsWith('/webhooks'), admin: true },
];

/** Keeps the shared stream open while signed in, and shows whether it is connected. */
function LiveIndicator() {
  useLiveEvents(() => undefined);
  const state = useSyncExternalStore(onLiveState, liveState);
  const text = state === 'open' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline — reconnecting';
  return (
    <span className={`${styles.live} ${styles[state] ?? ''}`} title="Live updates from the event stream">
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
    <div>
      <a href="#main" className={styles.skipLink}>
        Skip to content
      </a>
      <header className={styles.topbar}>
        <div className={styles.inner}>
          {/* Named by its visible text (a label that differs from it fails speech users); "home" is read, not shown. */}
          <Link to="/" className={styles.brand}>
            <span className={styles.brandMark} aria-hidden="true">
              ◆
            </span>
            <span className={styles.brandName}>DCP</span>
            <span className={styles.brandSub}>Deploy Control Plane</span>
            <span className="visually-hidden"> (home)</span>
          </Link>
          <nav aria-label="Main" className={styles.nav}>
            {NAV.filter((item) => !item.admin || session.role === 'admin').map((item) => (
              <Link key={item.to} to={item.to} className={styles.navLink} aria-current={item.active(pathname) ? 'page' : undefined}>
                {item.label}
              </Link>
            ))}
            <Link to="/deployments/new" className={`${styles.navLink} ${styles.navNew}`} aria-current={pathname === '/deployments/new' ? 'page' : undefined}>
              New deployment
            </Link>
          </nav>
          <GlobalSearch />
          <div className={styles.user}>
            <LiveIndicator />
            <span className={styles.userName} title={`Signed in as ${session.name} (${session.role})`}>
              {session.name}
            </span>
            <button type="button" className={btn('ghost', 'small')} onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className={styles.main}>
        {children}
      </main>
    </div>
  );
}
