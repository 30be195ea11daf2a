/**
 * readSettings (contract §8): defaults, validation, and the public URL links are made from.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from './core/errors.ts';
import { readSettings } from './settings.ts';

describe('readSettings', () => {
  test('defaults: 127.0.0.1:8080, embedded everything, links to http://127.0.0.1:8080', () => {
    const s = readSettings({});
    assert.equal(s.host, '127.0.0.1');
    assert.equal(s.port, 8080);
    assert.equal(s.databaseUrl, null);
    assert.equal(s.dataDir, './.dcp');
    assert.deepEqual([s.executor, s.releaseDriver, s.scanProvider, s.changeProvider], ['embedded', 'simulated', 'simulated', 'builtin']);
    assert.equal(s.publicUrl, 'http://127.0.0.1:8080');
    assert.ok(Object.isFrozen(s));
  });

  describe('DCP_PUBLIC_URL defaults to a URL a browser can open', () => {
    // A wildcard address is where DCP listens, not where anyone can reach it: a link to
    // http://0.0.0.0:8080 in a Slack message or a change case opens nothing. See docs/decisions.md.
    const cases: [string, Record<string, string>, string][] = [
      ['HOST=0.0.0.0 (every IPv4 address)', { HOST: '0.0.0.0', PORT: '9000' }, 'http://localhost:9000'],
      ['HOST=:: (every address)', { HOST: '::', PORT: '9000' }, 'http://localhost:9000'],
      ['HOST=[::] (bracketed)', { HOST: '[::]' }, 'http://localhost:8080'],
      ['HOST=0.0.0.0 with the default port', { HOST: '0.0.0.0' }, 'http://localhost:8080'],
      ['a named host is kept', { HOST: 'dcp.internal', PORT: '80' }, 'http://dcp.internal:80'],
      ['an IPv6 address is bracketed', { HOST: '::1' }, 'http://[::1]:8080'],
      ['an explicit DCP_PUBLIC_URL wins', { HOST: '0.0.0.0', DCP_PUBLIC_URL: 'https://dcp.example.com' }, 'https://dcp.example.com'],
    ];
    for (const [name, env, expected] of cases) {
      test(`${name}: ${expected}`, () => {
        const { publicUrl } = readSettings(env);
        assert.equal(publicUrl, expected);
        assert.ok(URL.canParse(publicUrl), `${publicUrl} is a URL`);
        assert.doesNotMatch(new URL(publicUrl).hostname, /^(0\.0\.0\.0|\[::\])$/, 'links never point at a wildcard address');
      });
    }
  });

  test('the wildcard host is still where DCP listens', () => {
    assert.equal(readSettings({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  });

  test('invalid values are one InputError naming each variable', () => {
    assert.throws(
      () => readSettings({ PORT: 'eighty', DCP_EXECUTOR: 'argo', DCP_LEASE_MS: '5', DCP_CHANGE_PROVIDER: 'servicenow' }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.deepEqual(error.issues.map((i) => i.field), ['PORT', 'DCP_EXECUTOR', 'DCP_LEASE_MS', 'DCP_SERVICENOW_URL']);
        assert.match(error.message, /"argo" comes in a later release/);
        return true;
      },
    );
  });
});
