/**
 * Button presses from Slack (`POST /api/v1/slack/interactions`, contract §10): Approve and Reject
 * on DCP's approval message. A request counts only when
 *   1. Slack signed it (`v0`, constant time, timestamp within 5 minutes of DCP's clock),
 *   2. it was not taken before (its signature is remembered in the database for the window, so
 *      every replica refuses a replay another one took), and
 *   3. the Slack user is a catalog person (their Slack profile email, by `users.info`, cached).
 * Then it is exactly `POST /api/v1/deployments/{id}/phases/{phaseId}/approvals` by that person:
 * the gate service decides (who may approve, one decision each, no self-approval).
 *
 * Slack shows an error to the person for any answer but 200, and says nothing useful: so a
 * refusal of the decision (not an approver, already decided, phase moved on, unknown person) is
 * answered 200 and told to the person in an ephemeral reply on the payload's `response_url`.
 * Only a request that fails 1 or 2 is refused with 401 (nobody to tell: it is not Slack's).
 */
import type { Principal } from '../core/access.ts';
import type { Clock } from '../core/clock.ts';
import { ConflictError, DomainError, InputError, NotAllowedError, NotAuthenticatedError, NotFoundError, RetryableIntegrationError } from '../core/errors.ts';
import type { Db } from '../store/db.ts';
import { rememberSlackRequest } from '../store/slack.ts';
import type { AuditService, Caller } from './audit.ts';
import type { AuthService } from './auth.ts';
import type { GateService } from './gates.ts';

/** Slack's side (integrations/slack/interactions.ts), given by the composition root. */
export interface SlackInteractions {
  /** How long a signed request is good for (either side of its timestamp). */
  windowMs: number;
  verify(input: { timestamp: string | undefined; signature: string | undefined; rawBody: string; now: Date }): { ok: true; signature: string; timestamp: Date } | { ok: false; reason: string };
  /** Throws InputError when malformed. */
  parse(rawBody: string):
    | { kind: 'decision'; decision: 'approve' | 'reject'; deploymentId: string; phaseId: string; userId: string; responseUrl: string | null }
    | { kind: 'ignored'; reason: string };
  /** The Slack user's profile email (null: no such user or no email); throws RetryableIntegrationError when Slack fails. Null directory: no DCP_SLACK_TOKEN. */
  emailOf: ((userId: string) => Promise<string | null>) | null;
  /** The ephemeral reply to the person; never throws. */
  reply(responseUrl: string, text: string): Promise<void>;
}

export interface SlackInteractionRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
}

export interface SlackInteractionService {
  /** Takes a request; resolves when it is answered 200 (`refused`: what the person was told). Throws 401 (bad signature, replay), 400 (malformed). */
  handle(caller: Caller, request: SlackInteractionRequest): Promise<{ ignored: string | null; refused: string | null }>;
}

/** How long a Slack user → DCP person mapping is kept. */
export const SLACK_PERSON_CACHE_MS = 10 * 60_000;

const SLACK_PRINCIPAL: Principal = { kind: 'service', name: 'slack', teams: [], groups: [], admin: false, scopes: [], team: null, tokenId: null, sessionId: null };

/** The status a refusal would have had on the API route, for the audit record. */
function statusOf(error: DomainError): number {
  if (error instanceof NotAllowedError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof InputError) return 400;
  return 422;
}

export function createSlackInteractionService(deps: { db: Db; clock: Clock; auth: AuthService; gates: GateService; audit: AuditService; slack: SlackInteractions | null }): SlackInteractionService {
  const people = new Map<string, { name: string; until: number }>();

  /** The DCP person behind a Slack user (only found people are cached: a newly added one counts at once). */
  async function personOf(userId: string, emailOf: (userId: string) => Promise<string | null>): Promise<string | null> {
    const now = deps.clock.now().getTime();
    const cached = people.get(userId);
    if (cached && cached.until > now) return cached.name;
    const email = await emailOf(userId);
    const person = email ? await deps.auth.findPersonByEmail(email) : null;
    if (!person) return null;
    if (people.size > 10_000) people.clear();
    people.set(userId, { name: person.name, until: now + SLACK_PERSON_CACHE_MS });
    return person.name;
  }

  return {
    async handle(caller, request) {
      const slack = deps.slack;
      if (!slack) throw new NotAuthenticatedError('Slack interactions are not configured (DCP_SLACK_SIGNING_SECRET)');
      const now = deps.clock.now();
      const check = slack.verify({ ...request, now });
      if (!check.ok) throw new NotAuthenticatedError(check.reason);
      if (!(await rememberSlackRequest(deps.db, check.signature, new Date(check.timestamp.getTime() + slack.windowMs), now))) {
        throw new NotAuthenticatedError('this Slack request was already taken (a replay)');
      }
      caller.principal = SLACK_PRINCIPAL;
      const interaction = slack.parse(request.rawBody);
      if (interaction.kind === 'ignored') return { ignored: interaction.reason, refused: null };

      const resource = `deployments/${interaction.deploymentId}/phases/${interaction.phaseId}`;
      const refuse = async (reason: string, status: number): Promise<{ ignored: null; refused: string }> => {
        const text = `DCP did not record your ${interaction.decision === 'approve' ? 'approval' : 'rejection'}: ${reason}`;
        if (interaction.responseUrl) void slack.reply(interaction.responseUrl, text);
        await deps.audit.recordAnswer(caller, { status, resource, detail: { decision: interaction.decision, slackUser: interaction.userId, reason } });
        return { ignored: null, refused: reason };
      };

      if (!slack.emailOf) return refuse('DCP cannot look up Slack users (DCP_SLACK_TOKEN is not set)', 403);
      let name: string | null;
      try {
        name = await personOf(interaction.userId, slack.emailOf);
      } catch (error) {
        if (error instanceof RetryableIntegrationError) return refuse(`DCP could not ask Slack who you are (${error.message}); try again`, 502);
        throw error;
      }
      if (!name) return refuse('DCP knows no person with your Slack profile\'s email; ask an admin to add you to the catalog with that email', 403);

      caller.principal = await deps.auth.personPrincipal(name);
      try {
        await deps.gates.decide(interaction.deploymentId, interaction.phaseId, caller, interaction.decision, 'via Slack');
      } catch (error) {
        if (error instanceof DomainError && !(error instanceof NotAuthenticatedError)) return refuse(error.message, statusOf(error));
        throw error;
      }
      return { ignored: null, refused: null };
    },
  };
}
