/** Time comes from a Clock, never from Date.now(), so that tests can move it. */
export interface Clock {
  now(): Date;
  /**
   * Resolves once the clock reads at least `when`, or when `signal` aborts. Only paces a
   * wake-up: what is due is always read from the database.
   */
  sleepUntil(when: Date, signal: AbortSignal): Promise<void>;
}

/** The reason a sleep is cut short with: `abort()` without one makes a DOMException, with its stack, every time. */
export const WAKE_UP = 'wake up';
