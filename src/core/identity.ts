/**
 * The identity provider port: signing a person in with OpenID Connect (authorization code with
 * PKCE, state and nonce). The adapter (integrations/identity/openid-client.ts) speaks the
 * protocol; services/oidc.ts keeps the login's secrets between the two requests and maps the
 * person to the catalog. Types only: core does no I/O.
 */

/** The per-login secrets: sent (state, the nonce, the code challenge) and kept (all three). */
export interface LoginSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The claims of a verified ID token (and, if the provider has one, its userinfo). */
export type IdentityClaims = Readonly<Record<string, unknown>>;

export interface IdentityProvider {
  /** New secrets and the provider's authorization URL carrying them (discovers the provider on first use). */
  begin(): Promise<{ url: string; secrets: LoginSecrets }>;
  /**
   * Finishes a login from the callback URL the browser brought back: checks the state, redeems the
   * code with the verifier, verifies the ID token (signature, issuer, audience, expiry, nonce).
   * Throws IdentityError when the provider refused or anything does not verify.
   */
  finish(callbackUrl: URL, secrets: LoginSecrets): Promise<IdentityClaims>;
}

/** A sign-in the provider refused or that did not verify; the message names why (never a secret). */
export class IdentityError extends Error {
  /** `unavailable`: the provider could not be reached; `refused`: it answered with an error, or its answer did not verify. */
  readonly kind: 'unavailable' | 'refused';
  constructor(kind: 'unavailable' | 'refused', message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}
