/**
 * Harbor's SCANNING_COMPLETED webhook: the parser (examples, then fuzzed: only InputError, and
 * never a digest that was not in the body) and the constant-time secret check.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../core/errors.ts';
import { harborSecretMatches, parseHarborScanWebhook } from './harbor-webhook.ts';

const DIGEST = 'sha256:b50334049354ed01330403212605dce2f4676a4e787ed113506861d9cf3c5424';

/** Shaped as Harbor sends it (goharbor/harbor src/pkg/notifier/model/event.go; zulip's fixture scanning_completed.json). */
function completed(): Record<string, any> {
  return {
    type: 'SCANNING_COMPLETED',
    occur_at: 1648715576,
    operator: 'auto',
    event_data: {
      resources: [{
        digest: DIGEST,
        tag: '3.8.1',
        resource_url: 'harbor.example.com/test/alpine/helm:3.8.1',
        scan_overview: {
          'application/vnd.security.vulnerability.report; version=1.1': {
            report_id: '65e8a295-749c-44e2-93fe-2ebb49b9e51a', scan_status: 'Success', severity: 'High', duration: 3,
            summary: { total: 5, fixable: 5, summary: { High: 4, Unknown: 1 } },
            start_time: '2022-03-31T08:32:53Z', end_time: '2022-03-31T08:32:56Z',
            scanner: { name: 'Trivy', vendor: 'Aqua Security', version: 'v0.20.1' }, complete_percent: 100,
          },
        },
      }],
      repository: { name: 'alpine/helm', namespace: 'test', repo_full_name: 'test/alpine/helm', repo_type: 'private' },
    },
  };
}

function fieldOf(body: unknown): string {
  try {
    parseHarborScanWebhook(body);
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error.issues[0].field;
  }
  assert.fail('expected an InputError');
}

describe('parseHarborScanWebhook', () => {
  test("a completed scan: its digests and the repository's full name", () => {
    assert.deepEqual(parseHarborScanWebhook(completed()), { digests: [DIGEST], repository: 'test/alpine/helm' });
  });

  test('several resources, a digest repeated once; namespace/name when repo_full_name is missing', () => {
    const body = completed();
    const other = `sha256:${'c'.repeat(64)}`;
    body.event_data.resources.push({ digest: other, tag: '' }, { digest: DIGEST, tag: 'latest' });
    delete body.event_data.repository.repo_full_name;
    assert.deepEqual(parseHarborScanWebhook(body), { digests: [DIGEST, other], repository: 'test/alpine/helm' });
  });

  test('other events are ignored', () => {
    for (const type of ['PUSH_ARTIFACT', 'SCANNING_FAILED', 'SCANNING_STOPPED', 'PULL_ARTIFACT']) {
      const result = parseHarborScanWebhook({ ...completed(), type });
      assert.ok('ignored' in result && result.ignored.includes(type), type);
    }
  });

  test('a malformed body names the field', () => {
    const cases: [string, (b: Record<string, any>) => unknown][] = [
      ['(body)', () => 'SCANNING_COMPLETED'],
      ['(body)', () => [completed()]],
      ['type', (b) => ({ ...b, type: 7 })],
      ['event_data', (b) => ({ ...b, event_data: null })],
      ['event_data.repository', (b) => (delete b.event_data.repository, b)],
      ['event_data.repository.repo_full_name', (b) => ((b.event_data.repository.repo_full_name = 'helm'), b)],
      ['event_data.repository.namespace', (b) => (delete b.event_data.repository.repo_full_name, delete b.event_data.repository.namespace, b)],
      ['event_data.resources', (b) => ((b.event_data.resources = []), b)],
      ['event_data.resources[0]', (b) => ((b.event_data.resources = ['sha256:1']), b)],
      ['event_data.resources[0].digest', (b) => (delete b.event_data.resources[0].digest, b)],
      ['event_data.resources[1].digest', (b) => (b.event_data.resources.push({ digest: 'latest' }), b)],
    ];
    for (const [field, make] of cases) assert.equal(fieldOf(make(completed())), field, field);
  });

  test('fuzzed: only InputError is thrown, and every digest returned was in the body', () => {
    const digest = fc.oneof(fc.constant(DIGEST), fc.stringMatching(/^sha256:[a-f0-9]{1,64}$/), fc.string());
    const resource = fc.oneof(fc.record({ digest, tag: fc.string() }, { requiredKeys: [] }), fc.anything());
    // Mostly well-formed bodies with hostile parts, so the parsed case is reached often too.
    const wellFormed = fc.record({
      type: fc.constant('SCANNING_COMPLETED'),
      event_data: fc.record({
        resources: fc.array(fc.record({ digest, tag: fc.string() }), { minLength: 1, maxLength: 5 }),
        repository: fc.record({ repo_full_name: fc.constantFrom('p/r', 'test/alpine/helm', 'a//b', ' p/r') }),
      }),
    });
    const body = fc.oneof(
      { arbitrary: wellFormed, weight: 3 },
      fc.anything(),
      fc.record({
        type: fc.oneof(fc.constant('SCANNING_COMPLETED'), fc.string(), fc.anything()),
        event_data: fc.oneof(
          fc.record({
            resources: fc.oneof(fc.array(resource, { maxLength: 5 }), fc.anything()),
            repository: fc.oneof(fc.record({ repo_full_name: fc.oneof(fc.constant('p/r'), fc.string()), namespace: fc.string(), name: fc.string() }, { requiredKeys: [] }), fc.anything()),
          }, { requiredKeys: [] }),
          fc.anything(),
        ),
      }, { requiredKeys: [] }),
    );
    let parsed = 0;
    fc.assert(
      fc.property(body, (input) => {
        const text = JSON.stringify(input) ?? '';
        let result;
        try {
          result = parseHarborScanWebhook(input);
        } catch (error) {
          assert.ok(error instanceof InputError, `threw ${String(error)}`);
          return;
        }
        if ('digests' in result) {
          parsed += 1;
          assert.ok(result.digests.length > 0);
          for (const d of result.digests) assert.ok(text.includes(JSON.stringify(d)), `${d} was in the body`);
        }
      }),
      { numRuns: 2000 },
    );
    assert.ok(parsed > 20, `the fuzz reached the parsed case ${parsed} times`);
  });
});

describe('harborSecretMatches', () => {
  const secret = 'whs-3f9c1a';
  test('the raw value, or Bearer <secret>', () => {
    assert.equal(harborSecretMatches(secret, secret), true);
    assert.equal(harborSecretMatches(`Bearer ${secret}`, secret), true);
    assert.equal(harborSecretMatches(`bearer  ${secret} `, secret), true);
  });
  test('anything else is refused, and no secret configured refuses everything', () => {
    for (const header of [undefined, '', 'whs-3f9c1', `${secret}x`, `Basic ${secret}`, `Bearer`, `Bearer ${secret}x`, secret.toUpperCase()]) {
      assert.equal(harborSecretMatches(header, secret), false, String(header));
    }
    assert.equal(harborSecretMatches('', ''), false);
    assert.equal(harborSecretMatches('Bearer ', ''), false);
  });
  test('fuzzed: true exactly for the secret or Bearer <secret>', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (key, header) => {
        const expected = header.trim() === key || header.trim().replace(/^bearer\s+/i, '') === key && /^bearer\s+/i.test(header.trim());
        assert.equal(harborSecretMatches(header, key), expected);
      }),
    );
  });
});
