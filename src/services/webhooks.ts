/**
 * Webhook subscriptions (contract §7, §10): admins subscribe a URL to DCP's events (all, or some
 * types); delivery (engine/delivery.ts) posts each event there as a signed CloudEvent and logs
 * every try. A subscription's secret (`whsec_…`) is made here and returned once, by `create`.
 *
 * A URL is refused unless it is http(s) without credentials in it, and not DCP itself: its public
 * origin (DCP_PUBLIC_URL) or the address it listens on — DCP posting its own events to its own
 * API would at best be refused and at worst loop. Other loopback ports stay allowed (a receiver
 * next to DCP; the tests' receivers). A name that resolves to DCP is not caught (that needs DNS at
 * delivery time, and a network policy does it better).
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../core/access.ts';
import type { Clock } from '../core/clock.ts';
import { InputError, NotFoundError } from '../core/errors.ts';
import { EVENT_TYPES, type EventType } from '../core/events.ts';
import type { IdGenerator } from '../shared/ids.ts';
import type { Db } from '../store/db.ts';
import * as store from '../store/webhooks.ts';
import { appendPlatformEvent } from '../store/events.ts';
import { deleteCursor, ensureCursor } from '../store/sinks.ts';
import type { AuditService, Caller } from './audit.ts';
import { authorize } from './auth.ts';

export type { DeliveryRecord, WebhookRecord } from '../store/webhooks.ts';

export interface WebhookRequest {
  url: string;
  types?: string[];
  description?: string;
}

/** Where DCP itself is: its public URL and the address it listens on (the port once listening). */
export interface SelfAddress {
  publicUrl: string;
  host: string;
  port: number;
}

export interface WebhookService {
  /** Subscribes (audited); the secret is returned this once. */
  create(caller: Caller, request: WebhookRequest): Promise<{ webhook: store.WebhookRecord; secret: string }>;
  list(principal: Principal | null, page: { limit: number; before?: store.TimeKey }): Promise<{ items: store.WebhookRecord[]; next: store.TimeKey | null }>;
  /** Unsubscribes, deleting the delivery log with it (audited). */
  remove(caller: Caller, id: string): Promise<store.WebhookRecord>;
  deliveries(principal: Principal | null, id: string, page: { limit: number; before?: number }): Promise<{ items: store.DeliveryRecord[]; next: number | null }>;

  // For the outbox's delivery (engine/delivery.ts, wired in main.ts): not routes.
  /** The enabled subscriptions, with their signing secrets. */
  targets(): Promise<store.WebhookTarget[]>;
  /** Appends a delivery call's tries to the subscription's delivery log. */
  recordTries(subscriptionId: string, tries: readonly store.DeliveryTry[]): Promise<void>;
  /** Disables a subscription that has failed for too long (audited as DCP's own act; a WebhookSubscriptionDisabled event says so). */
  disable(subscriptionId: string, reason: string): Promise<void>;
}

/** The outbox sink of a subscription (engine/delivery.ts keeps its cursor under this name). */
export const webhookSinkName = (id: string): string => `webhook:${id}`;

/** DCP itself, as the audit trail names it when it disables a failing subscription. */
const DELIVERY_CALLER = (): Caller => ({
  principal: { kind: 'service', name: 'dcp-delivery', teams: [], groups: [], admin: false, scopes: [], team: null, tokenId: null, sessionId: null },
  action: 'webhook.disable', address: null, userAgent: null, audited: false,
});

/** A new signing secret: `whsec_` and 192 random bits, base64 (the Standard Webhooks form). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

const WILDCARD = new Set(['0.0.0.0', '[::]', '::']);

/** Whether a URL's host is this machine (any name or address a connection from DCP would reach itself at). */
function isLocal(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\./.test(hostname) || hostname === '[::1]'
    || hostname === '[::ffff:7f00:1]' || /^\[::ffff:127\./.test(hostname) || WILDCARD.has(hostname);
}

const portOf = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/** Why `url` may not be a subscription's, or null when it may. */
export function refuseUrl(text: string, self: SelfAddress): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be http or https, not ${url.protocol.replace(/:$/, '')}`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials (user:password@); receivers verify the signature instead';
  if (url.hostname === '') return 'must name a host';
  let publicOrigin: string | null = null;
  try {
    publicOrigin = new URL(self.publicUrl).origin;
  } catch {
    publicOrigin = null;
  }
  const itself = 'points at DCP itself; a subscriber must be another service';
  if (url.origin === publicOrigin) return itself;
  if (portOf(url) === self.port) {
    const host = self.host.includes(':') && !self.host.startsWith('[') ? `[${self.host}]` : self.host.toLowerCase();
    if (url.hostname === host) return itself;
    if (isLocal(url.hostname) && (isLocal(host) || WILDCARD.has(host))) return itself;
  }
  return null;
}

function typesOf(types: string[] | undefined): EventType[] | null {
  if (types === undefined) return null;
  const known = new Set<string>(EVENT_TYPES);
  const unknown = types.filter((t) => !known.has(t));
  if (unknown.length > 0) {
    throw new InputError(`unknown event types: ${unknown.join(', ')}`, [{ field: 'types', message: `unknown event types ${unknown.join(', ')}; known: ${EVENT_TYPES.join(', ')}` }]);
  }
  if (types.length === 0) throw new InputError('no event types', [{ field: 'types', message: 'name at least one event type, or leave types out for all' }]);
  return [...new Set(types)] as EventType[];
}

export function createWebhookService(deps: {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  self: () => SelfAddress;
  /** After a commit that wrote an event (the relay positions it). */
  onCommitted?: () => void;
}): WebhookService {
  const { db, clock } = deps;
  return {
    async create(caller, request) {
      const by = authorize(caller.principal, 'webhooks:manage').name;
      const refused = refuseUrl(request.url, deps.self());
      if (refused) throw new InputError(`bad url: ${refused}`, [{ field: 'url', message: refused }]);
      const types = typesOf(request.types);
      const secret = newWebhookSecret();
      const made = await db.transaction(async (tx) => {
        const row = await store.insertSubscription(tx, {
          id: deps.ids(), url: request.url, types, description: request.description ?? null, secret, createdBy: by,
        }, clock.now());
        // It gets every event from now on: its place in the log is taken with it.
        await ensureCursor(tx, webhookSinkName(row.id), clock.now());
        // The origin only: a URL's path or query may hold the receiver's own token. Never the secret.
        await deps.audit.record(tx, caller, `webhooks/${row.id}`, { origin: new URL(row.url).origin, types: row.types });
        return row;
      });
      const { secret: _secret, ...webhook } = made;
      return { webhook, secret };
    },

    async list(principal, page) {
      authorize(principal, 'webhooks:manage');
      return store.listSubscriptions(db, page);
    },

    async remove(caller, id) {
      authorize(caller.principal, 'webhooks:manage');
      return db.transaction(async (tx) => {
        const gone = await store.deleteSubscription(tx, id);
        if (!gone) throw new NotFoundError(`no webhook subscription with id ${id}`);
        await deleteCursor(tx, webhookSinkName(id));
        await deps.audit.record(tx, caller, `webhooks/${id}`, { origin: new URL(gone.url).origin });
        return gone;
      });
    },

    targets: () => store.enabledSubscriptions(db),
    recordTries: (subscriptionId, tries) => db.transaction((tx) => store.recordDeliveries(tx, subscriptionId, tries)),
    async disable(subscriptionId, reason) {
      const disabled = await db.transaction(async (tx) => {
        const now = clock.now();
        const record = await store.disableSubscription(tx, subscriptionId, reason, now);
        if (!record) return false;
        await deps.audit.record(tx, DELIVERY_CALLER(), `webhooks/${subscriptionId}`, { reason });
        // Said on every other sink (and in the log): the subscriber's owner learns why deliveries stopped.
        await appendPlatformEvent(tx, {
          id: deps.ids(), type: 'WebhookSubscriptionDisabled', time: now, subject: `webhooks/${subscriptionId}`,
          data: { subscriptionId, origin: new URL(record.url).origin, reason },
        });
        return true;
      });
      if (disabled) deps.onCommitted?.();
    },

    async deliveries(principal, id, page) {
      authorize(principal, 'webhooks:manage');
      if (!(await store.getSubscription(db, id))) throw new NotFoundError(`no webhook subscription with id ${id}`);
      return store.listDeliveries(db, { subscriptionId: id, ...page });
    },
  };
}
