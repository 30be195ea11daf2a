/**
 * The Slack messages DCP posts, as Block Kit: built from what the Slack sink's context reads of a
 * deployment now (not from the event), so that posting or updating one again says the same thing.
 *
 * - approval: a phase waits for a person — service, version, environment (GOV marked), what it
 *   waits for, a link, and Approve / Reject buttons (Reject asks to confirm). Once the phase is
 *   decided or goes on, the same message without buttons and with the outcome.
 * - failure: a phase failed — the failed targets with their details, one line each.
 * - end: the deployment completed, failed or was cancelled (a reply in its thread).
 *
 * The buttons' `value` is `{"deploymentId","phaseId"}` (JSON): what `POST /api/v1/slack/interactions`
 * reads back; their `action_id`s are `dcp_approve` and `dcp_reject`.
 */

export const APPROVE_ACTION = 'dcp_approve';
export const REJECT_ACTION = 'dcp_reject';

/** A phase as the messages show it. */
export interface SlackPhase {
  id: string;
  environment: string;
  isGov: boolean;
  status: string;
  statusDetail: string;
  /** The phase's approval prerequisite, when its policy has one. */
  approvals?: {
    required: number;
    approvers: string[];
    given: { by: string; decision: 'approve' | 'reject'; comment: string | null }[];
    met: boolean;
    rejectedBy: string | null;
  };
  releases: { target: string; status: string; statusDetail: string }[];
}

/** A deployment as the messages show it, with where they go. */
export interface SlackDeployment {
  id: string;
  team: string;
  /** The team's channel in force (the app's override, else the catalog's); null: the team gets nothing. */
  channel: string | null;
  service: string;
  version: string;
  status: string;
  statusDetail: string;
  /** The deployment's page in the app (DCP_PUBLIC_URL + /deployments/<id>). */
  url: string;
  phases: SlackPhase[];
}

export type Block = Record<string, unknown> & { type: string };
export interface SlackMessage {
  /** The notification's text (and what screen readers and old clients show). */
  text: string;
  blocks: Block[];
}

/** Slack's limit for a section's text. */
const SECTION_TEXT = 3000;
/** Failed targets listed one by one; the rest are counted. */
const MAX_TARGET_LINES = 25;

/** mrkdwn needs &, < and > escaped (they make links and mentions). */
export function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const mrkdwn = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: cut(text, SECTION_TEXT) } });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const environment = (phase: SlackPhase) => `${escape(phase.environment)}${phase.isGov ? ' (GOV)' : ''}`;
const what = (d: SlackDeployment) => `${escape(d.service)} ${escape(d.version)}`;
const link = (d: SlackDeployment): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${d.url}|Open deployment ${escape(d.id)} in DCP>` }] });

function facts(d: SlackDeployment, phase: SlackPhase): Block {
  return {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: `*Service*\n${escape(d.service)}` },
      { type: 'mrkdwn', text: `*Version*\n${escape(d.version)}` },
      { type: 'mrkdwn', text: `*Environment*\n${environment(phase)}` },
      { type: 'mrkdwn', text: `*Team*\n${escape(d.team)}` },
    ],
  };
}

/** Whether the phase still waits for a person's decision (the buttons are shown). */
export function needsDecision(phase: SlackPhase): boolean {
  const a = phase.approvals;
  return phase.status === 'AwaitingPrerequisites' && a !== undefined && !a.met && a.rejectedBy === null;
}

/** The outcome line of a decided approval message. */
function outcome(phase: SlackPhase): string {
  const a = phase.approvals;
  const state = `${environment(phase)} is ${phase.status}: ${escape(phase.statusDetail)}`;
  if (a?.rejectedBy) {
    const rejection = a.given.find((g) => g.decision === 'reject');
    return `:no_entry: *Rejected by ${escape(a.rejectedBy)}*${rejection?.comment ? `: ${escape(rejection.comment)}` : ''}\n${state}`;
  }
  const approvers = a?.given.filter((g) => g.decision === 'approve').map((g) => g.by) ?? [];
  if (approvers.length > 0 && a?.met) return `:white_check_mark: *Approved by ${escape(approvers.join(', '))}*\n${state}`;
  return state;
}

export function approvalMessage(d: SlackDeployment, phase: SlackPhase): SlackMessage {
  const open = needsDecision(phase);
  const a = phase.approvals;
  const title = open ? `${what(d)} waits for an approval in ${environment(phase)}` : `${what(d)} in ${environment(phase)}: ${phase.status}`;
  const blocks: Block[] = [mrkdwn(`*${title}*`), facts(d, phase)];
  if (open) {
    const given = a!.given.filter((g) => g.decision === 'approve').map((g) => g.by);
    blocks.push(mrkdwn(`:hourglass_flowing_sand: ${escape(phase.statusDetail)}`));
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: cut(`Approvers: ${escape(a!.approvers.join(', '))} · ${given.length} of ${a!.required} given${given.length ? ` (${escape(given.join(', '))})` : ''}`, SECTION_TEXT) }],
    });
    const value = JSON.stringify({ deploymentId: d.id, phaseId: phase.id });
    blocks.push({
      type: 'actions',
      block_id: 'dcp_decision',
      elements: [
        { type: 'button', action_id: APPROVE_ACTION, text: plain('Approve'), style: 'primary', value },
        {
          type: 'button', action_id: REJECT_ACTION, text: plain('Reject'), style: 'danger', value,
          confirm: {
            title: plain('Reject this deployment?'),
            text: { type: 'mrkdwn', text: cut(`Rejecting cancels ${environment(phase)} of ${what(d)}.`, 300) },
            confirm: plain('Reject'),
            deny: plain('Keep it waiting'),
            style: 'danger',
          },
        },
      ],
    });
  } else {
    blocks.push(mrkdwn(outcome(phase)));
  }
  blocks.push(link(d));
  const text = open ? `${d.service} ${d.version} waits for an approval in ${phase.environment}: ${d.url}` : `${d.service} ${d.version} in ${phase.environment}: ${phase.status}`;
  return { text, blocks };
}

export function failureMessage(d: SlackDeployment, phase: SlackPhase): SlackMessage {
  const failed = phase.releases.filter((r) => r.status === 'Failed');
  const lines = failed.slice(0, MAX_TARGET_LINES).map((r) => `• \`${escape(r.target)}\`: ${escape(cut(r.statusDetail, 300))}`);
  if (failed.length > MAX_TARGET_LINES) lines.push(`… and ${failed.length - MAX_TARGET_LINES} more`);
  const blocks: Block[] = [mrkdwn(`:x: *${what(d)} failed in ${environment(phase)}*`), facts(d, phase), mrkdwn(escape(phase.statusDetail))];
  if (lines.length > 0) blocks.push(mrkdwn(`*Failed target${failed.length === 1 ? '' : 's'}:*\n${lines.join('\n')}`));
  blocks.push(link(d));
  const targets = failed.map((r) => r.target).join(', ');
  return { text: `${d.service} ${d.version} failed in ${phase.environment}${targets ? ` (${targets})` : ''}: ${d.url}`, blocks };
}

const END_ICON: Record<string, string> = { Completed: ':white_check_mark:', Failed: ':x:', Cancelled: ':no_entry_sign:' };

export function endMessage(d: SlackDeployment): SlackMessage {
  const blocks: Block[] = [mrkdwn(`${END_ICON[d.status] ?? ''} *${what(d)}: deployment ${d.status.toLowerCase()}*\n${escape(d.statusDetail)}`.trim()), link(d)];
  return { text: `${d.service} ${d.version}: deployment ${d.status.toLowerCase()}`, blocks };
}
