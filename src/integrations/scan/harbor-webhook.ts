/**
 * Harbor's webhook (a project's Webhooks tab, notify type `http`, payload format `Default`): the
 * parser of its SCANNING_COMPLETED event and the check of its secret. The route
 * (`POST /api/v1/webhooks/harbor`) lives in the API; this module only reads.
 *
 * The payload, as Harbor's notifier writes it (goharbor/harbor src/pkg/notifier/model/event.go:
 * Payload, EventData, Resource, Repository; an example is zulip/zulip
 * zerver/webhooks/harbor/fixtures/scanning_completed.json; Harbor's docs:
 * https://goharbor.io/docs/latest/working-with-projects/project-configuration/configure-webhooks/):
 *
 *   { "type": "SCANNING_COMPLETED", "occur_at": 1648715576, "operator": "auto",
 *     "event_data": {
 *       "resources": [{ "digest": "sha256:…", "tag": "3.8.1", "resource_url": "harbor.example.com/test/alpine/helm:3.8.1",
 *                       "scan_overview": { "<report mime type>": { NativeReportSummary } } }],
 *       "repository": { "name": "alpine/helm", "namespace": "test", "repo_full_name": "test/alpine/helm", "repo_type": "private" } } }
 *
 * How to use the result: it is a hint to look now, not the scan's result. For each deployment
 * that is `Scanning` and has an image whose digest is in `digests` (and whose name ends in
 * `/<repository>`), run its scan poll now (the scan provider reads Harbor, which is the truth).
 * Trusting the payload's scan_overview instead would let anyone who learns the secret pass a
 * scan, and a payload covers one image where DCP needs every image of the artifact. So the
 * scan_overview is not read at all, and a forged or replayed event costs one extra poll.
 *
 * Other event types (PUSH_ARTIFACT, SCANNING_FAILED, SCANNING_STOPPED, …) are `{ ignored }`: a failed
 * scan is seen by the next poll. A malformed body is an InputError naming the field.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { InputError } from '../../core/errors.ts';

export type HarborScanWebhook = { digests: string[]; repository: string } | { ignored: string };

/** An OCI digest: `algorithm:encoded` (the OCI image spec's grammar). */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{1,256}$/;
const MAX_RESOURCES = 100;
const MAX_NAME = 255;

export function parseHarborScanWebhook(body: unknown): HarborScanWebhook {
  const payload = object(body, '(body)');
  const type = text(payload.type, 'type', 64);
  if (type !== 'SCANNING_COMPLETED') return { ignored: `Harbor event ${type} is not a completed scan` };

  const data = object(payload.event_data, 'event_data');
  const repo = object(data.repository, 'event_data.repository');
  let repository: string;
  if (repo.repo_full_name !== undefined) repository = text(repo.repo_full_name, 'event_data.repository.repo_full_name', MAX_NAME);
  else repository = `${text(repo.namespace, 'event_data.repository.namespace', MAX_NAME)}/${text(repo.name, 'event_data.repository.name', MAX_NAME)}`;
  if (!/^[^/\s]+(?:\/[^/\s]+)+$/.test(repository)) fail('event_data.repository.repo_full_name', `must be <project>/<repository>; got "${repository.slice(0, 80)}"`);

  const resources = data.resources;
  if (!Array.isArray(resources) || resources.length === 0) fail('event_data.resources', 'must be a non-empty list of the scanned artifacts');
  if (resources.length > MAX_RESOURCES) fail('event_data.resources', `has ${resources.length} entries; at most ${MAX_RESOURCES}`);
  const digests: string[] = [];
  resources.forEach((resource: unknown, i: number) => {
    const field = `event_data.resources[${i}].digest`;
    const digest = text(object(resource, `event_data.resources[${i}]`).digest, field, 300);
    if (!DIGEST.test(digest)) fail(field, `must be a digest such as sha256:…; got "${digest.slice(0, 80)}"`);
    if (!digests.includes(digest)) digests.push(digest);
  });
  return { digests, repository };
}

/**
 * Whether the `Authorization` header Harbor sent carries the webhook's secret (Harbor sends the
 * policy's "Auth Header" value as is; people often write it as `Bearer <secret>`, so both are
 * accepted). Constant-time: both sides are hashed to equal-length SHA-256 digests before
 * `timingSafeEqual`, so neither the secret's length nor its first wrong byte shows in the timing.
 * No secret configured, or no header: false.
 */
export function harborSecretMatches(header: string | undefined, secret: string): boolean {
  if (header === undefined || secret === '') return false;
  const expected = sha256(secret);
  const raw = header.trim();
  const bearer = /^bearer\s+/i.test(raw) ? raw.replace(/^bearer\s+/i, '') : null;
  // Both comparisons always run: which form matched does not show in the timing either.
  const rawMatches = timingSafeEqual(sha256(raw), expected);
  const bearerMatches = timingSafeEqual(sha256(bearer ?? ''), expected);
  return rawMatches || (bearer !== null && bearerMatches);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object');
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
  if (value.length > max) fail(field, `must be at most ${max} characters`);
  return value;
}

function fail(field: string, message: string): never {
  throw new InputError(`invalid Harbor webhook: ${field} ${message}`, [{ field, message }]);
}
