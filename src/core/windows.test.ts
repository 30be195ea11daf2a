/**
 * Deploy windows (contract §2.2 `windows: [{ timezone, days, hours }]`): `windowState` at fixed
 * instants. Every expected instant is written out in UTC next to its local reading, so a wrong
 * time-zone offset (a fixed one, or one taken from the wrong side of a DST switch) fails loudly.
 *
 * 2026 calendar used below: Mon 2 – Sun 8 March (America/Los_Angeles springs forward on Sun 8
 * March, 02:00 PST → 03:00 PDT), Sun 1 November (LA falls back, 02:00 PDT → 01:00 PST),
 * Sun 29 March / Sun 25 October (Europe/Berlin's switches). PST = UTC−8, PDT = UTC−7,
 * CET = UTC+1, CEST = UTC+2.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WindowSpec } from './types.ts';
import { windowState } from './windows.ts';

const LA = 'America/Los_Angeles';
const BERLIN = 'Europe/Berlin';

/** The contract's example: LA, Monday to Thursday, 06:00–16:00. */
const LA_WORKDAYS: WindowSpec = { timezone: LA, days: ['mon', 'tue', 'wed', 'thu'], hours: '06:00-16:00' };

interface Case {
  name: string;
  windows: WindowSpec[];
  at: string;
  open: boolean;
  /** ISO instant, or null. */
  changesAt: string | null;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const state = windowState(c.windows, new Date(c.at));
      assert.deepEqual(
        { open: state.open, changesAt: state.changesAt?.toISOString() ?? null },
        { open: c.open, changesAt: c.changesAt },
      );
    });
  }
}

describe('windowState: America/Los_Angeles mon–thu 06:00-16:00 (PST weeks)', () => {
  run([
    { name: 'Monday 05:59 PST: closed, opens 06:00 PST (14:00Z)', windows: [LA_WORKDAYS], at: '2026-03-02T13:59:00Z', open: false, changesAt: '2026-03-02T14:00:00.000Z' },
    { name: 'Monday 06:00 PST exactly: open (the start is inclusive), closes 16:00 PST', windows: [LA_WORKDAYS], at: '2026-03-02T14:00:00Z', open: true, changesAt: '2026-03-03T00:00:00.000Z' },
    { name: 'Tuesday 12:00 PST: inside, closes 16:00 PST (00:00Z next day)', windows: [LA_WORKDAYS], at: '2026-03-03T20:00:00Z', open: true, changesAt: '2026-03-04T00:00:00.000Z' },
    { name: 'Wednesday 15:59 PST: still inside', windows: [LA_WORKDAYS], at: '2026-03-04T23:59:00Z', open: true, changesAt: '2026-03-05T00:00:00.000Z' },
    { name: 'Monday 16:00 PST exactly: closed (the end is exclusive), opens Tuesday 06:00', windows: [LA_WORKDAYS], at: '2026-03-03T00:00:00Z', open: false, changesAt: '2026-03-03T14:00:00.000Z' },
    { name: 'Monday 17:00 PST (already Tuesday in UTC): closed, opens Tuesday 06:00 PST', windows: [LA_WORKDAYS], at: '2026-03-03T01:00:00Z', open: false, changesAt: '2026-03-03T14:00:00.000Z' },
    { name: 'Sunday 23:30 PST (already Monday in UTC): closed, opens Monday 06:00 PST', windows: [LA_WORKDAYS], at: '2026-02-23T07:30:00Z', open: false, changesAt: '2026-02-23T14:00:00.000Z' },
    { name: 'Friday 10:00 PST: closed, next opening is Monday 06:00 (PDT by then: 13:00Z)', windows: [LA_WORKDAYS], at: '2026-03-06T18:00:00Z', open: false, changesAt: '2026-03-09T13:00:00.000Z' },
    { name: 'Thursday 16:00 PST exactly: closed, next opening is Monday', windows: [LA_WORKDAYS], at: '2026-03-06T00:00:00Z', open: false, changesAt: '2026-03-09T13:00:00.000Z' },
    { name: 'Saturday noon, a PST week with no switch: Monday 06:00 PST (14:00Z)', windows: [LA_WORKDAYS], at: '2026-02-28T20:00:00Z', open: false, changesAt: '2026-03-02T14:00:00.000Z' },
  ]);
});

describe('windowState: across the DST switches (the window stays at 06:00 local)', () => {
  run([
    // Spring forward, Sunday 2026-03-08.
    { name: 'Sunday 01:59 PST, just before the switch: next opening Monday 06:00 PDT = 13:00Z', windows: [LA_WORKDAYS], at: '2026-03-08T09:59:00Z', open: false, changesAt: '2026-03-09T13:00:00.000Z' },
    { name: 'Sunday 03:00 PDT, just after the switch: Monday 06:00 PDT = 13:00Z', windows: [LA_WORKDAYS], at: '2026-03-08T10:00:00Z', open: false, changesAt: '2026-03-09T13:00:00.000Z' },
    { name: 'Monday 05:30 PDT = 12:30Z: closed, opens 06:00 PDT', windows: [LA_WORKDAYS], at: '2026-03-09T12:30:00Z', open: false, changesAt: '2026-03-09T13:00:00.000Z' },
    { name: 'Monday 06:30 PDT = 13:30Z: open (a fixed PST offset would say 05:30, closed)', windows: [LA_WORKDAYS], at: '2026-03-09T13:30:00Z', open: true, changesAt: '2026-03-09T23:00:00.000Z' },
    { name: 'Monday 16:30 PDT = 23:30Z: closed (a fixed PST offset would say 15:30, open)', windows: [LA_WORKDAYS], at: '2026-03-09T23:30:00Z', open: false, changesAt: '2026-03-10T13:00:00.000Z' },
    // Fall back, Sunday 2026-11-01.
    { name: 'Thursday 2026-10-29 15:59 PDT: open, closes 16:00 PDT = 23:00Z', windows: [LA_WORKDAYS], at: '2026-10-29T22:59:00Z', open: true, changesAt: '2026-10-29T23:00:00.000Z' },
    { name: 'Friday 2026-10-30 (PDT): next opening Monday 06:00 PST = 14:00Z', windows: [LA_WORKDAYS], at: '2026-10-30T18:00:00Z', open: false, changesAt: '2026-11-02T14:00:00.000Z' },
    { name: 'Sunday 01:30 PDT (first 01:30): Monday 06:00 PST = 14:00Z', windows: [LA_WORKDAYS], at: '2026-11-01T08:30:00Z', open: false, changesAt: '2026-11-02T14:00:00.000Z' },
    { name: 'Sunday 01:30 PST (the repeated 01:30): Monday 06:00 PST = 14:00Z', windows: [LA_WORKDAYS], at: '2026-11-01T09:30:00Z', open: false, changesAt: '2026-11-02T14:00:00.000Z' },
    { name: 'Monday 2026-11-02 05:30 PST = 13:30Z: closed (a PDT offset would say 06:30)', windows: [LA_WORKDAYS], at: '2026-11-02T13:30:00Z', open: false, changesAt: '2026-11-02T14:00:00.000Z' },
    { name: 'Monday 2026-11-02 06:00 PST = 14:00Z: open, closes 16:00 PST = 00:00Z', windows: [LA_WORKDAYS], at: '2026-11-02T14:00:00Z', open: true, changesAt: '2026-11-03T00:00:00.000Z' },
    // Regressions: stepping whole days by adding 24 h skips the 23-hour spring-forward Sunday.
    {
      name: 'a Sunday window seen from Saturday 23:30 PST before the switch opens the next morning, not a week later',
      windows: [{ timezone: LA, days: ['sun'], hours: '06:00-16:00' }],
      at: '2026-03-08T07:30:00Z', open: false, changesAt: '2026-03-08T13:00:00.000Z',
    },
    {
      name: 'a Saturday window seen from Friday 23:30 PDT before the fall-back opens the next morning',
      windows: [{ timezone: LA, days: ['sat'], hours: '06:00-16:00' }],
      at: '2026-10-31T06:30:00Z', open: false, changesAt: '2026-10-31T13:00:00.000Z',
    },
    // Wall times that do not exist, or exist twice.
    {
      name: 'a window starting in the spring-forward gap (02:30) opens when the clock passes it: 03:30 PDT',
      windows: [{ timezone: LA, days: ['sun'], hours: '02:30-04:00' }],
      at: '2026-03-08T09:00:00Z', open: false, changesAt: '2026-03-08T10:30:00.000Z',
    },
    {
      name: '… and is open from then until 04:00 PDT',
      windows: [{ timezone: LA, days: ['sun'], hours: '02:30-04:00' }],
      at: '2026-03-08T10:45:00Z', open: true, changesAt: '2026-03-08T11:00:00.000Z',
    },
    {
      name: 'a window starting in the repeated hour (01:30) opens at its first occurrence (PDT)',
      windows: [{ timezone: LA, days: ['sun'], hours: '01:30-03:00' }],
      at: '2026-11-01T08:00:00Z', open: false, changesAt: '2026-11-01T08:30:00.000Z',
    },
    {
      name: '… and stays open through the repeated hour until 03:00 PST',
      windows: [{ timezone: LA, days: ['sun'], hours: '01:30-03:00' }],
      at: '2026-11-01T09:45:00Z', open: true, changesAt: '2026-11-01T11:00:00.000Z',
    },
  ]);
});

describe('windowState: a window wrapping midnight ("22:00-02:00") belongs to the day it starts on', () => {
  const FRIDAY_NIGHT: WindowSpec = { timezone: BERLIN, days: ['fri'], hours: '22:00-02:00' };
  run([
    { name: 'Friday 21:59 CET: closed, opens 22:00 CET (21:00Z)', windows: [FRIDAY_NIGHT], at: '2026-01-09T20:59:00Z', open: false, changesAt: '2026-01-09T21:00:00.000Z' },
    { name: 'Friday 22:00 CET exactly: open, closes Saturday 02:00 CET (01:00Z)', windows: [FRIDAY_NIGHT], at: '2026-01-09T21:00:00Z', open: true, changesAt: '2026-01-10T01:00:00.000Z' },
    { name: 'Friday 23:30 CET (its start day): open', windows: [FRIDAY_NIGHT], at: '2026-01-09T22:30:00Z', open: true, changesAt: '2026-01-10T01:00:00.000Z' },
    { name: 'Saturday 01:30 CET (the early hours of the next day): still open', windows: [FRIDAY_NIGHT], at: '2026-01-10T00:30:00Z', open: true, changesAt: '2026-01-10T01:00:00.000Z' },
    { name: 'Saturday 02:00 CET exactly: closed, next Friday 22:00', windows: [FRIDAY_NIGHT], at: '2026-01-10T01:00:00Z', open: false, changesAt: '2026-01-16T21:00:00.000Z' },
    { name: 'Saturday 23:00 CET: closed (Saturday is not a start day)', windows: [FRIDAY_NIGHT], at: '2026-01-10T22:00:00Z', open: false, changesAt: '2026-01-16T21:00:00.000Z' },
    { name: 'Friday 01:00 CET (early hours of Friday, Thursday is not a start day): closed, opens that evening', windows: [FRIDAY_NIGHT], at: '2026-01-09T00:00:00Z', open: false, changesAt: '2026-01-09T21:00:00.000Z' },
    {
      name: 'LA sun 22:00-02:00 on the spring-forward night: Monday 00:30 PDT is inside, closes 02:00 PDT',
      windows: [{ timezone: LA, days: ['sun'], hours: '22:00-02:00' }],
      at: '2026-03-09T07:30:00Z', open: true, changesAt: '2026-03-09T09:00:00.000Z',
    },
    {
      name: 'LA sat 22:00-02:00 over the fall-back night: the repeated 01:30 (PST) is inside, closes 02:00 PST',
      windows: [{ timezone: LA, days: ['sat'], hours: '22:00-02:00' }],
      at: '2026-11-01T09:30:00Z', open: true, changesAt: '2026-11-01T10:00:00.000Z',
    },
    {
      name: 'LA sat 22:00-02:00 over the fall-back night: 02:00 PST exactly is closed, next Saturday 22:00 PST',
      windows: [{ timezone: LA, days: ['sat'], hours: '22:00-02:00' }],
      at: '2026-11-01T10:00:00Z', open: false, changesAt: '2026-11-08T06:00:00.000Z',
    },
  ]);
});

describe('windowState: several windows', () => {
  const UTC_FRIDAY_MORNING: WindowSpec = { timezone: 'UTC', days: ['fri'], hours: '09:00-12:00' };
  const UTC_MONDAY: WindowSpec = { timezone: 'UTC', days: ['mon'], hours: '12:00-20:00' };
  const BERLIN_MONDAY: WindowSpec = { timezone: BERLIN, days: ['mon'], hours: '09:00-11:00' };
  run([
    { name: 'closed: the earliest next opening wins (UTC Friday before LA Monday)', windows: [LA_WORKDAYS, UTC_FRIDAY_MORNING], at: '2026-03-06T01:00:00Z', open: false, changesAt: '2026-03-06T09:00:00.000Z' },
    { name: 'closed: the same, windows in the other order', windows: [UTC_FRIDAY_MORNING, LA_WORKDAYS], at: '2026-03-06T01:00:00Z', open: false, changesAt: '2026-03-06T09:00:00.000Z' },
    { name: 'closed: the earliest next opening wins (LA Monday before UTC Friday)', windows: [UTC_FRIDAY_MORNING, LA_WORKDAYS], at: '2026-03-06T13:00:00Z', open: false, changesAt: '2026-03-09T13:00:00.000Z' },
    { name: 'closed Sunday: Berlin Monday 09:00 CET (08:00Z) before LA Monday 06:00 PST (14:00Z)', windows: [LA_WORKDAYS, BERLIN_MONDAY], at: '2026-03-01T12:00:00Z', open: false, changesAt: '2026-03-02T08:00:00.000Z' },
    { name: 'open in two: changesAt is the later end (LA 16:00 PST = 00:00Z, not UTC 20:00)', windows: [UTC_MONDAY, LA_WORKDAYS], at: '2026-03-02T15:00:00Z', open: true, changesAt: '2026-03-03T00:00:00.000Z' },
    { name: 'open in two: the same, windows in the other order', windows: [LA_WORKDAYS, UTC_MONDAY], at: '2026-03-02T15:00:00Z', open: true, changesAt: '2026-03-03T00:00:00.000Z' },
    { name: 'open in one only: changesAt is its end, not the end of a window that has not opened yet', windows: [LA_WORKDAYS, UTC_MONDAY], at: '2026-03-02T13:00:00Z', open: true, changesAt: '2026-03-02T20:00:00.000Z' },
    { name: 'open in one only: the end of the containing window even when another opens before it', windows: [BERLIN_MONDAY, { timezone: 'UTC', days: ['mon'], hours: '06:00-18:00' }], at: '2026-03-02T07:00:00Z', open: true, changesAt: '2026-03-02T18:00:00.000Z' },
  ]);
});

describe('windowState: Europe/Berlin and UTC', () => {
  const BERLIN_WEEKDAYS: WindowSpec = { timezone: BERLIN, days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00' };
  const UTC_WEEKDAYS: WindowSpec = { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00' };
  run([
    { name: 'Berlin winter: Monday 09:00 CET = 08:00Z opens', windows: [BERLIN_WEEKDAYS], at: '2026-01-05T08:00:00Z', open: true, changesAt: '2026-01-05T16:00:00.000Z' },
    { name: 'Berlin winter: 07:59Z (08:59 CET) is closed', windows: [BERLIN_WEEKDAYS], at: '2026-01-05T07:59:00Z', open: false, changesAt: '2026-01-05T08:00:00.000Z' },
    { name: 'Berlin summer: Monday 09:00 CEST = 07:00Z opens', windows: [BERLIN_WEEKDAYS], at: '2026-07-06T07:00:00Z', open: true, changesAt: '2026-07-06T15:00:00.000Z' },
    { name: 'Berlin spring forward (Sun 29 March): Friday evening CET → Monday 09:00 CEST = 07:00Z', windows: [BERLIN_WEEKDAYS], at: '2026-03-27T17:00:00Z', open: false, changesAt: '2026-03-30T07:00:00.000Z' },
    { name: 'Berlin fall back (Sun 25 October): Friday evening CEST → Monday 09:00 CET = 08:00Z', windows: [BERLIN_WEEKDAYS], at: '2026-10-23T16:00:00Z', open: false, changesAt: '2026-10-26T08:00:00.000Z' },
    { name: 'Berlin: Friday 23:30 CET is already Saturday locally: next Monday', windows: [BERLIN_WEEKDAYS], at: '2026-01-09T22:30:00Z', open: false, changesAt: '2026-01-12T08:00:00.000Z' },
    { name: 'UTC: inside', windows: [UTC_WEEKDAYS], at: '2026-03-04T12:00:00Z', open: true, changesAt: '2026-03-04T17:00:00.000Z' },
    { name: 'UTC: no DST, Monday after the LA switch still opens 09:00Z', windows: [UTC_WEEKDAYS], at: '2026-03-08T12:00:00Z', open: false, changesAt: '2026-03-09T09:00:00.000Z' },
    { name: 'UTC: Friday 17:00 exactly → Monday 09:00', windows: [UTC_WEEKDAYS], at: '2026-03-06T17:00:00Z', open: false, changesAt: '2026-03-09T09:00:00.000Z' },
    { name: 'UTC: sub-minute instants: 08:59:59.999 is closed', windows: [UTC_WEEKDAYS], at: '2026-03-04T08:59:59.999Z', open: false, changesAt: '2026-03-04T09:00:00.000Z' },
  ]);
});

// environments.ts accepts hours matching HH:MM-HH:MM with 00:00–23:59 on both sides, and 24:00
// only as the end ("18:00-24:00"), never as the start, and never equal start and end.
describe('windowState: windows ending at 24:00 (the next local midnight)', () => {
  const UTC_EVENING: WindowSpec = { timezone: 'UTC', days: ['mon'], hours: '18:00-24:00' };
  run([
    { name: 'UTC mon 18:00-24:00 at 23:59:59.999: open, closes at Tuesday 00:00Z', windows: [UTC_EVENING], at: '2026-03-02T23:59:59.999Z', open: true, changesAt: '2026-03-03T00:00:00.000Z' },
    { name: 'UTC mon 18:00-24:00 at Tuesday 00:00Z: closed, next Monday 18:00', windows: [UTC_EVENING], at: '2026-03-03T00:00:00Z', open: false, changesAt: '2026-03-09T18:00:00.000Z' },
    { name: 'UTC mon 18:00-24:00 before it opens', windows: [UTC_EVENING], at: '2026-03-02T17:00:00Z', open: false, changesAt: '2026-03-02T18:00:00.000Z' },
    {
      name: 'LA 00:00-24:00 on the 23-hour spring-forward Sunday: 08:00Z (00:00 PST) to 07:00Z (00:00 PDT Monday)',
      windows: [{ timezone: LA, days: ['sun'], hours: '00:00-24:00' }],
      at: '2026-03-08T12:00:00Z', open: true, changesAt: '2026-03-09T07:00:00.000Z',
    },
    {
      name: 'LA 00:00-24:00 on the 25-hour fall-back Sunday: closes 00:00 PST Monday = 08:00Z',
      windows: [{ timezone: LA, days: ['sun'], hours: '00:00-24:00' }],
      at: '2026-11-01T12:00:00Z', open: true, changesAt: '2026-11-02T08:00:00.000Z',
    },
    {
      name: 'LA 00:00-24:00 Sunday seen from Saturday evening: opens 00:00 PST Sunday = 08:00Z',
      windows: [{ timezone: LA, days: ['sun'], hours: '00:00-24:00' }],
      at: '2026-03-08T04:00:00Z', open: false, changesAt: '2026-03-08T08:00:00.000Z',
    },
    {
      // Each day's occurrence is its own window: at Sunday 00:00 the phase re-evaluates and finds
      // Sunday's occurrence open, so reporting Saturday's end is what `changesAt` promises.
      name: 'sat+sun 00:00-24:00: on Saturday changesAt is the end of Saturday’s occurrence',
      windows: [{ timezone: 'UTC', days: ['sat', 'sun'], hours: '00:00-24:00' }],
      at: '2026-03-07T12:00:00Z', open: true, changesAt: '2026-03-08T00:00:00.000Z',
    },
  ]);
});

describe('windowState: purity', () => {
  test('does not modify the windows or the instant', () => {
    const windows = [structuredClone(LA_WORKDAYS)];
    const at = new Date('2026-03-04T20:00:00Z');
    windowState(windows, at);
    assert.deepEqual(windows, [LA_WORKDAYS]);
    assert.equal(at.toISOString(), '2026-03-04T20:00:00.000Z');
  });

  test('the same instant gives the same answer (formatter caching is invisible)', () => {
    const at = new Date('2026-03-09T13:30:00Z');
    assert.deepEqual(windowState([LA_WORKDAYS], at), windowState([LA_WORKDAYS], at));
  });
});
