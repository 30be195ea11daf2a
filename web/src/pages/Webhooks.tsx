/**
 * Webhooks (admins only): the subscriptions, making one (its signing secret shown once), deleting
 * one, each one's delivery log; and the health of every sink of the outbox (NATS, each
 * subscription, Slack), so that a sink that keeps failing is seen with its error.
 *
 * Sink health is not pushed live (delivery runs after the event, with its own retries): it is
 * loaded again when events arrive on the live stream, and by Refresh.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { btn } from '../components/Button.tsx';
import { Chip } from '../components/Chip.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorNote, Loading, Note } from '../components/ErrorNote.tsx';
import { Choices, Field } from '../components/Field.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { SecretOnce } from '../components/SecretOnce.tsx';
import { Badge } from '../components/StatusBadge.tsx';
import { Time } from '../components/Time.tsx';
import { useBatcher, useLiveEvents, useResource, useTitle } from '../hooks.ts';
import { usePaged } from '../paging.ts';
import { EVENT_TYPES, type EventType, type NewWebhook, type Sink, type Webhook } from '../types.ts';
import { useAction } from '../useAction.ts';
import table from '../components/DataTable.module.css';
import styles from './Webhooks.module.css';

function WebhookForm({ onCreated }: { onCreated: (webhook: NewWebhook) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(true);
  const [types, setTypes] = useState<EventType[]>([]);
  const [local, setLocal] = useState<Record<string, string>>({});

  const create = useAction(async () => {
    const webhook = await api.createWebhook({
      url: url.trim(),
      ...(all ? {} : { types }),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
    setUrl('');
    setDescription('');
    setAll(true);
    setTypes([]);
    onCreated(webhook);
  });
  const server = create.fieldErrors;
  const typesError = local.types ?? Object.entries(server).find(([k]) => k.startsWith('types'))?.[1];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!url.trim()) missing.url = 'Enter the receiver\'s URL, e.g. https://hooks.example.com/dcp.';
    else if (!/^https?:\/\//i.test(url.trim())) missing.url = 'The URL must start with http:// or https://.';
    if (!all && types.length === 0) missing.types = 'Choose at least one event type, or deliver all of them.';
    setLocal(missing);
    create.reset();
    if (Object.keys(missing).length === 0) void create.run();
  };

  return (
    <form className={`${layout.panel} ${styles.form}`} onSubmit={submit} noValidate aria-labelledby="webhook-form-title">
      <h2 id="webhook-form-title">Subscribe a URL</h2>
      <p className="muted small">DCP POSTs each event there as a CloudEvent, signed per Standard Webhooks; a refused delivery is retried with backoff for a day.</p>
      <Field label="URL" error={local.url ?? server.url}>
        <input type="text" inputMode="url" autoComplete="off" spellCheck={false} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/dcp" maxLength={2000} className="mono" />
      </Field>
      <Field label="Description (optional)" error={server.description}>
        <input type="text" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="e.g. the release dashboard" maxLength={2000} />
      </Field>
      <label className={styles.all}>
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Every event type
      </label>
      {!all && (
        <Choices
          legend="Event types"
          options={EVENT_TYPES}
          chosen={(t) => types.includes(t as EventType)}
          onToggle={(t, on) => setTypes((list) => EVENT_TYPES.filter((x) => (x === t ? on : list.includes(x))))}
          error={typesError}
        />
      )}
      <ErrorNote error={create.error} />
      <button type="submit" className={btn('primary')} disabled={create.busy}>
        Subscribe
      </button>
    </form>
  );
}

/** The new subscription's signing secret, once. */
function Secret({ webhook, onDone }: { webhook: NewWebhook; onDone: () => void }) {
  return (
    <SecretOnce
      title={<>Subscribed {webhook.url}</>}
      warning={<>
        <strong>This is the only time you will see the signing secret.</strong> Give it to the receiver now: it verifies the{' '}
        <code className="mono">webhook-signature</code> header with it. DCP cannot show it again.
      </>}
      label="Signing secret"
      secret={webhook.secret}
      testId="new-webhook"
      onDone={onDone}
    />
  );
}

function SinkHealth({ sinks, webhooks }: { sinks: Sink[]; webhooks: Map<string, Webhook> }) {
  return (
    <div className={table.scroll}>
      <table className={table.table}>
        <thead>
          <tr>
            <th scope="col">Sink</th>
            <th scope="col">State</th>
            <th scope="col">Last error</th>
            <th scope="col">Behind</th>
            <th scope="col">Delivered</th>
            <th scope="col">Last delivered</th>
          </tr>
        </thead>
        <tbody>
          {sinks.map((s) => {
            const hook = s.webhookId ? webhooks.get(s.webhookId) : undefined;
            return (
              <tr key={s.name} data-testid="sink">
                <th scope="row">
                  <span className={styles.kind}>{s.kind}</span>
                  <div className={`mono small ${styles.url}`}>{hook ? hook.url : s.name}</div>
                </th>
                <td>
                  {hook?.disabledAt ? (
                    <Badge tone="off" testId="sink-state">Disabled</Badge>
                  ) : s.failing ? (
                    <Badge tone="bad" testId="sink-state">Failing</Badge>
                  ) : (
                    <Badge tone="ok" testId="sink-state">Healthy</Badge>
                  )}
                  {s.failing && s.failingSince && (
                    <div className="muted small">
                      since <Time iso={s.failingSince} />
                    </div>
                  )}
                  {s.failing && s.nextAttemptAt && !hook?.disabledAt && (
                    <div className="muted small">
                      {s.attempts} {s.attempts === 1 ? 'try' : 'tries'}; next <Time iso={s.nextAttemptAt} />
                    </div>
                  )}
                </td>
                <td className={styles.error} data-testid="sink-error">
                  {s.lastError ? (
                    <>
                      <span className={s.failing ? undefined : 'muted'}>{s.lastError}</span>
                      {s.lastErrorAt && (
                        <div className="muted small">
                          <Time iso={s.lastErrorAt} />
                        </div>
                      )}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-testid="sink-lag">
                  {s.lag} {s.lag === 1 ? 'event' : 'events'}
                </td>
                <td>{s.delivered}</td>
                <td>{s.lastDeliveredAt ? <Time iso={s.lastDeliveredAt} /> : <span className="muted">never</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function DeliveryLog({ webhook, refresh, onClose }: { webhook: Webhook; refresh: number; onClose: () => void }) {
  const log = usePaged((cursor, signal) => api.deliveries(webhook.id, cursor, signal), [webhook.id, refresh]);
  return (
    <section aria-labelledby="log-title" className={layout.section} aria-busy={log.loading} data-testid="delivery-log">
      <div className={styles.sectionHead}>
        <h2 id="log-title">
          Delivery log <span className={`mono ${styles.logUrl}`}>{webhook.url}</span>
        </h2>
        <button type="button" className={btn('ghost', 'small')} onClick={onClose}>
          Close the log
        </button>
      </div>
      <ErrorNote error={log.error} onRetry={log.reload} />
      {!log.loaded && !log.error && <Loading />}
      {log.loaded && log.items.length === 0 && <p className={layout.empty}>Nothing delivered yet: the subscription gets the events that happen after it was made.</p>}
      {log.items.length > 0 && (
        <div className={table.scroll}>
          <table className={table.table}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Outcome</th>
                <th scope="col">Status</th>
                <th scope="col">Error</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((d) => (
                <tr key={d.id} data-testid="delivery">
                  <td className={styles.nowrap}>
                    <Time iso={d.at} />
                  </td>
                  <td className="mono small">{d.eventId}</td>
                  <td>{d.attempt}</td>
                  <td>
                    <Badge tone={d.ok ? 'ok' : 'bad'} testId="delivery-outcome">
                      {d.ok ? 'Delivered' : 'Failed'}
                    </Badge>
                  </td>
                  <td data-testid="delivery-status">{d.status === null ? <span className="muted">no answer</span> : `HTTP ${d.status}`}</td>
                  <td className={styles.error}>{d.error ?? <span className="muted">—</span>}</td>
                  <td className={styles.nowrap}>{d.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNote error={log.more.error} />
      {log.hasMore && (
        <button type="button" className={`${btn()} ${styles.more}`} onClick={() => void log.more.run()} disabled={log.more.busy}>
          {log.more.busy ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}

export default function Webhooks() {
  useTitle('Webhooks');
  const webhooks = usePaged((cursor, signal) => api.webhooks(cursor, signal), []);
  const sinks = useResource((signal) => api.sinks(signal), []);
  const [created, setCreated] = useState<NewWebhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [shown, setShown] = useState<Webhook | null>(null);
  const [refresh, setRefresh] = useState(0);
  const reloadAll = () => {
    sinks.reload();
    setRefresh((n) => n + 1);
  };
  // New events mean deliveries: look again, a few at a time.
  const soon = useBatcher(() => reloadAll(), 1000, 3000);
  useLiveEvents(() => soon('event'));
  const refreshAll = () => {
    webhooks.reload();
    reloadAll();
  };
  const forbidden = webhooks.error instanceof ApiError && webhooks.error.status === 403;
  const byId = new Map(webhooks.items.map((w) => [w.id, w]));

  const remove = useAction(async (webhook: Webhook) => {
    await api.deleteWebhook(webhook.id);
    setDeleting(null);
    if (shown?.id === webhook.id) setShown(null);
    webhooks.reload();
    sinks.reload();
  });

  if (forbidden) {
    return (
      <div className={layout.page}>
        <PageHead title="Webhooks" />
        <Note tone="info">Only admins can manage webhook subscriptions. Ask a DCP admin to subscribe your service to DCP&apos;s events.</Note>
      </div>
    );
  }

  return (
    <div className={`${layout.page} ${layout.wide}`}>
      <PageHead
        title="Webhooks"
        actions={
          <button type="button" className={btn()} onClick={refreshAll}>
            Refresh
          </button>
        }
      >
        Subscriptions to DCP&apos;s events, each one&apos;s delivery log, and how delivery to every sink goes. A subscription&apos;s signing secret is shown once,
        when it is made.
      </PageHead>
      <div className={`${layout.columns} ${layout.aside}`}>
        <div>
          {created && <Secret webhook={created} onDone={() => setCreated(null)} />}
          <section aria-labelledby="sinks-title" className={layout.section} aria-busy={sinks.loading} data-testid="sinks">
            <h2 id="sinks-title">Delivery</h2>
            <p className="muted small">Every sink of the outbox: NATS, each subscription, Slack. A failing sink is retried with backoff; nothing is lost meanwhile.</p>
            <ErrorNote error={sinks.error} onRetry={sinks.reload} />
            {!sinks.data && !sinks.error && <Loading />}
            {sinks.data && sinks.data.items.length === 0 && <p className={layout.empty}>No sinks: no subscription, and no NATS configured.</p>}
            {sinks.data && sinks.data.items.length > 0 && <SinkHealth sinks={sinks.data.items} webhooks={byId} />}
          </section>
          <section aria-labelledby="webhooks-title" className={layout.section} aria-busy={webhooks.loading} data-testid="webhooks">
            <h2 id="webhooks-title">Subscriptions</h2>
            <ErrorNote error={webhooks.error} onRetry={webhooks.reload} />
            {!webhooks.loaded && !webhooks.error && <Loading />}
            {webhooks.loaded && webhooks.items.length === 0 && <p className={layout.empty}>No subscriptions yet.</p>}
            {webhooks.items.length > 0 && (
              <div className={table.scroll}>
                <table className={table.table}>
                  <thead>
                    <tr>
                      <th scope="col">URL</th>
                      <th scope="col">Events</th>
                      <th scope="col">Description</th>
                      <th scope="col">Created</th>
                      <th scope="col">State</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {webhooks.items.map((w) => (
                      <tr key={w.id} data-testid="webhook" className={shown?.id === w.id ? styles.selected : undefined}>
                        <th scope="row" className={`mono small ${styles.url}`}>
                          {w.url}
                        </th>
                        <td>
                          {w.types === null ? (
                            <span className="muted">all</span>
                          ) : (
                            <span className={styles.chips}>
                              {w.types.map((t) => (
                                <Chip key={t}>{t}</Chip>
                              ))}
                            </span>
                          )}
                        </td>
                        <td>{w.description ?? <span className="muted">—</span>}</td>
                        <td>
                          <Time iso={w.createdAt} />
                          <div className="muted small">by {w.createdBy}</div>
                        </td>
                        <td>
                          {w.disabledAt ? (
                            <>
                              <Badge tone="off" testId="webhook-state">Disabled</Badge>
                              <div className="muted small">
                                <Time iso={w.disabledAt} />
                                {w.disabledReason && <>: {w.disabledReason}</>}
                              </div>
                            </>
                          ) : (
                            <Badge tone="ok" testId="webhook-state">Enabled</Badge>
                          )}
                        </td>
                        <td>
                          <span className={styles.actions}>
                            <button type="button" className={btn('ghost', 'small')} onClick={() => setShown(w)} aria-label={`Delivery log of ${w.url}`} aria-pressed={shown?.id === w.id}>
                              Delivery log
                            </button>
                            <button type="button" className={btn('danger', 'small')} onClick={() => setDeleting(w)} aria-label={`Delete ${w.url}`}>
                              Delete
                            </button>
                          </span>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <ErrorNote error={webhooks.more.error} />
            {webhooks.hasMore && (
              <button type="button" className={`${btn()} ${styles.more}`} onClick={() => void webhooks.more.run()} disabled={webhooks.more.busy}>
                {webhooks.more.busy ? 'Loading…' : 'Load more'}
              </button>
            )}
          </section>
          {shown && <DeliveryLog key={shown.id} webhook={shown} refresh={refresh} onClose={() => setShown(null)} />}
        </div>
        <WebhookForm
          onCreated={(webhook) => {
            setCreated(webhook);
            webhooks.reload();
            sinks.reload();
          }}
        />
      </div>
      {deleting && (
        <Dialog
          title="Delete this subscription?"
          onClose={() => {
            setDeleting(null);
            remove.reset();
          }}
          actions={
            <>
              <button type="button" className={btn()} onClick={() => setDeleting(null)}>
                Keep subscription
              </button>
              <button type="button" className={btn('dangerSolid')} onClick={() => void remove.run(deleting)} disabled={remove.busy}>
                Delete subscription
              </button>
            </>
          }
        >
          <p>
            Nothing more is delivered to <span className="mono">{deleting.url}</span>, and its delivery log is deleted with it. This cannot be undone;
            subscribe the URL again if you need it (it gets a new secret, and only the events from then on).
          </p>
          <ErrorNote error={remove.error} />
        </Dialog>
      )}
    </div>
  );
}
