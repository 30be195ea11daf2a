/**
 * readSettings (contract §8): defaults, validation, and the public URL links are made from.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      () => readSettings({ PORT: 'eighty', DCP_EXECUTOR: 'nomad', DCP_LEASE_MS: '5', DCP_CHANGE_PROVIDER: 'servicenow' }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.deepEqual(error.issues.map((i) => i.field), ['PORT', 'DCP_EXECUTOR', 'DCP_LEASE_MS', 'DCP_SERVICENOW_URL']);
        assert.match(error.message, /DCP_EXECUTOR must be one of embedded, argo; got "nomad"/);
        return true;
      },
    );
  });

  test('DCP_EXECUTOR=argo: DCP_ARGO_URL required; the defaults of contract §9; names and durations checked', () => {
    assert.equal(readSettings({}).argo, null);
    assert.throws(() => readSettings({ DCP_EXECUTOR: 'argo' }), /DCP_ARGO_URL is required/);
    const s = readSettings({ DCP_EXECUTOR: 'argo', DCP_ARGO_URL: 'https://argo.example.com:2746/' });
    assert.deepEqual(s.argo, {
      url: 'https://argo.example.com:2746', namespace: 'argo', token: null, scanTemplate: 'dcp-scan-wait', phaseTemplate: 'dcp-phase', reconcileMs: 30_000,
    });
    assert.throws(
      () => readSettings({ DCP_EXECUTOR: 'argo', DCP_ARGO_URL: 'ftp://x', DCP_ARGO_NAMESPACE: 'Bad_NS', DCP_ARGO_RECONCILE: 'soon' }),
      (error: unknown) => error instanceof InputError && error.issues.map((i) => i.field).join() === 'DCP_ARGO_URL,DCP_ARGO_NAMESPACE,DCP_ARGO_RECONCILE',
    );
  });

  describe('DCP_OIDC_*: sign-in with OIDC', () => {
    const issues = (env: Record<string, string>) => {
      try {
        readSettings(env);
        return [];
      } catch (error) {
        assert.ok(error instanceof InputError);
        return error.issues.map((i) => `${i.field}: ${i.message}`);
      }
    };

    test('off without an issuer; on with the defaults and the redirect URI under DCP_PUBLIC_URL', () => {
      assert.equal(readSettings({}).oidc, null);
      const s = readSettings({ DCP_OIDC_ISSUER: 'https://login.example.com', DCP_OIDC_CLIENT_ID: 'dcp', DCP_OIDC_CLIENT_SECRET: 's3cret', DCP_PUBLIC_URL: 'https://dcp.example.com/' });
      assert.deepEqual(s.oidc, {
        issuer: 'https://login.example.com', clientId: 'dcp', clientSecret: 's3cret', scopes: 'openid email profile', claim: 'email', unknown: 'viewer',
        redirectUri: 'https://dcp.example.com/api/v1/session/oidc/callback',
      });
      assert.ok(Object.isFrozen(s));
    });

    test('the secret may be read from a file (file:PATH), trimmed', () => {
      const dir = mkdtempSync(join(tmpdir(), 'dcp-settings-'));
      try {
        writeFileSync(join(dir, 'secret'), 'from-a-file\n');
        const s = readSettings({ DCP_OIDC_ISSUER: 'https://login.example.com', DCP_OIDC_CLIENT_ID: 'dcp', DCP_OIDC_CLIENT_SECRET: `file:${join(dir, 'secret')}` });
        assert.equal(s.oidc?.clientSecret, 'from-a-file');
        assert.match(issues({ DCP_OIDC_ISSUER: 'https://login.example.com', DCP_OIDC_CLIENT_ID: 'dcp', DCP_OIDC_CLIENT_SECRET: `file:${join(dir, 'missing')}` })[0], /^DCP_OIDC_CLIENT_SECRET: names the file .*missing, which cannot be read/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('an issuer without a client id is a start-up error naming DCP_OIDC_CLIENT_ID', () => {
      assert.deepEqual(issues({ DCP_OIDC_ISSUER: 'https://login.example.com' }), [
        'DCP_OIDC_CLIENT_ID: is required when DCP_OIDC_ISSUER is set: the client id DCP is registered with at the provider',
      ]);
    });

    const cases: [string, Record<string, string>, RegExp][] = [
      ['a client id without an issuer', { DCP_OIDC_CLIENT_ID: 'dcp' }, /^DCP_OIDC_CLIENT_ID: is set but DCP_OIDC_ISSUER is not/],
      ['an issuer over http off loopback', { DCP_OIDC_ISSUER: 'http://login.example.com', DCP_OIDC_CLIENT_ID: 'dcp' }, /^DCP_OIDC_ISSUER: must be an https URL \(http only on loopback\)/],
      ['an issuer that is no URL', { DCP_OIDC_ISSUER: 'login.example.com', DCP_OIDC_CLIENT_ID: 'dcp' }, /^DCP_OIDC_ISSUER: must be the provider's issuer URL/],
      ['scopes without openid', { DCP_OIDC_ISSUER: 'https://login.example.com', DCP_OIDC_CLIENT_ID: 'dcp', DCP_OIDC_SCOPES: 'email' }, /^DCP_OIDC_SCOPES: must include openid/],
      ['an unknown policy for unknown people', { DCP_OIDC_ISSUER: 'https://login.example.com', DCP_OIDC_CLIENT_ID: 'dcp', DCP_OIDC_UNKNOWN: 'admin' }, /^DCP_OIDC_UNKNOWN: must be one of viewer, deny; got "admin"/],
    ];
    for (const [name, env, expected] of cases) {
      test(`refused: ${name}`, () => {
        const found = issues(env);
        assert.equal(found.length, 1, found.join('; '));
        assert.match(found[0], expected);
      });
    }

    test('http is fine for a provider on loopback (tests, demos); a public client has no secret', () => {
      const s = readSettings({ DCP_OIDC_ISSUER: 'http://127.0.0.1:9000', DCP_OIDC_CLIENT_ID: 'dcp', DCP_OIDC_UNKNOWN: 'deny', DCP_OIDC_CLAIM: 'preferred_username' });
      assert.equal(s.oidc?.clientSecret, null);
      assert.equal(s.oidc?.unknown, 'deny');
      assert.equal(s.oidc?.claim, 'preferred_username');
    });
  });

  describe('the scan provider', () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        readSettings(env);
        return [];
      } catch (error) {
        assert.ok(error instanceof InputError);
        return error.issues.map((i) => `${i.field}: ${i.message}`);
      }
    };

    test('defaults: simulated, nothing else set, polled every 60s', () => {
      const s = readSettings({});
      assert.deepEqual([s.scanProvider, s.harbor, s.scanHttp, s.scanPollMs], ['simulated', null, null, 60_000]);
    });

    test('harbor: the URL, a robot account, a password and webhook secret from files', () => {
      const dir = mkdtempSync(join(tmpdir(), 'dcp-harbor-'));
      try {
        writeFileSync(join(dir, 'password'), 'p4ss\n');
        writeFileSync(join(dir, 'secret'), 'whs\n');
        const s = readSettings({
          DCP_SCAN_PROVIDER: 'harbor', DCP_HARBOR_URL: 'https://harbor.example.com', DCP_HARBOR_USERNAME: 'robot$dcp',
          DCP_HARBOR_PASSWORD: `file:${join(dir, 'password')}`, DCP_HARBOR_WEBHOOK_SECRET: `file:${join(dir, 'secret')}`, DCP_SCAN_POLL: '30s',
        });
        assert.deepEqual(s.harbor, { url: 'https://harbor.example.com', username: 'robot$dcp', password: 'p4ss', webhookSecret: 'whs' });
        assert.equal(s.scanPollMs, 30_000);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });

    test('http: the artifact API and its token', () => {
      const s = readSettings({ DCP_SCAN_PROVIDER: 'http', DCP_SCAN_URL: 'http://scans.internal:9000', DCP_SCAN_TOKEN: 't' });
      assert.deepEqual(s.scanHttp, { url: 'http://scans.internal:9000', token: 't' });
      assert.equal(readSettings({ DCP_SCAN_PROVIDER: 'http', DCP_SCAN_URL: 'http://scans.internal' }).scanHttp?.token, null);
    });

    const cases: [string, Record<string, string>, string[]][] = [
      ['harbor without its URL', { DCP_SCAN_PROVIDER: 'harbor' }, ['DCP_HARBOR_URL: is required when DCP_SCAN_PROVIDER=harbor']],
      ['http without its URL', { DCP_SCAN_PROVIDER: 'http' }, ['DCP_SCAN_URL: is required when DCP_SCAN_PROVIDER=http']],
      ['a username without a password', { DCP_SCAN_PROVIDER: 'harbor', DCP_HARBOR_URL: 'https://h', DCP_HARBOR_USERNAME: 'robot$dcp' }, ['DCP_HARBOR_PASSWORD: is required when DCP_HARBOR_USERNAME is set']],
      ['a password without a username', { DCP_SCAN_PROVIDER: 'harbor', DCP_HARBOR_URL: 'https://h', DCP_HARBOR_PASSWORD: 'p' }, ['DCP_HARBOR_USERNAME: is required when DCP_HARBOR_PASSWORD is set']],
      ['a password file that is not there', { DCP_SCAN_PROVIDER: 'harbor', DCP_HARBOR_URL: 'https://h', DCP_HARBOR_USERNAME: 'u', DCP_HARBOR_PASSWORD: 'file:/nonexistent/pw' }, ['DCP_HARBOR_PASSWORD: names the file /nonexistent/pw, which cannot be read: ENOENT: no such file or directory, open \'/nonexistent/pw\'']],
      ['a URL that is not http', { DCP_SCAN_PROVIDER: 'http', DCP_SCAN_URL: 'ftp://scans' }, ['DCP_SCAN_URL: must be an http or https URL; got "ftp://scans"']],
      ['a Harbor URL while the simulated scan runs (it would pass everything)', { DCP_HARBOR_URL: 'https://h' }, ['DCP_HARBOR_URL: is set but DCP_SCAN_PROVIDER is simulated: set DCP_SCAN_PROVIDER=harbor, or unset it']],
      ['an artifact API URL with harbor chosen', { DCP_SCAN_PROVIDER: 'harbor', DCP_HARBOR_URL: 'https://h', DCP_SCAN_URL: 'https://s' }, ['DCP_SCAN_URL: is set but DCP_SCAN_PROVIDER is harbor: set DCP_SCAN_PROVIDER=http, or unset it']],
      ['an unknown provider', { DCP_SCAN_PROVIDER: 'trivy' }, ['DCP_SCAN_PROVIDER: must be one of simulated, harbor, http; got "trivy"']],
      ['a poll that is not a duration', { DCP_SCAN_POLL: '60' }, ['DCP_SCAN_POLL: must be a duration such as 30m, 12h or 7d; got "60"']],
    ];
    for (const [name, env, expected] of cases) test(`refused: ${name}`, () => assert.deepEqual(problems(env), expected));
  });

  describe('DCP_RELEASE_DRIVER and its drivers\' settings', () => {
    const problems = (env: Record<string, string>) => {
      try {
        readSettings(env);
        return [];
      } catch (error) {
        assert.ok(error instanceof InputError);
        return error.issues.map((i) => `${i.field}: ${i.message}`);
      }
    };

    test('simulated by default; helm and cpc are accepted; anything else is refused', () => {
      assert.equal(readSettings({}).releaseDriver, 'simulated');
      assert.equal(readSettings({ DCP_RELEASE_DRIVER: 'helm' }).releaseDriver, 'helm');
      assert.equal(readSettings({ DCP_RELEASE_DRIVER: 'cpc' }).releaseDriver, 'cpc');
      assert.deepEqual(problems({ DCP_RELEASE_DRIVER: 'kubectl' }), ['DCP_RELEASE_DRIVER: must be one of simulated, helm, cpc; got "kubectl"']);
    });

    test('defaults: no CPC token, CPC polled every 5 s; helm on PATH with a 10 minute timeout', () => {
      const s = readSettings({});
      assert.deepEqual(s.cpc, { token: null, pollMs: 5000 });
      assert.deepEqual(s.helm, { bin: 'helm', timeoutMs: 600_000 });
      assert.ok(Object.isFrozen(s));
    });

    test('DCP_CPC_POLL, DCP_HELM_BIN and DCP_HELM_TIMEOUT are read; bad durations name the variable', () => {
      const s = readSettings({ DCP_CPC_TOKEN: 'tok', DCP_CPC_POLL: '30s', DCP_HELM_BIN: '/usr/local/bin/helm', DCP_HELM_TIMEOUT: '15m' });
      assert.deepEqual(s.cpc, { token: 'tok', pollMs: 30_000 });
      assert.deepEqual(s.helm, { bin: '/usr/local/bin/helm', timeoutMs: 900_000 });
      assert.deepEqual(problems({ DCP_CPC_POLL: 'often', DCP_HELM_TIMEOUT: '0s' }).map((p) => p.split(':')[0]), ['DCP_CPC_POLL', 'DCP_HELM_TIMEOUT']);
    });

    test('DCP_CPC_TOKEN may be read from a file (file:PATH), trimmed; an unreadable file is a start-up error', () => {
      const dir = mkdtempSync(join(tmpdir(), 'dcp-settings-'));
      try {
        writeFileSync(join(dir, 'cpc'), 'cpc-secret\n');
        assert.equal(readSettings({ DCP_CPC_TOKEN: `file:${join(dir, 'cpc')}` }).cpc.token, 'cpc-secret');
        assert.match(problems({ DCP_CPC_TOKEN: `file:${join(dir, 'missing')}` })[0], /^DCP_CPC_TOKEN: names the file .*missing, which cannot be read/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('DCP_NATS_*: the bus', () => {
  const problems = (env: Record<string, string>) => {
    try {
      readSettings(env);
      return [];
    } catch (error) {
      assert.ok(error instanceof InputError);
      return error.issues.map((i) => i.field);
    }
  };

  test('unset: no bus', () => assert.equal(readSettings({}).nats, null));

  test('servers comma-separated, with the defaults for the stream and the builds subject', () => {
    assert.deepEqual(readSettings({ DCP_NATS_URL: 'nats://a:4222, tls://b:4222,127.0.0.1:4223' }).nats, {
      servers: ['nats://a:4222', 'tls://b:4222', '127.0.0.1:4223'], stream: 'DCP_EVENTS', buildsSubject: 'dcp.builds',
    });
    const s = readSettings({ DCP_NATS_URL: 'nats://a:4222', DCP_NATS_STREAM: 'EVENTS-2', DCP_NATS_BUILDS_SUBJECT: 'ci.builds.>' });
    assert.deepEqual([s.nats?.stream, s.nats?.buildsSubject], ['EVENTS-2', 'ci.builds.>']);
  });

  const refused: [string, Record<string, string>, string[]][] = [
    ['an http URL', { DCP_NATS_URL: 'http://a:4222' }, ['DCP_NATS_URL']],
    ['a stream name with a dot', { DCP_NATS_URL: 'nats://a', DCP_NATS_STREAM: 'dcp.events' }, ['DCP_NATS_STREAM']],
    ['a subject with an empty token', { DCP_NATS_URL: 'nats://a', DCP_NATS_BUILDS_SUBJECT: 'dcp..builds' }, ['DCP_NATS_BUILDS_SUBJECT']],
    ['a subject inside dcp.events.>', { DCP_NATS_URL: 'nats://a', DCP_NATS_BUILDS_SUBJECT: 'dcp.events.builds' }, ['DCP_NATS_BUILDS_SUBJECT']],
    ['a subject that takes dcp.events.> too', { DCP_NATS_URL: 'nats://a', DCP_NATS_BUILDS_SUBJECT: 'dcp.>' }, ['DCP_NATS_BUILDS_SUBJECT']],
    ['a stream without the URL', { DCP_NATS_STREAM: 'X' }, ['DCP_NATS_STREAM']],
    ['a builds subject without the URL', { DCP_NATS_BUILDS_SUBJECT: 'x' }, ['DCP_NATS_BUILDS_SUBJECT']],
  ];
  for (const [name, env, expected] of refused) test(`refused: ${name}`, () => assert.deepEqual(problems(env), expected));
});

describe('DCP_SLACK_*: Slack', () => {
  const problems = (env: Record<string, string>) => {
    try {
      readSettings(env);
      return [];
    } catch (error) {
      assert.ok(error instanceof InputError);
      return error.issues.map((i) => i.field);
    }
  };

  test('unset: no Slack', () => assert.equal(readSettings({}).slack, null));

  test('the token, the signing secret and the default API URL', () => {
    assert.deepEqual(readSettings({ DCP_SLACK_TOKEN: 'xoxb-1', DCP_SLACK_SIGNING_SECRET: 'shh' }).slack, {
      token: 'xoxb-1', apiUrl: 'https://slack.com/api/', signingSecret: 'shh',
    });
    assert.deepEqual(readSettings({ DCP_SLACK_SIGNING_SECRET: 'shh', DCP_SLACK_API_URL: 'http://127.0.0.1:9000/api' }).slack, {
      token: null, apiUrl: 'http://127.0.0.1:9000/api/', signingSecret: 'shh',
    });
  });

  test('the signing secret from a file (a mounted secret), trimmed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcp-slack-'));
    try {
      writeFileSync(join(dir, 'secret'), 'from-a-file\n');
      assert.equal(readSettings({ DCP_SLACK_SIGNING_SECRET: `file:${join(dir, 'secret')}` }).slack?.signingSecret, 'from-a-file');
      assert.deepEqual(problems({ DCP_SLACK_SIGNING_SECRET: `file:${join(dir, 'missing')}` }), ['DCP_SLACK_SIGNING_SECRET']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refused: [string, Record<string, string>, string[]][] = [
    ['an API URL that is not http(s)', { DCP_SLACK_TOKEN: 'xoxb-1', DCP_SLACK_API_URL: 'ftp://slack' }, ['DCP_SLACK_API_URL']],
    ['an API URL without a token or secret', { DCP_SLACK_API_URL: 'https://slack.example/api/' }, ['DCP_SLACK_API_URL']],
  ];
  for (const [name, env, expected] of refused) test(`refused: ${name}`, () => assert.deepEqual(problems(env), expected));
});

describe('readSettings: catalog sources (DCP_CATALOG_SYNC, DCP_BACKSTAGE_*, DCP_GITHUB_*)', () => {
  const problems = (env: Record<string, string>) => {
    try {
      readSettings(env);
      return [];
    } catch (error) {
      assert.ok(error instanceof InputError);
      return error.issues.map((i) => i.field);
    }
  };

  test('defaults: synced every 5m, no Backstage, no GitHub', () => {
    assert.deepEqual(readSettings({}).catalog, { syncMs: 5 * 60_000, backstage: null, github: null });
  });

  test('Backstage with the default filter; GitHub with the public API by default', () => {
    const s = readSettings({ DCP_BACKSTAGE_URL: 'https://backstage.example.com/', DCP_BACKSTAGE_TOKEN: 't', DCP_GITHUB_ORG: 'acme', DCP_CATALOG_SYNC: '90s' });
    assert.deepEqual(s.catalog, {
      syncMs: 90_000,
      backstage: { url: 'https://backstage.example.com', token: 't', filter: 'kind=component,spec.type=service' },
      github: { url: 'https://api.github.com', token: null, org: 'acme' },
    });
    assert.equal(readSettings({ DCP_GITHUB_ORG: 'acme', DCP_GITHUB_URL: 'https://ghe.example.com/api/v3' }).catalog.github?.url, 'https://ghe.example.com/api/v3');
  });

  const refused: [string, Record<string, string>, string[]][] = [
    ['a Backstage token without the URL', { DCP_BACKSTAGE_TOKEN: 't' }, ['DCP_BACKSTAGE_TOKEN']],
    ['a filter without the URL', { DCP_BACKSTAGE_FILTER: 'kind=component' }, ['DCP_BACKSTAGE_FILTER']],
    ['a Backstage URL that is not http(s)', { DCP_BACKSTAGE_URL: 'ftp://backstage' }, ['DCP_BACKSTAGE_URL']],
    ['a filter that is not key=value pairs', { DCP_BACKSTAGE_URL: 'https://b.example', DCP_BACKSTAGE_FILTER: 'kind=component,,x' }, ['DCP_BACKSTAGE_FILTER']],
    ['a GitHub token without the organisation', { DCP_GITHUB_TOKEN: 'ghp_x' }, ['DCP_GITHUB_TOKEN']],
    ['a GitHub URL without the organisation', { DCP_GITHUB_URL: 'https://ghe.example.com/api/v3' }, ['DCP_GITHUB_URL']],
    ['an organisation name GitHub would not allow', { DCP_GITHUB_ORG: 'acme/corp' }, ['DCP_GITHUB_ORG']],
    ['a sync interval that is no duration', { DCP_CATALOG_SYNC: 'often' }, ['DCP_CATALOG_SYNC']],
  ];
  for (const [name, env, expected] of refused) test(`refused: ${name}`, () => assert.deepEqual(problems(env), expected));
});
