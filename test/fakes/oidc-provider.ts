/**
 * A real OpenID Connect provider (the `oidc-provider` package) in this process, on loopback: what
 * the OIDC sign-in tests sign in with. It registers DCP as a confidential client that must use
 * PKCE, and replaces the provider's login and consent pages with an interaction that signs in
 * the account the test chose (`signInAs`) without a form — a person who types their password.
 *
 *   const idp = await startFakeIdp();
 *   const t = await startTestDcp({ backend, env: idp.env });   // DCP_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET
 *   idp.allowRedirect(`${t.url}/api/v1/session/oidc/callback`);
 *   idp.signInAs({ sub: 'u1', email: 'alice@example.com' });
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface FakeAccount {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
}

export interface FakeIdp {
  issuer: string;
  /** The settings that point DCP at this provider. */
  env: Record<string, string>;
  /** Registers a redirect URI of DCP's (its port is known only once it listens). */
  allowRedirect(uri: string): void;
  /** The account the next sign-in signs in as. */
  signInAs(account: FakeAccount): void;
  stop(): Promise<void>;
}

const CLIENT_ID = 'dcp';
const CLIENT_SECRET = 'dcp-test-client-secret';

export async function startFakeIdp(): Promise<FakeIdp> {
  let provider: Provider | undefined;
  let account: FakeAccount = { sub: 'nobody' };
  const redirectUris: string[] = [];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  const server = createServer((req, res) => {
    if (!provider) {
      res.writeHead(503).end('no redirect URI registered yet');
      return;
    }
    if (req.url?.startsWith('/interaction/')) {
      interact(provider, req, res).catch((error: Error) => {
        res.writeHead(500).end(error.message);
      });
      return;
    }
    void provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** The login prompt signs in the chosen account; the consent prompt grants what was asked. */
  async function interact(p: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await p.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await p.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId ? (await p.Grant.find(details.grantId))! : new p.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await p.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }

  const accounts = () => account;
  function build(): Provider {
    const configuration: Configuration = {
      clients: [{
        client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [...redirectUris],
        grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post',
      }],
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      cookies: { keys: ['fake-idp-cookie-key'] },
      jwks: { keys: [jwk as never] },
      async findAccount(_ctx, sub) {
        const a = accounts();
        if (sub !== a.sub) return undefined;
        return {
          accountId: sub,
          async claims() {
            return { sub, email: a.email, email_verified: a.emailVerified ?? (a.email !== undefined ? true : undefined), name: a.name };
          },
        };
      },
    };
    return new Provider(issuer, configuration);
  }

  return {
    issuer,
    env: { DCP_OIDC_ISSUER: issuer, DCP_OIDC_CLIENT_ID: CLIENT_ID, DCP_OIDC_CLIENT_SECRET: CLIENT_SECRET },
    allowRedirect(uri) {
      redirectUris.push(uri);
      provider = build();
    },
    signInAs(next) {
      account = next;
    },
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
