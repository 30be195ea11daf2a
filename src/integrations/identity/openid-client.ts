/**
 * The IdentityProvider port over `openid-client` (v6): authorization code with PKCE (S256),
 * state and nonce, the client authenticated with its secret (client_secret_post) or, without one,
 * a public client (PKCE alone).
 *
 * The provider is discovered on first use, not at start: DCP starts (and token sign-in works)
 * while the provider is down, and a failed discovery is tried again at the next sign-in.
 */
import * as client from 'openid-client';
import { IdentityError, type IdentityClaims, type IdentityProvider, type LoginSecrets } from '../../core/identity.ts';

export interface OpenIdClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  redirectUri: string;
  /** The claim that names the person: when the ID token lacks it, it is read from userinfo. */
  claim: string;
  /** How long a call to the provider may take (ms). */
  timeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createOpenIdClientProvider(options: OpenIdClientOptions): IdentityProvider {
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= (async () => {
      const issuer = new URL(options.issuer);
      // settings.ts allows http for a provider on loopback only (tests, demos).
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      const auth = options.clientSecret === null ? client.None() : client.ClientSecretPost(options.clientSecret);
      const config = await client.discovery(issuer, options.clientId, undefined, auth, {
        execute: insecure ? [client.allowInsecureRequests] : [],
        timeout: (options.timeoutMs ?? 10_000) / 1000,
      });
      config.timeout = (options.timeoutMs ?? 10_000) / 1000;
      return config;
    })();
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered.catch((error: unknown) => {
      throw new IdentityError('unavailable', `the OIDC provider ${options.issuer} could not be discovered: ${describe(error)}`, { cause: error });
    });
  }

  return {
    async begin() {
      const config = await configuration();
      const secrets: LoginSecrets = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: options.scopes,
        response_type: 'code',
        state: secrets.state,
        nonce: secrets.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, secrets };
    },

    async finish(callbackUrl, secrets) {
      const config = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: secrets.codeVerifier,
          expectedState: secrets.state,
          expectedNonce: secrets.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new IdentityError('refused', 'the provider sent no ID token');
        if (claims[options.claim] !== undefined || !config.serverMetadata().userinfo_endpoint) return claims as IdentityClaims;
        // Many providers put profile claims in userinfo only when an access token is issued.
        const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        return { ...userinfo, ...claims } as IdentityClaims;
      } catch (error) {
        if (error instanceof IdentityError) throw error;
        const unreachable = error instanceof TypeError || (error as { name?: string }).name === 'TimeoutError';
        throw new IdentityError(unreachable ? 'unavailable' : 'refused', describe(error), { cause: error });
      }
    },
  };
}

/** What went wrong, from openid-client's errors: the OAuth error code and description, never a token. */
function describe(error: unknown): string {
  const e = error as { message?: string; error?: string; error_description?: string; code?: string; cause?: { message?: string } };
  if (typeof e.error === 'string') return `the provider answered ${e.error}${e.error_description ? `: ${e.error_description}` : ''}`;
  return [e.message ?? String(error), e.code, e.cause?.message].filter(Boolean).join('; ');
}
