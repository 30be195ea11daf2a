/**
 * The Slack sink (contract §10, docs/integrations/slack.md): the events people must hear about
 * become messages in the owning team's channel, through Slack's Web API (`@slack/web-api`).
 *
 * - A phase waits for an approval → an approval message with Approve / Reject buttons.
 * - The phase is decided, goes on, or the deployment ends → that message is updated in place
 *   (`chat.update`): no buttons, the outcome.
 * - A phase fails → a message naming the failed targets and their details.
 * - The deployment ends → a reply in its thread, if it has one (a deployment nobody was asked
 *   about and that did not fail makes no noise).
 * A deployment's first message is the root of its thread; every later one is a reply in it.
 *
 * The sink reaches the database only through SlackContext (integrations import no store): the
 * deployment as it is now, the messages already posted, and the team's channel error.
 *
 * Failures: a channel DCP cannot post to (channel_not_found, not_in_channel, is_archived …) is
 * recorded for the team (shown on the team's page) and the event counts as delivered — one
 * team's broken channel must not hold up everyone's notifications. A broken token
 * (invalid_auth, token_revoked …) stops delivery: nothing can be posted until it is fixed. A
 * `429` stops it too, with Slack's `Retry-After` as `retryAfterMs` (the client neither retries
 * nor sleeps: delivery waits, so a rate limit never holds a call open).
 *
 * Idempotent by event: each posted message remembers the event that made it, so a repeat of that
 * event (after a crash, delivery offers it again) posts nothing; updates are rebuilt from the
 * current state, so repeating one changes nothing. Slack has no idempotency key: a crash between
 * Slack's answer and the record can still post a message twice — the one window left.
 */
import { WebClient, WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { isDeploymentEvent, type DcpEvent, type DeploymentEvent } from '../../core/events.ts';
import type { Logger } from '../../shared/logger.ts';
import type { EventSink, SinkDelivery, SinkTry } from './port.ts';
import { approvalMessage, endMessage, failureMessage, needsDecision, type SlackDeployment, type SlackMessage } from './slack-blocks.ts';
export type { SlackDeployment, SlackPhase } from './slack-blocks.ts';

/** A message DCP posted about a deployment. */
export interface SlackMessageRecord {
  kind: 'approval' | 'failure' | 'end';
  /** The phase an approval or failure message is about. */
  phaseId: string | null;
  /** The channel's id, as Slack answered (chat.update takes ids, not names). */
  channel: string;
  ts: string;
  /** The root's ts for a reply in the thread; null for the root. */
  threadTs: string | null;
  /** The event that made it. */
  eventId: string;
}

/** What the sink needs of DCP's state (the store implements it; main.ts wires it). */
export interface SlackContext {
  /** The deployment now; null when there is no such deployment. */
  deployment(id: string): Promise<SlackDeployment | null>;
  messages: {
    /** The deployment's messages, oldest first: the first is the thread's root. */
    get(deploymentId: string): Promise<SlackMessageRecord[]>;
    put(deploymentId: string, message: SlackMessageRecord): Promise<void>;
  };
  /** Records that DCP cannot post to the team's channel (Slack's error), or clears it (null). */
  channelError(team: string, error: { channel: string | null; error: string } | null): Promise<void>;
}

export interface SlackSinkOptions {
  token: string;
  /** The Web API base, ending in `/` (default https://slack.com/api/). */
  apiUrl?: string;
  context: SlackContext;
  log?: Logger;
  /** How long one API call may take (default 10 s). */
  timeoutMs?: number;
}

/** Slack's errors that mean this channel cannot be posted to (by this app): the team's problem. */
const CHANNEL_ERRORS = new Set([
  'channel_not_found', 'not_in_channel', 'is_archived', 'channel_is_archived', 'restricted_action', 'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel', 'restricted_action_non_threadable_channel', 'team_access_not_granted', 'ekm_access_denied',
]);
/** Slack's errors that mean the token cannot post anywhere: the sink is broken until someone fixes it. */
const FATAL_ERRORS = new Set([
  'invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'no_permission', 'not_allowed_token_type', 'org_login_required',
]);

/** Why a Slack call failed, sorted: the channel's problem, one message's, or one that stops delivery. */
class SlackFailure extends Error {
  readonly kind: 'channel' | 'message' | 'stop';
  readonly retryAfterMs?: number;
  constructor(kind: SlackFailure['kind'], message: string, retryAfterMs?: number) {
    super(message);
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }
}

function sorted(error: unknown): SlackFailure {
  if (error instanceof SlackFailure) return error;
  if (error instanceof WebAPIRateLimitedError) return new SlackFailure('stop', `rate limited by Slack; retry after ${error.retryAfter} s`, error.retryAfter * 1000);
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (CHANNEL_ERRORS.has(code)) return new SlackFailure('channel', code);
    if (FATAL_ERRORS.has(code)) return new SlackFailure('stop', `Slack refused the token: ${code} (check DCP_SLACK_TOKEN and the app's scopes)`);
    if (code === 'ratelimited') return new SlackFailure('stop', 'rate limited by Slack', 60_000);
    if (code === 'internal_error' || code === 'fatal_error' || code === 'service_unavailable' || code === 'request_timeout') return new SlackFailure('stop', `Slack: ${code}`);
    // One message Slack will not take (message_not_found, cant_update_message, invalid_blocks …):
    // trying again gives the same answer, and it must not hold up every other message.
    return new SlackFailure('message', code);
  }
  return new SlackFailure('stop', error instanceof Error ? error.message : String(error));
}

const END_TYPES = new Set(['DeploymentCompleted', 'DeploymentFailed', 'DeploymentCancelled']);
const PHASE_TYPES = new Set(['DeploymentPhaseStarted', 'DeploymentPhaseStatusChanged', 'DeploymentPhaseCompleted', 'DeploymentPhaseCancelled']);

/** The events that make or change a message. */
export function slackAccepts(event: DcpEvent): boolean {
  if (!isDeploymentEvent(event)) return false;
  if (event.type === 'DeploymentPhaseAwaitingPrerequisites' || event.type === 'DeploymentPhaseFailed' || END_TYPES.has(event.type)) return true;
  // The phase leaves AwaitingPrerequisites (decided, checked again, cancelled): its approval message is updated.
  if (PHASE_TYPES.has(event.type)) return event.data.from === 'AwaitingPrerequisites';
  // A change case moved: an approval message still waiting says what it waits for now.
  return event.type === 'ChangeCaseUpdated' && typeof event.data.phaseId === 'string';
}

export function createSlackSink(options: SlackSinkOptions): EventSink {
  const { context } = options;
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl ?? 'https://slack.com/api/',
    // A 429 comes back to DCP with its Retry-After (delivery waits) instead of the client sleeping.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
  });

  /** Calls Slack answered with ok (a success clears the team's channel error). */
  let answered = 0;
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      answered++;
      return result;
    } catch (error) {
      throw sorted(error);
    }
  }

  /** Posts a message: the thread's root when the deployment has none yet, else a reply in it. */
  async function post(d: SlackDeployment, messages: SlackMessageRecord[], event: DcpEvent, kind: SlackMessageRecord['kind'], phaseId: string | null, message: SlackMessage): Promise<void> {
    const root = messages[0];
    const channel = root?.channel ?? d.channel;
    if (!channel) return; // a team without a channel gets nothing
    const answer = await call(() =>
      client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, ...(root ? { thread_ts: root.threadTs ?? root.ts } : {}) }),
    );
    const record: SlackMessageRecord = { kind, phaseId, channel: answer.channel ?? channel, ts: answer.ts!, threadTs: root ? (root.threadTs ?? root.ts) : null, eventId: event.id };
    await context.messages.put(d.id, record);
    messages.push(record);
  }

  /** Rebuilds a phase's approval message from the phase now (buttons only while it waits for a decision). */
  async function refresh(d: SlackDeployment, messages: SlackMessageRecord[], phaseId: string): Promise<void> {
    const existing = messages.find((m) => m.kind === 'approval' && m.phaseId === phaseId);
    const phase = d.phases.find((p) => p.id === phaseId);
    if (!existing || !phase) return;
    const message = approvalMessage(d, phase);
    await call(() => client.chat.update({ channel: existing.channel, ts: existing.ts, text: message.text, blocks: message.blocks }));
  }

  async function handle(event: DeploymentEvent, d: SlackDeployment): Promise<void> {
    const messages = await context.messages.get(d.id);
    const phaseId = event.data.phaseId;
    if (event.type === 'DeploymentPhaseAwaitingPrerequisites' && phaseId) {
      const phase = d.phases.find((p) => p.id === phaseId);
      if (messages.some((m) => m.kind === 'approval' && m.phaseId === phaseId)) return refresh(d, messages, phaseId);
      // Only while a person is still needed: a phase approved (or moved on) before this was delivered asks nobody.
      if (phase && needsDecision(phase)) await post(d, messages, event, 'approval', phaseId, approvalMessage(d, phase));
      return;
    }
    if (event.type === 'DeploymentPhaseFailed' && phaseId) {
      await refresh(d, messages, phaseId);
      const phase = d.phases.find((p) => p.id === phaseId);
      if (phase && !messages.some((m) => m.eventId === event.id)) await post(d, messages, event, 'failure', phaseId, failureMessage(d, phase));
      return;
    }
    if (END_TYPES.has(event.type)) {
      for (const m of messages.filter((m) => m.kind === 'approval' && m.phaseId)) await refresh(d, messages, m.phaseId!);
      if (messages.length > 0 && !messages.some((m) => m.eventId === event.id)) await post(d, messages, event, 'end', null, endMessage(d));
      return;
    }
    if (phaseId) await refresh(d, messages, phaseId);
  }

  /** One event: delivered (posted, updated, or nothing to say) unless Slack says to stop. */
  async function deliverOne(event: DcpEvent): Promise<void> {
    if (!isDeploymentEvent(event)) return;
    const d = await context.deployment(event.data.deploymentId);
    if (!d) return;
    const before = answered;
    try {
      await handle(event, d);
      if (answered > before) await context.channelError(d.team, null);
    } catch (error) {
      const failure = sorted(error);
      if (failure.kind === 'stop') throw failure;
      if (failure.kind === 'channel') {
        options.log?.warn(`Slack: cannot post to ${d.channel ?? 'the channel'} of team ${d.team}: ${failure.message}`);
        await context.channelError(d.team, { channel: d.channel, error: failure.message });
        return;
      }
      options.log?.warn(`Slack: a message about deployment ${d.id} (event ${event.id}, ${event.type}) was refused: ${failure.message}`);
    }
  }

  return {
    name: 'slack',
    accepts: slackAccepts,
    async deliver(events, signal): Promise<SinkDelivery> {
      const tries: SinkTry[] = [];
      let delivered = 0;
      for (const event of events) {
        if (signal.aborted) return { delivered, tries, error: 'delivery stopped (DCP is shutting down)' };
        if (!slackAccepts(event)) {
          delivered++;
          continue;
        }
        const at = new Date();
        const started = performance.now();
        try {
          await deliverOne(event);
          tries.push({ eventId: event.id, at, ok: true, durationMs: Math.round(performance.now() - started) });
          delivered++;
        } catch (error) {
          const failure = sorted(error);
          tries.push({ eventId: event.id, at, ok: false, error: failure.message, durationMs: Math.round(performance.now() - started) });
          const result: SinkDelivery = { delivered, tries, error: failure.message };
          if (failure.retryAfterMs !== undefined) result.retryAfterMs = failure.retryAfterMs;
          return result;
        }
      }
      return { delivered, tries };
    },
  };
}
