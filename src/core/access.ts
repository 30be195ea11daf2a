/**
 * Access: what a route needs before its handler runs. Every route declares one of these next to
 * its schema (`config: { access }`); the app refuses to start when a route declares none.
 *
 * - `public`: anyone, signed in or not (liveness, the app's files, signing in).
 * - the token scopes (`read`, `builds:write`, `deployments:write`, `approvals:write`, `admin`):
 *   a signed-in caller whose token (or session) carries that scope. What a caller may do to a
 *   particular team's deployment is decided again by the service, on the resource.
 */
export const SCOPES = ['read', 'builds:write', 'deployments:write', 'approvals:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export type Access = 'public' | Scope;
