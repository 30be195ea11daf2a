/** Clocks: the system's, and a manual one that tests move by hand. */
import type { Clock } from '../core/clock.ts';

export const systemClock: Clock = {
  now: () => new Date(),
  sleepUntil(when, signal) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      // setTimeout's limit is 2^31-1 ms; a far-off wake-up simply re-arms.
      const ms = Math.min(Math.max(0, when.getTime() - Date.now()), 2_147_483_647);
      const timer = setTimeout(done, ms);
      timer.unref(); // a wait alone never keeps the process alive
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  },
};

/** A clock that moves only when told to; sleepers wake when it passes their time. */
export class ManualClock implements Clock {
  private current: number;
  private readonly sleepers = new Set<{ at: number; wake: () => void }>();

  constructor(start: Date = new Date('2026-01-05T09:00:00Z')) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  sleepUntil(when: Date, signal: AbortSignal): Promise<void> {
    if (signal.aborted || when.getTime() <= this.current) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { at: when.getTime(), wake: () => { this.sleepers.delete(sleeper); resolve(); } };
      this.sleepers.add(sleeper);
      signal.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  advance(ms: number): void {
    this.set(new Date(this.current + ms));
  }

  set(to: Date): void {
    this.current = Math.max(this.current, to.getTime());
    for (const sleeper of [...this.sleepers]) if (sleeper.at <= this.current) sleeper.wake();
  }
}
