import { useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';
import { layout } from '../components/Page.tsx';

export default function NotFound() {
  useTitle('Not found');
  return (
    <div className={layout.page}>
      <h1>Page not found</h1>
      <p className="muted">There is nothing at {location.pathname}.</p>
      <p>
        <Link to="/deployments">Go to deployments</Link>
      </p>
    </div>
  );
}
