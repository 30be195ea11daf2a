/**
 * Signing people in with OpenID Connect (authorization code + PKCE, state and nonce; contract
 * §11). Two requests: `start` makes the login's secrets, keeps them server-side (store/oidc.ts:
 * ten minutes, one use) and sends the browser to the provider; `finish` takes them back by the
 * state the provider returns, has the IdentityProvider redeem and verify the code, and maps the
 * ID token's claim (DCP_OIDC_CLAIM, default `email`) to a catalog user.
 *
 * Nothing of the login is trusted from the browser: the state only finds the row, and the row
 * must also match the random value in the HttpOnly cookie set by `start` (so a sign-in started
 * in one browser cannot be finished in another: no login CSRF). Refusals say why, in words a
 * person can act on; every sign-in, success or refusal, is reported to `audit` — never with a
 * secret, a token or a code.
 *
 * Glossary
 * - Login: one sign-in in flight, between the redirect to the provider and its callback.
 * - Unknown person: the claim names nobody in the catalog. With DCP_OIDC_UNKNOWN=viewer they sign
 *   in as a person of no team (named by the claim's value: they read everything, change nothing);
 *   with `deny` they are refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { InputError } from '../core/errors.ts';
import { IdentityError, type IdentityClaims, type IdentityProvider } from '../core/identity.ts';
import type { Queryable } from '../store/db.ts';
import * as store from '../store/oidc.ts';
import type { Logger } from '../shared/logger.ts';
import { roleOf, type AuthService, type NewSession } from './auth.ts';

/** How long a login may take at the provider. */
export const LOGIN_TTL_MS = 10 * 60_000;

/** Why a sign-in was refused: the app shows a message for each (`/?signin-error=<reason>`). */
export type SignInRefusal =
  /** The claim names nobody in the catalog, and DCP_OIDC_UNKNOWN=deny. */
  | 'unknown-person'
  /** The provider says the email address is not verified (email_verified: false). */
  | 'unverified-email'
  /** The ID token lacks the claim that names the person. */
  | 'no-claim'
  /** The login is unknown, used, expired, or was started in another browser. */
  | 'expired'
  /** The provider refused (the person cancelled, a bad code), or its answer did not verify. */
  | 'provider'
  /** The provider could not be reached. */
  | 'unavailable';

export type SignInResult =
  | { ok: true; session: NewSession; returnTo: string }
  | { ok: false; reason: SignInRefusal; message: string };

/** What the audit trail records of a sign-in. */
export interface SignInRecord {
  outcome: 'success' | 'denied' | 'failed';
  /** The catalog user signed in, or the claim's value; null when the claim was never read. */
  person: string | null;
  role?: string;
  reason?: SignInRefusal;
  message?: string;
  address?: string;
}

export interface OidcService {
  /**
   * Starts a sign-in: the provider's URL to redirect to, and the value for the browser's cookie.
   * `returnTo` must be a path of DCP's own (InputError otherwise).
   */
  start(returnTo: string | undefined): Promise<{ url: string; browser: string }>;
  /** Finishes a sign-in from the callback's query string and the browser's cookie. */
  finish(callback: { query: string; browser: string | undefined; address?: string }): Promise<SignInResult>;
}

export interface OidcOptions {
  redirectUri: string;
  claim: string;
  unknown: 'viewer' | 'deny';
}

/**
 * A path of DCP's own to return to, or an InputError: `/deployments/42?x=1#y`, never `//evil`,
 * `/\evil`, `https://…` or anything else a browser would take to another site.
 */
export function safeReturnTo(returnTo: string | undefined): string {
  if (returnTo === undefined || returnTo === '') return '/';
  const bad = (why: string) => new InputError(`returnTo ${why}`, [{ field: 'query.returnTo', message: `${why}: it must be a path of DCP's own, such as /deployments` }]);
  // Browsers read a backslash as a slash and drop tabs and newlines: reject them before parsing.
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(returnTo)) throw bad(`"${returnTo.slice(0, 80)}" is not a same-site path`);
  const base = 'http://dcp.invalid';
  const url = new URL(returnTo, base);
  if (url.origin !== base) throw bad(`"${returnTo.slice(0, 80)}" leads to another site`);
  return `${url.pathname}${url.search}${url.hash}`;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export function createOidcService(deps: {
  db: Queryable;
  clock: Clock;
  auth: AuthService;
  provider: IdentityProvider;
  options: OidcOptions;
  log: Logger;
  /** Records a sign-in in the audit trail; by default it is logged (without any secret). */
  audit?: (record: SignInRecord) => void | Promise<void>;
}): OidcService {
  const { options } = deps;
  const audit = deps.audit ?? ((r: SignInRecord) => {
    const fields = [`outcome=${r.outcome}`, `person=${r.person ?? '(unknown)'}`, r.role && `role=${r.role}`, r.reason && `reason=${r.reason}`, r.address && `address=${r.address}`];
    deps.log.info(`oidc sign-in: ${fields.filter(Boolean).join(' ')}${r.message ? ` — ${r.message}` : ''}`);
  });

  async function refuse(reason: SignInRefusal, message: string, record: { person?: string | null; address?: string }): Promise<SignInResult> {
    const denied = reason === 'unknown-person' || reason === 'unverified-email';
    await audit({ outcome: denied ? 'denied' : 'failed', person: record.person ?? null, reason, message, address: record.address });
    return { ok: false, reason, message };
  }

  /** The person the claims name, or why not. */
  async function personOf(claims: IdentityClaims): Promise<{ name: string } | { refusal: SignInRefusal; message: string; person: string | null }> {
    const value = claims[options.claim];
    if (typeof value !== 'string' || value.trim() === '') {
      return { refusal: 'no-claim', person: null, message: `the provider's ID token has no "${options.claim}" claim, which DCP uses to name people (DCP_OIDC_CLAIM; is the scope for it requested?)` };
    }
    if (options.claim === 'email' && claims.email_verified === false) {
      return { refusal: 'unverified-email', person: value, message: `the provider has not verified the email address ${value}; verify it there, then sign in again` };
    }
    const user = await deps.auth.findPerson(value);
    if (user) return { name: user.name };
    if (options.unknown === 'deny') {
      return { refusal: 'unknown-person', person: value, message: `${value} is not a person in DCP's catalog, and DCP admits only people it knows (DCP_OIDC_UNKNOWN=deny); ask an admin to add you` };
    }
    return { name: value };
  }

  return {
    async start(returnTo) {
      const safe = safeReturnTo(returnTo);
      const { url, secrets } = await deps.provider.begin();
      const browser = randomBytes(24).toString('base64url');
      const now = deps.clock.now();
      await store.insertLogin(deps.db, {
        stateHash: hash(secrets.state), browserHash: hash(browser), codeVerifier: secrets.codeVerifier, nonce: secrets.nonce,
        returnTo: safe, expiresAt: new Date(now.getTime() + LOGIN_TTL_MS),
      }, now);
      return { url, browser };
    },

    async finish({ query, browser, address }) {
      const params = new URLSearchParams(query);
      const state = params.get('state');
      // Taken whatever follows: a callback is good once, even one that then fails.
      const login = state ? await store.takeLogin(deps.db, hash(state), deps.clock.now()) : null;
      if (!login || browser === undefined || hash(browser) !== login.browserHash) {
        return refuse('expired', 'this sign-in is unknown, was already used, took longer than 10 minutes, or was started in another browser; sign in again', { address });
      }
      let claims: IdentityClaims;
      try {
        const callbackUrl = new URL(options.redirectUri);
        callbackUrl.search = params.toString();
        claims = await deps.provider.finish(callbackUrl, { state: state!, nonce: login.nonce, codeVerifier: login.codeVerifier });
      } catch (error) {
        if (!(error instanceof IdentityError)) throw error;
        const reason = error.kind === 'unavailable' ? 'unavailable' : 'provider';
        return refuse(reason, `the sign-in with the OIDC provider did not succeed: ${error.message}`, { address });
      }
      const person = await personOf(claims);
      if ('refusal' in person) return refuse(person.refusal, person.message, { person: person.person, address });
      const session = await deps.auth.createPersonSession(person.name);
      await audit({ outcome: 'success', person: person.name, role: roleOf(session.principal), address });
      return { ok: true, session, returnTo: login.returnTo };
    },
  };
}
