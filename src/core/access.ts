/**
 * Access control, decided in one place: `can(principal, action, resource)`, over one table of
 * rules (RULES). Pure: the principal and the resource are facts the caller loads.
 *
 * Glossary
 * - Principal: who calls. A *person* (signed in with OIDC or a session, or using one of their own
 *   API tokens) or a *service token* (CI, automation, the bootstrap admin token): a token that
 *   belongs to nobody.
 * - Role, per team: `viewer` (everyone signed in reads everything), `deployer` (manual
 *   deployments, clones, cancels, Slack settings of the team's services), `approver` (approve or
 *   reject the team's phases, as the environment policy allows; move its change cases), `admin`
 *   (config, freezes, tokens, audit, everything else). Team members are deployers and approvers
 *   of their own team; admins are named in config (`access.yaml`: users or groups).
 * - Scope: what a token may be used for (`read`, `builds:write`, `deployments:write`,
 *   `approvals:write`, `admin`). A person's own token acts as that person, limited by its scopes;
 *   a session carries every scope (the person's roles still decide). A token may be limited to
 *   one team's services.
 *
 * Every route declares the scope it needs (`config.access`: a scope, or `public`); the service
 * then asks `can` about the resource (the team, the environment's approvers).
 */
export const SCOPES = ['read', 'builds:write', 'deployments:write', 'approvals:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What a route needs: a scope; `public` (no one need be known); or `callback` — DCP's tokens and
 * sessions do not apply, the caller proves itself with a credential of its own that the route's
 * service checks (a workflow's callback token, a webhook's shared secret).
 */
export type Access = 'public' | 'callback' | Scope;

export interface Principal {
  kind: 'person' | 'service';
  /** As recorded in `triggeredBy`, approvals and the audit trail: the person's user name, or the token's name. */
  name: string;
  /** The teams a person belongs to (none for a service token). */
  teams: string[];
  /** The groups a person belongs to, teams included (Backstage `memberOf`, config `members`). */
  groups: string[];
  /** A person named admin in config, or a service token with the `admin` scope. */
  admin: boolean;
  /** A token's scopes; null for a session (every scope: the roles decide). */
  scopes: readonly Scope[] | null;
  /** A token limited to one team's services. */
  team: string | null;
  /** The token used, if any (its id: for the audit trail and `lastUsedAt`). */
  tokenId: string | null;
  /** The session used, if any. */
  sessionId: string | null;
}

export type Action =
  | 'read'
  | 'builds:submit'
  | 'deployments:create'
  | 'deployments:cancel'
  | 'teams:configure'
  | 'phases:decide'
  | 'changecases:move'
  | 'freezes:write'
  | 'config:write'
  | 'tokens:create-own'
  | 'tokens:manage'
  | 'audit:read'
  | 'webhooks:manage'
  | 'sinks:read';

/** What an action is done to: the owning team, and for approvals the environment's approvers. */
export interface Resource {
  team?: string;
  environment?: string;
  /** `approvals.approvers` of the phase's policy: `team`, `group:NAME`, `user:NAME`. */
  approvers?: readonly string[];
}

type Role = 'viewer' | 'deployer' | 'approver' | 'admin';

interface Rule {
  scope: Scope;
  /** The least role that may, on the resource's team. */
  role: Role;
  /** Whether a token that belongs to nobody may do it (with the scope, on its team if limited). */
  services: boolean;
  what: string;
}

/** The rules, one row per action: docs/security.md shows this table. */
export const RULES: Readonly<Record<Action, Rule>> = {
  read: { scope: 'read', role: 'viewer', services: true, what: 'read deployments, the catalog, events, change cases, freezes' },
  'builds:submit': { scope: 'builds:write', role: 'deployer', services: true, what: "post a build event for the team's service" },
  'deployments:create': { scope: 'deployments:write', role: 'deployer', services: true, what: "create or clone a deployment of the team's service" },
  'deployments:cancel': { scope: 'deployments:write', role: 'deployer', services: true, what: "cancel a deployment of the team's service" },
  'teams:configure': { scope: 'deployments:write', role: 'deployer', services: false, what: "set the team's Slack settings" },
  'phases:decide': { scope: 'approvals:write', role: 'approver', services: false, what: "approve or reject the team's phase (as its policy's approvers allow)" },
  'changecases:move': { scope: 'approvals:write', role: 'approver', services: true, what: "move the team's built-in change case" },
  'freezes:write': { scope: 'admin', role: 'admin', services: true, what: 'set and lift change freezes' },
  'config:write': { scope: 'admin', role: 'admin', services: true, what: 'import and reload the config' },
  'tokens:create-own': { scope: 'read', role: 'viewer', services: false, what: 'create, list and revoke your own API tokens' },
  'tokens:manage': { scope: 'admin', role: 'admin', services: true, what: "create service tokens; list and revoke anyone's" },
  'audit:read': { scope: 'admin', role: 'admin', services: true, what: 'read the audit trail' },
  'webhooks:manage': { scope: 'admin', role: 'admin', services: true, what: 'create, list and delete webhook subscriptions; read their delivery log' },
  // Admins only, not `read`: a sink's name holds a subscription's id, and its last error may name the receiver.
  'sinks:read': { scope: 'admin', role: 'admin', services: true, what: "read the health of the outbox's sinks (NATS, webhooks): lag, failures, last error" },
};

/** RULES as the Markdown table docs/security.md shows (a test keeps the two the same). */
export function rulesTable(): string {
  const rows = (Object.entries(RULES) as [Action, Rule][]).map(
    ([action, r]) => `| \`${action}\` | ${r.what} | \`${r.scope}\` | ${r.role} | ${r.services ? 'yes' : 'admin tokens only'} |`,
  );
  return ['| action | what | token scope | least role on the team | tokens of nobody (CI) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export type Verdict = { allowed: true } | { allowed: false; reason: string };

const allow: Verdict = { allowed: true };
const deny = (reason: string): Verdict => ({ allowed: false, reason });

export function hasScope(principal: Principal, scope: Scope): boolean {
  if (principal.scopes === null) return true;
  return principal.scopes.includes(scope) || principal.scopes.includes('admin');
}

/** Whether the person is one of these approvers (`team` means a member of the resource's team). */
export function isApprover(principal: Principal, approvers: readonly string[], team: string | undefined): boolean {
  if (principal.kind !== 'person') return false;
  return approvers.some((a) => {
    if (a === 'team') return team !== undefined && principal.teams.includes(team);
    if (a.startsWith('group:')) return principal.groups.includes(a.slice('group:'.length));
    if (a.startsWith('user:')) return principal.name === a.slice('user:'.length);
    return false;
  });
}

const who = (p: Principal) => (p.kind === 'person' ? 'you' : `token "${p.name}"`);

/** Decides whether `principal` may do `action` to `resource`; a refusal says why. */
export function can(principal: Principal, action: Action, resource: Resource = {}): Verdict {
  const rule = RULES[action];
  if (!hasScope(principal, rule.scope)) return deny(`${who(principal)} lacks the "${rule.scope}" scope needed to ${rule.what}`);
  if (principal.kind === 'service') {
    // An admin token may do all but approve: an approval is a person's (four eyes).
    const mayAdmin = principal.admin && action !== 'phases:decide';
    if (!rule.services && !mayAdmin) return deny(`a token that belongs to nobody cannot ${rule.what}; use a person's sign-in or token`);
    if (principal.team !== null && resource.team !== undefined && resource.team !== principal.team) {
      return deny(`token "${principal.name}" is limited to team ${principal.team}; this belongs to team ${resource.team}`);
    }
    return allow;
  }
  if (action === 'phases:decide') {
    // The policy decides for everyone, admins included: four eyes are not waived by a role.
    const approvers = resource.approvers ?? ['team'];
    if (isApprover(principal, approvers, resource.team)) return allow;
    return deny(`you are not an approver of ${resource.environment ?? 'this phase'} for team ${resource.team ?? '(none)'} (approvers: ${approvers.join(', ')})`);
  }
  if (principal.admin || rule.role === 'viewer') return allow;
  if (rule.role === 'admin') return deny(`only an admin may ${rule.what}`);
  if (resource.team !== undefined && principal.teams.includes(resource.team)) return allow;
  return deny(`you are not a ${rule.role} of team ${resource.team ?? '(none)'}: only its members (and admins) may ${rule.what}`);
}
