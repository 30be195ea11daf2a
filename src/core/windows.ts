/**
 * Deploy windows (`windows: [{ timezone, days, hours: "06:00-16:00" }]`): whether an instant is
 * inside one, and when the next one opens. Pure: time zones come from the runtime's Intl data.
 * A window whose hours wrap past midnight ("22:00-02:00") belongs to the day it starts on.
 */
import type { WindowSpec } from './types.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface LocalTime {
  minutes: number; // since local midnight
  date: LocalDate;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

function local(instant: number, timezone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return {
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    date: { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) },
  };
}

/**
 * Calendar arithmetic on local dates. Days are stepped on the calendar, not by adding 24 h to an
 * instant: around a DST switch a local day is 23 or 25 hours long, and 24 h steps skip or repeat one.
 */
function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function weekday(date: LocalDate): (typeof DAYS)[number] {
  return DAYS[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
}

/** The wall-clock reading of an instant in a zone, as if that reading were UTC (minute precision). */
function wallClock(instant: number, timezone: string): number {
  const l = local(instant, timezone);
  return Date.UTC(l.date.year, l.date.month - 1, l.date.day, 0, l.minutes);
}

/**
 * The UTC instant of a local wall-clock time in a zone (DST-aware). A repeated time (the hour
 * after a fall-back) is its first occurrence; a skipped time (in a spring-forward gap) moves
 * forward by the gap (02:30 on a 02:00→03:00 day is 03:30).
 */
function toInstant(date: LocalDate, minutes: number, timezone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  // The zone's offsets a day either side: the instant is the wall time read with one of them.
  const before = wall - (wallClock(wall - DAY, timezone) - (wall - DAY));
  const after = wall - (wallClock(wall + DAY, timezone) - (wall + DAY));
  const valid = [before, after].filter((t) => wallClock(t, timezone) === wall);
  return valid.length > 0 ? Math.min(...valid) : before;
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
  const today = local(instant.getTime(), window.timezone).date;
  // Look at the occurrences that start today and yesterday (a wrapping window spills over).
  for (const back of [0, 1]) {
    const date = addDays(today, -back);
    if (!window.days.includes(weekday(date))) continue;
    const opens = toInstant(date, start, window.timezone);
    // "24:00" (end = 1440) is the next local midnight; a wrapping window ends on the next day.
    const closes = toInstant(end > start ? date : addDays(date, 1), end, window.timezone);
    if (instant.getTime() >= opens && instant.getTime() < closes) return { start: new Date(opens), end: new Date(closes) };
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
    const today = local(instant.getTime(), window.timezone).date;
    for (let ahead = 0; ahead <= 8; ahead++) {
      const date = addDays(today, ahead);
      if (!window.days.includes(weekday(date))) continue;
      const opens = new Date(toInstant(date, start, window.timezone));
      if (opens > instant) {
        if (!next || opens < next) next = opens;
        break;
      }
    }
  }
  return { open: false, changesAt: next };
}
