/**
 * Deploy windows (`windows: [{ timezone, days, hours: "06:00-16:00" }]`): whether an instant is
 * inside one, and when the next one opens. Pure: time zones come from the runtime's Intl data.
 * A window whose hours wrap past midnight ("22:00-02:00") belongs to the day it starts on.
 */
import type { WindowSpec } from './types.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface LocalTime {
  day: number; // 0 = Sunday
  minutes: number; // since local midnight
  date: { year: number; month: number; day: number };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

function local(instant: Date, timezone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    day: DAYS.indexOf(parts.weekday.toLowerCase().slice(0, 3) as (typeof DAYS)[number]),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    date: { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) },
  };
}

/** The UTC instant of a local wall-clock time in a zone (DST-aware; a skipped time moves forward). */
function toInstant(date: LocalTime['date'], minutes: number, timezone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  let instant = guess;
  for (let i = 0; i < 2; i++) {
    const l = local(new Date(instant), timezone);
    const seen = Date.UTC(l.date.year, l.date.month - 1, l.date.day, 0, l.minutes);
    instant += guess - seen;
  }
  return new Date(instant);
}

function parseHours(hours: string): { start: number; end: number } {
  const [start, end] = hours.split('-').map((hm) => {
    const [h, m] = hm.split(':').map(Number);
    return h * 60 + m;
  });
  return { start, end };
}

/** The window occurrence (if any) that contains `instant`: its start and end. */
function containing(window: WindowSpec, instant: Date): { start: Date; end: Date } | null {
  const { start, end } = parseHours(window.hours);
  // Look at the occurrences that start today and yesterday (a wrapping window spills over).
  for (const back of [0, 1]) {
    const l = local(new Date(instant.getTime() - back * DAY), window.timezone);
    if (!window.days.includes(DAYS[l.day])) continue;
    const opens = toInstant(l.date, start, window.timezone);
    const closes = end > start ? toInstant(l.date, end, window.timezone) : new Date(toInstant(l.date, end, window.timezone).getTime() + DAY);
    if (instant >= opens && instant < closes) return { start: opens, end: closes };
  }
  return null;
}

export interface WindowState {
  open: boolean;
  /** When the current window closes (open) or the next one opens (closed); null if never. */
  changesAt: Date | null;
}

export function windowState(windows: WindowSpec[], instant: Date): WindowState {
  const current = windows.map((w) => containing(w, instant)).filter((x) => x !== null);
  if (current.length > 0) {
    return { open: true, changesAt: new Date(Math.max(...current.map((c) => c.end.getTime()))) };
  }
  let next: Date | null = null;
  for (const window of windows) {
    const { start } = parseHours(window.hours);
    for (let ahead = 0; ahead <= 8; ahead++) {
      const l = local(new Date(instant.getTime() + ahead * DAY), window.timezone);
      if (!window.days.includes(DAYS[l.day])) continue;
      const opens = toInstant(l.date, start, window.timezone);
      if (opens > instant) {
        if (!next || opens < next) next = opens;
        break;
      }
    }
  }
  return { open: false, changesAt: next };
}
