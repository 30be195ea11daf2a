/**
 * Slack's side of the store. What the Slack sink reads and keeps (integrations/sinks/slack.ts,
 * its SlackContext): a deployment as its messages show it, with the team's channel in force; the
 * messages posted about each deployment (the thread's root first); the teams whose channel DCP
 * cannot post to. And the interaction requests already taken: the replay guard of
 * `POST /api/v1/slack/interactions` (the signature covers the timestamp and the raw body, so it
 * names one request; a second insert of it finds the row and is a replay).
 */
import type { Queryable } from './db.ts';
import { listTeams } from './catalog.ts';
import { getDeployment } from './deployment-reads.ts';

export interface SlackDeploymentView {
  id: string;
  team: string;
  channel: string | null;
  service: string;
  version: string;
  status: string;
  statusDetail: string;
  url: string;
  phases: {
    id: string;
    environment: string;
    isGov: boolean;
    status: string;
    statusDetail: string;
    approvals?: { required: number; approvers: string[]; given: { by: string; decision: 'approve' | 'reject'; comment: string | null }[]; met: boolean; rejectedBy: string | null };
    releases: { target: string; status: string; statusDetail: string }[];
  }[];
}

/** The deployment now, with its team's channel (the override where set, else the catalog's) and its page at `baseUrl`. */
export async function slackDeployment(q: Queryable, id: string, baseUrl: string): Promise<SlackDeploymentView | null> {
  const d = await getDeployment(q, id);
  if (!d) return null;
  const [team] = await listTeams(q, d.team);
  return {
    id: d.id,
    team: d.team,
    channel: team?.notifications.channel ?? null,
    service: d.service,
    version: d.version,
    status: d.status,
    statusDetail: d.statusDetail,
    url: `${baseUrl.replace(/\/+$/, '')}/deployments/${encodeURIComponent(d.id)}`,
    phases: d.phases.map((p) => {
      const a = p.prerequisites.approvals;
      return {
        id: p.id,
        environment: p.environment,
        isGov: p.isGov,
        status: p.status,
        statusDetail: p.statusDetail,
        ...(a ? { approvals: { required: a.required, approvers: a.approvers, given: a.received.map((r) => ({ by: r.by, decision: r.decision, comment: r.comment })), met: a.met, rejectedBy: a.rejectedBy } } : {}),
        releases: p.releases.map((r) => ({ target: r.target, status: r.status, statusDetail: r.statusDetail })),
      };
    }),
  };
}

export interface SlackMessageRow {
  kind: 'approval' | 'failure' | 'end';
  phaseId: string | null;
  channel: string;
  ts: string;
  threadTs: string | null;
  eventId: string;
}

/** A deployment's messages, oldest first (the first is its thread's root). */
export async function slackMessages(q: Queryable, deploymentId: string): Promise<SlackMessageRow[]> {
  const rows = await q.query<{ kind: SlackMessageRow['kind']; phase_id: string | null; channel: string; ts: string; thread_ts: string | null; event_id: string }>(
    'SELECT kind, phase_id, channel, ts, thread_ts, event_id FROM slack_messages WHERE deployment_id = $1 ORDER BY id',
    [deploymentId],
  );
  return rows.map((r) => ({ kind: r.kind, phaseId: r.phase_id, channel: r.channel, ts: r.ts, threadTs: r.thread_ts, eventId: r.event_id }));
}

/** Records a posted message; a second record of the same event (or approval message of a phase) changes nothing. */
export async function putSlackMessage(q: Queryable, deploymentId: string, m: SlackMessageRow, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO slack_messages (deployment_id, phase_id, kind, channel, ts, thread_ts, event_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING`,
    [deploymentId, m.phaseId, m.kind, m.channel, m.ts, m.threadTs, m.eventId, now],
  );
}

/** Records (or, with null, clears) that DCP cannot post to the team's channel. */
export async function setSlackChannelError(q: Queryable, team: string, error: { channel: string | null; error: string } | null, now: Date): Promise<void> {
  if (!error) {
    await q.query('DELETE FROM slack_channel_status WHERE team = $1', [team]);
    return;
  }
  await q.query(
    `INSERT INTO slack_channel_status (team, channel, error, at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (team) DO UPDATE SET channel = $2, error = $3, at = $4`,
    [team, error.channel, error.error, now],
  );
}

/**
 * Remembers a request's signature until `expiresAt`; false when it is already remembered (a
 * replay). Rows past their expiry are deleted first (a few at a time, on the way: no sweeper).
 */
export async function rememberSlackRequest(q: Queryable, signature: string, expiresAt: Date, now: Date): Promise<boolean> {
  await q.query(
    'DELETE FROM slack_seen_requests WHERE signature IN (SELECT signature FROM slack_seen_requests WHERE expires_at <= $1 LIMIT 100)',
    [now],
  );
  const rows = await q.query<{ signature: string }>(
    'INSERT INTO slack_seen_requests (signature, expires_at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING RETURNING signature',
    [signature, expiresAt],
  );
  return rows.length === 1;
}
