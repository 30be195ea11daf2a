/**
 * DCP's events as CloudEvents on the wire, checked against the CloudEvents project's own material
 * (test/fixtures/cloudevents/SOURCE.md): every event type, built as DCP builds them (appended to
 * the outbox, positioned by the relay, read back from the log), encodes to a structured JSON
 * CloudEvent that the spec's JSON Schema accepts and that the SDK, as a receiver, parses back to
 * the same event; and the conformance cases that describe structured JSON events round-trip.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { HTTP } from 'cloudevents';
import { parseAllDocuments } from 'yaml';
import { DEPLOYMENT_EVENT_TYPES, EVENT_TYPES, type DcpEvent, type DeploymentEventData, type DeploymentEventType } from '../src/core/events.ts';
import { CLOUDEVENTS_JSON, toStructuredCloudEvent } from '../src/integrations/sinks/cloudevent.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import { createIdGenerator } from '../src/shared/ids.ts';
import type { Db } from '../src/store/db.ts';
import { appendEvents, appendPlatformEvent, listEvents, relay } from '../src/store/events.ts';
import { openTestDb } from './helpers/dcp.ts';

const fixture = (path: string) => readFileSync(new URL(`./fixtures/cloudevents/${path}`, import.meta.url), 'utf8');

function schemaValidator(): ValidateFunction {
  // The schema is draft-07 (Ajv's default draft); `format`s (uri-reference, date-time) are checked with ajv-formats.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(fixture('spec/cloudevents.json')));
}

/** What the SDK, as a receiver over HTTP in structured mode, makes of a body. */
function received(body: string): Record<string, unknown> {
  const event = HTTP.toEvent({ headers: { 'content-type': CLOUDEVENTS_JSON }, body });
  assert.ok(!Array.isArray(event));
  return JSON.parse(JSON.stringify(event));
}

/** The data of each event type, as the code that appends it writes it (engine/transitions.ts eventData, services, engine/work.ts). */
function dataOf(type: DeploymentEventType): DeploymentEventData {
  const deploymentId = '019b8a51-7c00-7000-8000-000000000001';
  const phase = { phaseId: '019b8a51-7c00-7000-8000-000000000002', environment: 'prod' };
  const release = { ...phase, releaseId: '019b8a51-7c00-7000-8000-000000000003', target: 'eks-prod-use1' };
  if (type === 'DeploymentCreated') {
    return { deploymentId, to: 'Pending', statusDetail: 'Created', service: 'ledger-worker', version: '1.4.2', buildId: 'b-77', triggeredBy: 'ci', environments: ['dev', 'prod'] };
  }
  if (type === 'ChangeCaseCreated' || type === 'ChangeCaseUpdated') {
    return { deploymentId, ...phase, changeCaseId: 'CHG0001', from: 'new', to: 'submitted', statusDetail: 'Moved by alice', by: 'alice' };
  }
  if (type.startsWith('Release')) return { deploymentId, ...release, from: 'Pending', to: 'Deploying', statusDetail: 'helm upgrade started' };
  if (type.startsWith('DeploymentPhase')) return { deploymentId, ...phase, from: 'Pending', to: 'Checking', statusDetail: 'Checks running' };
  return { deploymentId, from: 'Scanning', to: 'Scanned', statusDetail: 'No findings above the threshold' };
}

describe('DCP events as structured CloudEvents', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let events: DcpEvent[];
  let validate: ValidateFunction;

  before(async () => {
    validate = schemaValidator();
    ({ db, drop } = await openTestDb('pglite'));
    const clock = new ManualClock();
    const ids = createIdGenerator(clock);
    for (const type of DEPLOYMENT_EVENT_TYPES) await appendEvents(db, [{ id: ids(), type, time: clock.now(), data: dataOf(type) }]);
    // The events about DCP itself, as services/events.ts and services/webhooks.ts write them.
    await appendPlatformEvent(db, {
      id: ids(), type: 'BuildRejected', time: clock.now(), subject: 'builds/b-78',
      data: { buildId: 'b-78', busSubject: 'dcp.builds', streamSequence: 12, reason: 'malformed BuildCompleted b-78 on dcp.builds: /version must be string' },
    });
    await appendPlatformEvent(db, {
      id: ids(), type: 'WebhookSubscriptionDisabled', time: clock.now(), subject: 'webhooks/019b8a51-7c00-7000-8000-000000000009',
      data: { subscriptionId: '019b8a51-7c00-7000-8000-000000000009', origin: 'https://hooks.example.com', reason: 'failing for a day: HTTP 503' },
    });
    await relay(db);
    events = await listEvents(db, { after: 0, limit: 100 });
  });
  after(() => drop());

  test('every event type validates against the CloudEvents JSON Schema and round-trips through the SDK', () => {
    assert.deepEqual(events.map((e) => e.type), [...EVENT_TYPES]);
    for (const event of events) {
      const body = toStructuredCloudEvent(event);
      const json = JSON.parse(body);
      assert.ok(validate(json), `${event.type}: ${JSON.stringify(validate.errors)}`);
      const { position, ...attributes } = event;
      assert.ok(position > 0);
      assert.deepEqual(json, attributes, `${event.type}: the CloudEvent is the event minus its position`);
      assert.ok(!('position' in json), 'position is DCP\'s cursor, not a CloudEvents attribute');
      assert.deepEqual(received(body), attributes, `${event.type}: the SDK reads back what DCP sent`);
    }
  });

  test('an event about DCP itself with an id seen before writes nothing (a redelivered cause)', async () => {
    const again = events.find((e) => e.type === 'BuildRejected')!;
    const written = await appendPlatformEvent(db, { id: again.id, type: 'BuildRejected', time: new Date(), subject: again.subject, data: { busSubject: 'dcp.builds', streamSequence: 12, reason: 'again' } });
    assert.equal(written, false);
    await relay(db);
    assert.equal((await listEvents(db, { after: 0, limit: 100 })).length, events.length);
  });

  test('an event the SDK finds invalid is refused, not sent', () => {
    const bad = { ...events[0], source: '' } as DcpEvent;
    assert.throws(() => toStructuredCloudEvent(bad));
  });
});

/**
 * The conformance cases, and which apply. A case is a CloudEvent in some mode; DCP sends only
 * structured JSON events whose data is JSON (`datacontenttype: application/json`). So:
 * - v1.yaml, `Mode: structured`: applies (JSON data, with extension attributes).
 * - v1.yaml, `Mode: binary`: does not (binary mode puts attributes in headers; DCP never sends it).
 * - v1_minimum.yaml 0003, 0004, 0005 (`application/json; charset=utf-8`: a string, an object and an
 *   array as data): apply.
 * - v1_minimum.yaml 0001, 0002 (`text/plain`) and 0006 (`application/xml`): do not — non-JSON data,
 *   which DCP's events never carry (in the JSON format it would travel as a string).
 * The YAML is read as the conformance suite's YAML 1.1 would be read except for scalars: the
 * `yaml` package's core schema reads `specversion: 1.0` as the number 1, so it is taken as the
 * string "1.0" (the spec's only value); the files themselves are not edited.
 */
interface Case {
  Mode?: string;
  ContextAttributes: Record<string, unknown> & { Extensions?: Record<string, string> };
  Data: string;
}

function cases(file: string): Case[] {
  return parseAllDocuments(fixture(`conformance/${file}`)).map((doc) => doc.toJS() as Case);
}

const isJson = (c: Case) => /^application\/json\b/.test(String(c.ContextAttributes.datacontenttype ?? 'application/json'));
const applies = (c: Case) => (c.Mode ?? 'structured') === 'structured' && isJson(c);

describe('CloudEvents conformance cases (structured JSON)', () => {
  const all = [...cases('v1.yaml'), ...cases('v1_minimum.yaml')];
  const chosen = all.filter(applies);

  test('the cases that apply are the ones named above', () => {
    assert.deepEqual(chosen.map((c) => c.ContextAttributes.id), ['4321-4321-4321', 'conformance-0003', 'conformance-0004', 'conformance-0005']);
  });

  for (const c of chosen) {
    test(`${String(c.ContextAttributes.id)} round-trips`, () => {
      const { Extensions, ...attributes } = c.ContextAttributes;
      const expected: Record<string, unknown> = {
        ...attributes,
        ...Extensions,
        specversion: '1.0',
        datacontenttype: attributes.datacontenttype ?? 'application/json',
        data: JSON.parse(c.Data),
      };
      // toStructuredCloudEvent takes DCP's own event type; a conformance case is the same shape with other
      // names (its attributes, extensions and data), and the encoding is the SDK's either way.
      const body = toStructuredCloudEvent({ ...expected, position: 0 } as unknown as DcpEvent);
      const json: Record<string, unknown> = JSON.parse(body);
      assert.ok(schemaValidator()(json));
      const back = received(body);
      // The SDK writes `time` as an ISO instant with milliseconds (the same instant), and gives an
      // event without one the time it was made (the SDK's default; `time` is optional in the spec).
      // DCP's events always carry their time (the first suite checks it comes through as written).
      assert.ok(!Number.isNaN(Date.parse(String(json.time))) && json.time === back.time);
      if (typeof expected.time === 'string') {
        assert.equal(Date.parse(String(back.time)), Date.parse(expected.time));
        back.time = json.time = expected.time;
      } else {
        delete back.time;
        delete json.time;
      }
      assert.deepEqual(json, expected);
      assert.deepEqual(back, expected);
    });
  }
});
