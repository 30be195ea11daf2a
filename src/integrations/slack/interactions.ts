/**
 * Slack's side of `POST /api/v1/slack/interactions` (contract §10): the `v0` signature check, the
 * reading of an interaction payload, who a Slack user is (`users.info`), and the ephemeral reply
 * to the person who pressed a button (the payload's `response_url`). The route lives in the API
 * and the rules in services/slack-interactions.ts; this module only checks, reads and sends.
 *
 * Slack signs every request (https://api.slack.com/authentication/verifying-requests-from-slack):
 *   X-Slack-Request-Timestamp: 1531420618
 *   X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:1531420618:<raw body>" with the signing secret>
 * The body is `application/x-www-form-urlencoded` with one field, `payload`, a JSON document
 * (https://api.slack.com/reference/interaction-payloads/block-actions):
 *   { "type": "block_actions", "user": { "id": "U…" }, "response_url": "https://hooks.slack.com/actions/…",
 *     "actions": [{ "action_id": "dcp_approve", "value": "{\"deploymentId\":\"…\",\"phaseId\":\"…\"}" }] }
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LogLevel, WebClient } from '@slack/web-api';
import { InputError, RetryableIntegrationError } from '../../core/errors.ts';

/** How far a request's timestamp may be from DCP's clock, either way, and how long its signature is remembered. */
export const SLACK_WINDOW_MS = 5 * 60_000;
/** The buttons of DCP's approval message (the outgoing half builds them with these ids). */
export const APPROVE_ACTION = 'dcp_approve';
export const REJECT_ACTION = 'dcp_reject';

export type SignatureCheck = { ok: true; signature: string; timestamp: Date } | { ok: false; reason: string };

/** Checks Slack's `v0` signature over the raw body, in constant time, and the 5-minute window. */
export function verifySlackSignature(input: { secret: string; timestamp: string | undefined; signature: string | undefined; rawBody: string; now: Date }): SignatureCheck {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: 'a Slack request needs the X-Slack-Request-Timestamp and X-Slack-Signature headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp must be Unix seconds' };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'X-Slack-Signature must be v0=<64 hex digits>' };
  const at = new Date(Number(timestamp) * 1000);
  if (Math.abs(input.now.getTime() - at.getTime()) > SLACK_WINDOW_MS) {
    return { ok: false, reason: 'the request\'s timestamp is more than 5 minutes from DCP\'s clock (a stale or replayed request, or a clock out of sync)' };
  }
  const expected = `v0=${createHmac('sha256', input.secret).update(`v0:${timestamp}:${input.rawBody}`).digest('hex')}`;
  // Both are `v0=` and 64 hex digits here: equal lengths, as timingSafeEqual needs.
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return { ok: false, reason: 'the Slack signature does not match (check DCP_SLACK_SIGNING_SECRET)' };
  return { ok: true, signature, timestamp: at };
}

/** What a payload asks DCP: a decision on a phase, or nothing DCP acts on. */
export type SlackInteraction =
  | { kind: 'decision'; decision: 'approve' | 'reject'; deploymentId: string; phaseId: string; userId: string; responseUrl: string | null }
  | { kind: 'ignored'; reason: string };

const ID = /^[A-Za-z0-9_.-]{1,100}$/;
const SLACK_USER = /^[A-Z0-9]{2,32}$/;

/** Reads a signed body (`payload=<JSON>`); a malformed one is an InputError naming the field. */
export function parseSlackInteraction(rawBody: string): SlackInteraction {
  const text = new URLSearchParams(rawBody).get('payload');
  if (text === null) fail('payload', 'is required: Slack sends payload=<JSON> as application/x-www-form-urlencoded');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    fail('payload', 'is not JSON');
  }
  const body = object(payload, 'payload');
  const type = string(body.type, 'payload.type', 64);
  if (type !== 'block_actions') return { kind: 'ignored', reason: `Slack interaction ${type} is not a button press DCP handles` };
  const actions = body.actions;
  if (!Array.isArray(actions) || actions.length === 0) fail('payload.actions', 'must be a non-empty list');
  const action = object(actions[0], 'payload.actions[0]');
  const actionId = string(action.action_id, 'payload.actions[0].action_id', 255);
  if (actionId !== APPROVE_ACTION && actionId !== REJECT_ACTION) return { kind: 'ignored', reason: `action ${actionId} is not one of DCP's buttons` };
  const userId = string(object(body.user, 'payload.user').id, 'payload.user.id', 32);
  if (!SLACK_USER.test(userId)) fail('payload.user.id', 'must be a Slack user id (U…)');
  let value: unknown;
  try {
    value = JSON.parse(string(action.value, 'payload.actions[0].value', 500));
  } catch (error) {
    if (error instanceof InputError) throw error;
    fail('payload.actions[0].value', 'must be JSON: {"deploymentId", "phaseId"}');
  }
  const target = object(value, 'payload.actions[0].value');
  const deploymentId = string(target.deploymentId, 'payload.actions[0].value.deploymentId', 100);
  const phaseId = string(target.phaseId, 'payload.actions[0].value.phaseId', 100);
  if (!ID.test(deploymentId)) fail('payload.actions[0].value.deploymentId', 'must be a deployment id');
  if (!ID.test(phaseId)) fail('payload.actions[0].value.phaseId', 'must be a phase id');
  const responseUrl = body.response_url === undefined ? null : string(body.response_url, 'payload.response_url', 2000);
  return { kind: 'decision', decision: actionId === APPROVE_ACTION ? 'approve' : 'reject', deploymentId, phaseId, userId, responseUrl };
}

function fail(field: string, message: string): never {
  throw new InputError(`${field} ${message}`, [{ field, message }]);
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object');
  return value as Record<string, unknown>;
}

function string(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value === '') fail(field, 'must be a non-empty string');
  if (value.length > max) fail(field, `must be at most ${max} characters`);
  return value;
}

/** Who a Slack user is, by the Web API's `users.info` (scope `users:read.email`). */
export interface SlackDirectory {
  /** The user's profile email; null when Slack knows no such user or shows no email. */
  emailOf(userId: string): Promise<string | null>;
}

/** The official client (its error codes, timeouts and rate-limit handling), at DCP_SLACK_API_URL. */
export function createSlackDirectory(options: { token: string; apiUrl: string; timeoutMs?: number }): SlackDirectory {
  // One quick try: the whole request must be answered within Slack's 3 seconds.
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl, timeout: options.timeoutMs ?? 2000, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR,
  });
  return {
    async emailOf(userId) {
      try {
        const answer = await client.users.info({ user: userId });
        return answer.user?.profile?.email || null;
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        if (code === 'user_not_found' || code === 'users_not_found') return null;
        throw new RetryableIntegrationError(`Slack users.info failed: ${code ?? (error as Error).message}`);
      }
    },
  };
}

/**
 * Replies only to Slack: a `response_url` on https://hooks.slack.com, or on the host of
 * DCP_SLACK_API_URL (a Slack-compatible gateway, or a test's fake). The URL comes from a signed
 * payload, but posting wherever it points would make DCP a relay to any address it can reach
 * (its own database, a cloud's metadata service): an SSRF as soon as the signing secret leaks.
 */
export function replyUrlAllowed(url: string, apiUrl: string): boolean {
  if (!URL.canParse(url)) return false;
  const target = new URL(url);
  if (target.username || target.password) return false;
  if (target.protocol === 'https:' && target.hostname === 'hooks.slack.com') return true;
  const api = new URL(apiUrl);
  return target.protocol === api.protocol && target.host === api.host;
}

/** Sends the ephemeral reply; fire and forget (a failure is logged, never thrown), with a timeout. */
export function createSlackResponder(options: { apiUrl: string; timeoutMs?: number; warn: (message: string) => void }): { reply(responseUrl: string, text: string): Promise<void> } {
  return {
    async reply(responseUrl, text) {
      if (!replyUrlAllowed(responseUrl, options.apiUrl)) {
        options.warn(`Slack response_url refused (not hooks.slack.com nor DCP_SLACK_API_URL's host): ${responseUrl.slice(0, 100)}`);
        return;
      }
      try {
        const res = await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        await res.body?.cancel();
        if (!res.ok) options.warn(`Slack response_url answered ${res.status}`);
      } catch (error) {
        options.warn(`Slack response_url failed: ${(error as Error).message}`);
      }
    },
  };
}
