/** Catches a page that failed to render or to load (e.g. a stale bundle after an upgrade). */
import { Component, type ReactNode } from 'react';
import { btn } from './Button.tsx';
import { Note } from './ErrorNote.tsx';
import { layout } from './Page.tsx';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className={layout.page}>
        <Note tone="error">
          <span>This page could not be shown: {this.state.error.message}</span>
          <button type="button" className={btn('small')} onClick={() => location.reload()}>
            Reload
          </button>
        </Note>
      </div>
    );
  }
}
