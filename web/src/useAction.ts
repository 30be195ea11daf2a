/**
 * The one way a form or button submits: `useAction(fn)` gives `run(...args)`, which calls fn
 * once at a time (a second run while one is busy is ignored), and tracks `busy` and the `error`
 * it threw — an ApiError's field errors are in `fieldErrors` by path. `reset()` clears the error.
 * run() resolves with fn's result, or undefined when it failed (the error is then shown by the
 * caller from `error`), so that `if (await action.run()) …` reads as "when it worked".
 */
import { useRef, useState } from 'react';
import { fieldErrorsOf } from './api.ts';

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  /** The last error's field errors by path ("artifactManifest.version" → message); {} when none. */
  fieldErrors: Record<string, string>;
  reset: () => void;
}

export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Set in the handler (not in render): a double click runs fn once even before `busy` re-renders.
  const running = useRef(false);

  const run = async (...args: A): Promise<R | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await fn(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  return { run, busy, error, fieldErrors: fieldErrorsOf(error), reset: () => setError(null) };
}
