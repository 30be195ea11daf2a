/** The event log: CloudEvents with their position (contract §6). */
import { EVENT_TYPES } from '../../core/events.ts';
import { dateTime, int, nullableStr, str, strings } from './primitives.ts';

export const Event = {
  $id: 'Event',
  type: 'object',
  description: 'A CloudEvent 1.0; `position` is its place in the log, the cursor of /events and the id of /stream.',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data', 'position'],
  additionalProperties: false,
  properties: {
    specversion: { type: 'string', const: '1.0' },
    id: str,
    source: str,
    type: { type: 'string', enum: EVENT_TYPES },
    subject: str,
    time: dateTime,
    datacontenttype: { type: 'string', const: 'application/json' },
    data: {
      type: 'object',
      description: 'Which fields are set depends on the type. Every event about a deployment has `deploymentId`; `BuildRejected` and `WebhookSubscriptionDisabled` are about DCP itself and have none.',
      // Open: a field a later DCP adds reaches clients before this schema names it.
      additionalProperties: true,
      properties: {
        deploymentId: { type: 'string', description: 'The deployment (every type but BuildRejected and WebhookSubscriptionDisabled).' },
        phaseId: str,
        releaseId: str,
        changeCaseId: str,
        environment: str,
        target: { type: 'string', description: 'The cluster of a release.' },
        from: { type: 'string', description: 'The status moved from.' },
        to: { type: 'string', description: 'The status moved to.' },
        statusDetail: str,
        queue: { type: 'string', description: 'The change-case queue (ChangeCaseCreated).' },
        by: { type: 'string', description: 'Who moved a change case.' },
        service: str,
        version: str,
        buildId: nullableStr,
        triggeredBy: str,
        environments: { ...strings, description: 'The planned environments (DeploymentCreated).' },
        reason: { type: 'string', description: 'Why the build was rejected, naming the field, or why the subscription was disabled.' },
        busSubject: { type: 'string', description: 'The bus subject a rejected build came on (BuildRejected).' },
        streamSequence: { type: 'integer', description: 'Its sequence in the JetStream stream (BuildRejected).' },
        subscriptionId: { type: 'string', description: 'The webhook subscription disabled (WebhookSubscriptionDisabled).' },
        origin: { type: 'string', description: "The disabled subscription's origin; its path and query are left out, they may hold a secret." },
      },
    },
    position: int,
  },
} as const;

export const EventList = {
  $id: 'EventList',
  type: 'object',
  required: ['items', 'nextCursor'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: { $ref: 'Event#' } }, nextCursor: nullableStr },
} as const;
