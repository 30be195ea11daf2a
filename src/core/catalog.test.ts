/**
 * The catalog merge (core/catalog.ts): entity refs in every Backstage form, owners resolved,
 * derived or unknown, and the precedence of sources (docs/decisions.md, "Catalog precedence").
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeCatalog, parseEntityRef, unbuildableReason, type Origin, type SourceEntity } from './catalog.ts';

const at = (source: string, ref: string): Origin => ({ source, ref, editUrl: null });
const team = (source: string, name: string, extra: Partial<SourceEntity> = {}): SourceEntity => ({ kind: 'team', name, slack: {}, members: [], origin: at(source, `group:default/${name}`), ...extra } as SourceEntity);
const service = (source: string, name: string, owner: string, extra: Record<string, unknown> = {}): SourceEntity =>
  ({ kind: 'service', name, namespace: 'default', owner, annotations: {}, origin: at(source, `component:default/${name}`), ...extra }) as SourceEntity;
const user = (source: string, name: string, memberOf: string[], namespace = 'default'): SourceEntity =>
  ({ kind: 'user', name: namespace === 'default' ? name : `${namespace}/${name}`, namespace, entityName: name, memberOf, origin: at(source, `user:${namespace}/${name}`) }) as SourceEntity;

describe('parseEntityRef', () => {
  const cases: [string, { kind: string; namespace: string }, unknown][] = [
    ['team-a', { kind: 'group', namespace: 'default' }, { kind: 'group', namespace: 'default', name: 'team-a' }],
    ['group:team-a', { kind: 'group', namespace: 'default' }, { kind: 'group', namespace: 'default', name: 'team-a' }],
    ['group:default/team-a', { kind: 'group', namespace: 'default' }, { kind: 'group', namespace: 'default', name: 'team-a' }],
    ['Group:ops/team-a', { kind: 'group', namespace: 'default' }, { kind: 'group', namespace: 'ops', name: 'team-a' }],
    ['user:guest', { kind: 'group', namespace: 'development' }, { kind: 'user', namespace: 'development', name: 'guest' }],
    ['team-a', { kind: 'group', namespace: 'development' }, { kind: 'group', namespace: 'development', name: 'team-a' }],
  ];
  for (const [text, defaults, expected] of cases) test(`${text} (defaults ${defaults.kind}, ${defaults.namespace})`, () => assert.deepEqual(parseEntityRef(text, defaults), expected));
  for (const bad of ['', 'a:b:c', 'group:', 'x/y/z', 'bad name', `${'a'.repeat(64)}`]) {
    test(`refused: ${JSON.stringify(bad)}`, () => assert.ok('error' in parseEntityRef(bad, { kind: 'group', namespace: 'default' })));
  }
});

describe('mergeCatalog', () => {
  test('owners: a team in any ref form, a user (their first team that is a team: derived), or unknown', () => {
    const merged = mergeCatalog([{
      source: 'backstage',
      entities: [
        team('backstage', 'team-a'), team('backstage', 'team-b'),
        user('backstage', 'guest', ['guild-of-cooks', 'team-b', 'team-a']),
        service('backstage', 'a', 'team-a'), service('backstage', 'b', 'group:team-b'), service('backstage', 'c', 'group:default/team-a'),
        service('backstage', 'd', 'user:guest'), service('backstage', 'e', 'sre'), service('backstage', 'f', 'user:nobody'),
      ],
    }]);
    assert.deepEqual(merged.services.map((s) => [s.name, s.team, s.owner.status, s.owner.via]), [
      ['a', 'team-a', 'resolved', undefined], ['b', 'team-b', 'resolved', undefined], ['c', 'team-a', 'resolved', undefined],
      ['d', 'team-b', 'derived', 'user:default/guest'], ['e', 'sre', 'unknown', undefined], ['f', 'nobody', 'unknown', undefined],
    ]);
    assert.equal(merged.services[3].provenance.team.ref, 'user:default/guest');
    assert.match(unbuildableReason(merged.services[4])!, /owner unknown/);
    assert.equal(unbuildableReason(merged.services[0]), null);
    assert.deepEqual(merged.teams.find((t) => t.name === 'team-a')!.members, ['guest']);
  });

  test('precedence: the higher source holds the entity whole; kilonova.yaml wins over any dcp/is-gov annotation', () => {
    const merged = mergeCatalog([
      { source: 'backstage', entities: [team('backstage', 'team-a', { title: 'From Backstage' } as never), service('backstage', 'ledger', 'team-a', { isGov: false })] },
      {
        source: 'github',
        entities: [
          team('github', 'team-a', { title: 'From GitHub', slack: { channel: '#gh' } } as never), service('github', 'ledger', 'team-a', { isGov: true, lifecycle: 'x' }),
          { kind: 'gov', service: 'ledger', isGov: true, origin: at('github', 'ledger/kilonova.yaml') },
        ],
      },
      { source: 'config', entities: [service('config', 'ledger', 'team-z'), service('config', 'worker', 'team-a', { isGov: true })] },
    ]);
    const teamA = merged.teams[0];
    assert.deepEqual([teamA.title, teamA.slack, teamA.provenance.entity.source], ['From Backstage', {}, 'backstage']);
    const ledger = merged.services.find((s) => s.name === 'ledger')!;
    assert.deepEqual([ledger.team, ledger.isGov, ledger.lifecycle, ledger.provenance.entity.source, ledger.provenance.isGov.ref], ['team-a', true, undefined, 'backstage', 'ledger/kilonova.yaml']);
    const worker = merged.services.find((s) => s.name === 'worker')!;
    assert.deepEqual([worker.isGov, worker.provenance.isGov.source], [true, 'config']);
  });
});
