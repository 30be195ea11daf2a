/** `can` over principals × actions × resources: one table of expectations, and the rules' own invariants. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { can, RULES, rulesTable, SCOPES, type Action, type Principal, type Scope } from './access.ts';

function person(name: string, teams: string[], options: { admin?: boolean; groups?: string[]; scopes?: Scope[] } = {}): Principal {
  return {
    kind: 'person', name, teams, groups: [...teams, ...(options.groups ?? [])], admin: options.admin ?? false,
    scopes: options.scopes ?? null, team: null, tokenId: options.scopes ? 't1' : null, sessionId: options.scopes ? null : 's1',
  };
}
function service(name: string, scopes: Scope[], team: string | null = null): Principal {
  return { kind: 'service', name, teams: [], groups: [], admin: scopes.includes('admin'), scopes, team, tokenId: 't2', sessionId: null };
}

const alice = person('alice', ['payments']);
const carol = person('carol', ['identity']);
const root = person('root', [], { admin: true });
const sre = person('sam', [], { groups: ['sre'] });
const aliceReader = person('alice', ['payments'], { scopes: ['read'] });
const ci = service('ci', ['builds:write']);
const ciPayments = service('ci-payments', ['builds:write'], 'payments');
const bootstrap = service('admin', ['admin']);

const payments = { team: 'payments', environment: 'prod', approvers: ['team'] };

const TABLE: [string, Principal, Action, object, boolean | RegExp][] = [
  ['a person reads', carol, 'read', {}, true],
  ['a reader token reads', aliceReader, 'read', {}, true],
  ['CI without read cannot read', ci, 'read', {}, /lacks the "read" scope/],
  ['a member deploys her team', alice, 'deployments:create', { team: 'payments' }, true],
  ['another team cannot deploy it', carol, 'deployments:create', { team: 'payments' }, /you are not a deployer of team payments/],
  ['an admin deploys anything', root, 'deployments:cancel', { team: 'payments' }, true],
  ["a person's read-only token cannot cancel", aliceReader, 'deployments:cancel', { team: 'payments' }, /lacks the "deployments:write" scope/],
  ['CI posts builds', ci, 'builds:submit', { team: 'identity' }, true],
  ['a team-limited CI token posts its team', ciPayments, 'builds:submit', { team: 'payments' }, true],
  ["…not another team's", ciPayments, 'builds:submit', { team: 'identity' }, /limited to team payments; this belongs to team identity/],
  ['CI cannot cancel', ci, 'deployments:cancel', { team: 'payments' }, /lacks the "deployments:write" scope/],
  ['a member approves', alice, 'phases:decide', payments, true],
  ['a non-member does not', carol, 'phases:decide', payments, /you are not an approver of prod for team payments/],
  ['an admin is no approver by role', root, 'phases:decide', payments, /not an approver/],
  ['a named group approves', sre, 'phases:decide', { ...payments, approvers: ['group:sre'] }, true],
  ['a named user approves', carol, 'phases:decide', { ...payments, approvers: ['user:carol'] }, true],
  ['a service token approves nothing', bootstrap, 'phases:decide', payments, /belongs to nobody/],
  ['members move their case', alice, 'changecases:move', { team: 'payments' }, true],
  ['freezes need an admin', alice, 'freezes:write', {}, /only an admin may/],
  ['the bootstrap token freezes', bootstrap, 'freezes:write', {}, true],
  ['anyone makes own tokens', carol, 'tokens:create-own', {}, true],
  ['the audit is for admins', alice, 'audit:read', {}, /only an admin/],
  ['Slack settings: members', alice, 'teams:configure', { team: 'payments' }, true],
  ['Slack settings: not CI', service('bot', ['deployments:write']), 'teams:configure', { team: 'payments' }, /belongs to nobody/],
];

describe('can', () => {
  for (const [name, principal, action, resource, expected] of TABLE) {
    test(name, () => {
      const verdict = can(principal, action, resource);
      if (expected === true) assert.deepEqual(verdict, { allowed: true });
      else {
        assert.equal(verdict.allowed, false);
        assert.match((verdict as { reason: string }).reason, expected as RegExp);
      }
    });
  }

  test('every action needs a scope that exists, and a session of an admin may do all but approve', () => {
    for (const [action, rule] of Object.entries(RULES) as [Action, (typeof RULES)[Action]][]) {
      assert.ok(SCOPES.includes(rule.scope), action);
      assert.equal(can(root, action, { team: 'payments' }).allowed, action !== 'phases:decide', action);
    }
  });

  test('a token without a scope is refused every action that needs it, whoever it belongs to', () => {
    for (const [action, rule] of Object.entries(RULES) as [Action, (typeof RULES)[Action]][]) {
      const others = SCOPES.filter((s) => s !== rule.scope && s !== 'admin');
      assert.equal(can(person('root', [], { admin: true, scopes: others }), action, { team: 'payments' }).allowed, false, action);
    }
  });
});

test('docs/security.md shows the rule table as the code has it', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
  assert.ok(doc.includes(rulesTable()), `docs/security.md must contain:\n${rulesTable()}`);
});
