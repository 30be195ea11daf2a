/**
 * Webhook subscriptions and their delivery log (contract §10). The subscription's secret is
 * stored as is — delivery signs with it — and read only by `enabledSubscriptions` (for the
 * sinks) and `insertSubscription` (to show it once): every other read leaves it out.
 */
import type { EventType } from '../core/events.ts';
import type { Queryable } from './db.ts';

export interface WebhookRecord {
  id: string;
  url: string;
  /** The event types delivered; null: every type. */
  types: EventType[] | null;
  description: string | null;
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
  disabledReason: string | null;
}

/** A subscription as delivery needs it: with the secret it signs with. */
export interface WebhookTarget extends WebhookRecord {
  secret: string;
}

export interface DeliveryRecord {
  id: string;
  subscriptionId: string;
  eventId: string;
  /** 1 for the first try of this event to this subscription. */
  attempt: number;
  at: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** One try, as a sink reports it (integrations/sinks/port.ts SinkTry; store imports only core). */
export interface DeliveryTry {
  eventId: string;
  at: Date;
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

interface SubscriptionRow {
  id: string; url: string; types: EventType[] | null; description: string | null; created_by: string; created_at: Date;
  disabled_at: Date | null; disabled_reason: string | null;
}
const COLUMNS = 'id, url, types, description, created_by, created_at, disabled_at, disabled_reason';

function subscription(r: SubscriptionRow): WebhookRecord {
  return {
    id: r.id, url: r.url, types: r.types, description: r.description, createdBy: r.created_by, createdAt: r.created_at.toISOString(),
    disabledAt: r.disabled_at?.toISOString() ?? null, disabledReason: r.disabled_reason,
  };
}

export interface NewSubscription {
  id: string;
  url: string;
  types: readonly EventType[] | null;
  description: string | null;
  secret: string;
  createdBy: string;
}

export async function insertSubscription(tx: Queryable, s: NewSubscription, now: Date): Promise<WebhookTarget> {
  const [row] = await tx.query<SubscriptionRow & { secret: string }>(
    `INSERT INTO webhook_subscriptions (id, url, types, description, secret, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}, secret`,
    [s.id, s.url, s.types === null ? null : JSON.stringify(s.types), s.description, s.secret, s.createdBy, now],
  );
  return { ...subscription(row), secret: row.secret };
}

export async function getSubscription(q: Queryable, id: string): Promise<WebhookRecord | null> {
  const [row] = await q.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE id = $1`, [id]);
  return row ? subscription(row) : null;
}

/** Where a page of a newest-first list ends: the last item's time (ISO 8601, to the microsecond) and id. */
export type TimeKey = [string, string];

export async function listSubscriptions(q: Queryable, f: { limit: number; before?: TimeKey }): Promise<{ items: WebhookRecord[]; next: TimeKey | null }> {
  const rows = await q.query<SubscriptionRow & { key_time: string }>(
    `SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key_time FROM webhook_subscriptions
      WHERE ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
      ORDER BY created_at DESC, id DESC LIMIT $1`,
    [f.limit + 1, f.before?.[0] ?? null, f.before?.[1] ?? null],
  );
  const kept = rows.slice(0, f.limit);
  const last = kept.at(-1);
  return { items: kept.map(subscription), next: rows.length > f.limit && last ? [last.key_time, last.id] : null };
}

/** The subscriptions delivery serves (one sink each), with their secrets; oldest first. */
export async function enabledSubscriptions(q: Queryable): Promise<WebhookTarget[]> {
  const rows = await q.query<SubscriptionRow & { secret: string }>(
    `SELECT ${COLUMNS}, secret FROM webhook_subscriptions WHERE disabled_at IS NULL ORDER BY created_at, id`,
  );
  return rows.map((r) => ({ ...subscription(r), secret: r.secret }));
}

/** Deletes a subscription and its delivery log; null when there was none. */
export async function deleteSubscription(tx: Queryable, id: string): Promise<WebhookRecord | null> {
  const [row] = await tx.query<SubscriptionRow>(`DELETE FROM webhook_subscriptions WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
  return row ? subscription(row) : null;
}

/**
 * Stops delivering to a subscription (delivery gave up on it), saying why; null when it is
 * unknown or already disabled (the first reason stands).
 */
export async function disableSubscription(tx: Queryable, id: string, reason: string, now: Date): Promise<WebhookRecord | null> {
  const [row] = await tx.query<SubscriptionRow>(
    `UPDATE webhook_subscriptions SET disabled_at = $2, disabled_reason = $3 WHERE id = $1 AND disabled_at IS NULL RETURNING ${COLUMNS}`,
    [id, now, reason],
  );
  return row ? subscription(row) : null;
}

/**
 * Appends a sink's tries to the subscription's delivery log, numbering each event's attempts. A
 * subscription deleted meanwhile records nothing (its log is gone with it): delivery of a batch
 * that raced a DELETE must not fail on it. Error texts are cut to 2,000 characters.
 */
export async function recordDeliveries(tx: Queryable, subscriptionId: string, tries: readonly DeliveryTry[]): Promise<void> {
  for (const t of tries) {
    await tx.query(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, attempt, at, ok, status, error, duration_ms)
       SELECT s.id, $2, (SELECT count(*) + 1 FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.event_id = $2), $3, $4, $5, $6, $7
         FROM webhook_subscriptions s WHERE s.id = $1`,
      [subscriptionId, t.eventId, t.at, t.ok, t.status ?? null, t.error?.slice(0, 2000) ?? null, Math.max(0, Math.round(t.durationMs))],
    );
  }
}

interface DeliveryRow {
  id: number; subscription_id: string; event_id: string; attempt: number; at: Date; ok: boolean; status: number | null; error: string | null; duration_ms: number;
}

/** A subscription's tries, newest first, before the try `before` (an id seen last). */
export async function listDeliveries(q: Queryable, f: { subscriptionId: string; limit: number; before?: number }): Promise<{ items: DeliveryRecord[]; next: number | null }> {
  const rows = await q.query<DeliveryRow>(
    `SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [f.subscriptionId, f.before ?? null, f.limit + 1],
  );
  const kept = rows.slice(0, f.limit);
  return {
    items: kept.map((r) => ({
      id: String(r.id), subscriptionId: r.subscription_id, eventId: r.event_id, attempt: r.attempt, at: r.at.toISOString(), ok: r.ok,
      status: r.status, error: r.error, durationMs: r.duration_ms,
    })),
    next: rows.length > f.limit ? Number(kept.at(-1)!.id) : null,
  };
}
