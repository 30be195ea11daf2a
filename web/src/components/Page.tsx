/** The layout every page is made of: `layout` (Page.module.css) for its parts, PageHead for its title. */
import type { ReactNode } from 'react';
import layout from './Page.module.css';

export { layout };

/** The page's heading, a line saying what it shows, and its main actions on the right. */
export function PageHead({ title, children, actions }: { title: ReactNode; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className={layout.head}>
      <div>
        <h1>{title}</h1>
        {children && <p className="muted">{children}</p>}
      </div>
      {actions}
    </div>
  );
}
