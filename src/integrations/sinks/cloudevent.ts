/**
 * DCP's events as CloudEvents on the wire (contract §6, §10): JSON, structured mode, encoded by
 * the CNCF SDK (`cloudevents`) rather than by hand, so that what a webhook subscriber or a NATS
 * consumer receives is what any CloudEvents SDK parses — attribute names, the `data` member for
 * JSON data, validation of the context attributes.
 *
 * `position` is DCP's own cursor into its log (the API's `/events` and live stream use it); it is
 * no CloudEvents attribute and never leaves DCP on a sink: a subscriber dedupes by `id`.
 */
import { CloudEvent, HTTP } from 'cloudevents';
import type { DcpEvent } from '../../core/events.ts';

/** The content type of a structured JSON CloudEvent (the HTTP binding's structured mode). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** The event as a structured-mode JSON CloudEvent (the SDK validates it: an invalid event throws). */
export function toStructuredCloudEvent(event: DcpEvent): string {
  const { position: _position, ...attributes } = event;
  const message = HTTP.structured(new CloudEvent<DcpEvent['data']>(attributes));
  return String(message.body);
}
