/**
 * The composition root: the one place that picks implementations. `startDcp` wires a whole DCP
 * (tests start it in-process); running this file starts the server.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Clock } from './core/clock.ts';
import { ConfigError } from './core/errors.ts';
import { readSettings, type Settings } from './settings.ts';
import { buildApp } from './api/app.ts';
import { systemClock } from './shared/clocks.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { createIdGenerator } from './shared/ids.ts';
import { consoleLogger, type Logger } from './shared/logger.ts';
import { createRelay } from './engine/relay.ts';
import { createEmbeddedExecutor } from './integrations/executor/embedded.ts';
import { createArgoExecutor } from './integrations/executor/argo.ts';
import { createArgoClient } from './integrations/executor/argo-client.ts';
import type { Executor } from './integrations/executor/port.ts';
import { createSimulatedReleaseDriver } from './integrations/release/simulated.ts';
import { createCpcReleaseDriver } from './integrations/release/cpc.ts';
import { createHelmReleaseDriver } from './integrations/release/helm.ts';
import type { ReleaseDriver } from './integrations/release/port.ts';
import { createSimulatedScanProvider } from './integrations/scan/simulated.ts';
import { createHarborScanProvider } from './integrations/scan/harbor.ts';
import { createHttpScanProvider } from './integrations/scan/http.ts';
import type { ScanProvider } from './integrations/scan/port.ts';
import { createCheckRunner } from './integrations/checks/runner.ts';
import { createBuiltinChangeCaseProvider } from './integrations/changecases/builtin.ts';
import { createServiceNowChangeCaseProvider } from './integrations/changecases/servicenow.ts';
import type { ChangeCaseProvider } from './integrations/changecases/port.ts';
import { createOpenIdClientProvider } from './integrations/identity/openid-client.ts';
import { createNatsSink } from './integrations/sinks/nats.ts';
import type { EventSink } from './integrations/sinks/port.ts';
import { createSlackSink, type SlackContext } from './integrations/sinks/slack.ts';
import { startNatsBuildConsumer, type NatsBuildConsumer } from './integrations/bus/nats-builds.ts';
import { createBuildIntake } from './api/build-intake.ts';
import { createAuditService, type AuditService } from './services/audit.ts';
import { createAuthService, type AuthService } from './services/auth.ts';
import { createCatalogService } from './services/catalog.ts';
import { createConfigImportService } from './services/config-import.ts';
import { createCatalogSyncService, type CatalogSyncService } from './services/catalog-sync.ts';
import { createBackstageCatalogSource } from './integrations/catalog/backstage.ts';
import { createGitHubCatalogSource } from './integrations/catalog/github.ts';
import type { CatalogSource } from './core/catalog.ts';
import { getHttpCache, putHttpCache } from './store/catalog-sources.ts';
import { createDeploymentService, type DeploymentService } from './services/deployments.ts';
import { createEventService, type EventService } from './services/events.ts';
import { createGateService, type GateService } from './services/gates.ts';
import { createOidcService, type OidcService } from './services/oidc.ts';
import { createWebhookService, webhookSinkName, type WebhookService } from './services/webhooks.ts';
import { createDelivery, type Delivery } from './engine/delivery.ts';
import { createInstances } from './engine/instances.ts';
import { createWebhookSink } from './integrations/sinks/webhook.ts';
import { createSystemService } from './services/system.ts';
import { createSinkService } from './services/sinks.ts';
import { createWorkflowCallbackService } from './services/workflow-callbacks.ts';
import { createScanWebhookService, type HarborWebhook } from './services/scan-webhooks.ts';
import { harborSecretMatches, parseHarborScanWebhook } from './integrations/scan/harbor-webhook.ts';
import { SLACK_WINDOW_MS, createSlackDirectory, createSlackResponder, parseSlackInteraction, verifySlackSignature } from './integrations/slack/interactions.ts';
import { createSlackInteractionService, type SlackInteractions } from './services/slack-interactions.ts';
import type { Db } from './store/db.ts';
import { lockDataDir } from './store/datadir-lock.ts';
import { latestImport } from './store/catalog.ts';
import { putSlackMessage, setSlackChannelError, slackDeployment, slackMessages } from './store/slack.ts';
import { migrate } from './store/migrate.ts';
import { openPglite } from './store/pglite.ts';
import { openPostgres } from './store/postgres.ts';

/** The built app (`npm run build:web`); `npm start` builds it when it is missing or stale. */
const WEB_ROOT = fileURLToPath(new URL('../web/dist/', import.meta.url));
const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface DcpOptions {
  settings: Settings;
  clock?: Clock;
  /** An opened database (tests pass one made from a migrated snapshot); else opened from settings. */
  db?: Db;
  log?: Logger;
  httpLog?: boolean;
  /** Engine tuning (tests use short leases). */
  leaseMs?: number;
}

export interface Dcp {
  app: FastifyInstance;
  db: Db;
  engine: Engine;
  /** The outbox's delivery to its sinks (webhooks, NATS). */
  delivery: Delivery;
  deployments: DeploymentService;
  /** The event log and the live stream. */
  events: EventService;
  gates: GateService;
  auth: AuthService;
  clock: Clock;
  settings: Settings;
  /** A token generated at this start (shown once), or null. */
  generatedToken: string | null;
  /** The BuildCompleted consumer on NATS (DCP_NATS_URL), or null. */
  natsBuilds: NatsBuildConsumer | null;
  /** The catalog sources' sync (DCP_BACKSTAGE_*, DCP_GITHUB_*). */
  catalogSync: CatalogSyncService;
  listen(): Promise<string>;
  /**
   * SIGTERM: `/readyz` says 503, nothing new is claimed (builds from NATS included), and work in
   * flight has until DCP_DRAIN_TIMEOUT to finish; `stop` then hands back what is left.
   */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

const isMemory = (dataDir: string) => dataDir === 'memory://' || dataDir.startsWith('memory://');

async function openDatabase(settings: Settings): Promise<{ db: Db; unlock: () => void }> {
  if (settings.databaseUrl) return { db: await openPostgres(settings.databaseUrl), unlock: () => undefined };
  if (isMemory(settings.dataDir)) return { db: await openPglite({}), unlock: () => undefined };
  const unlock = lockDataDir(settings.dataDir);
  try {
    return { db: await openPglite({ dataDir: join(settings.dataDir, 'pgdata') }), unlock };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** Sign-in with OIDC when DCP_OIDC_ISSUER is set; else null (token sign-in only). */
function createOidc(settings: Settings, deps: { db: Db; clock: Clock; auth: AuthService; log: Logger }): OidcService | null {
  const oidc = settings.oidc;
  if (!oidc) return null;
  deps.log.info(`sign-in with OIDC: issuer ${oidc.issuer}, client ${oidc.clientId}, redirect URI ${oidc.redirectUri}, unknown people: ${oidc.unknown}`);
  const provider = createOpenIdClientProvider({
    issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret, scopes: oidc.scopes, redirectUri: oidc.redirectUri, claim: oidc.claim,
  });
  return createOidcService({ ...deps, provider, options: { redirectUri: oidc.redirectUri, claim: oidc.claim, unknown: oidc.unknown } });
}

function createChangeCaseProvider(settings: Settings): ChangeCaseProvider {
  if (settings.changeProvider === 'servicenow') {
    const sn = settings.servicenow!;
    return createServiceNowChangeCaseProvider({ baseUrl: sn.url, auth: sn.token ? { token: sn.token } : { user: sn.user!, password: sn.password! } });
  }
  return createBuiltinChangeCaseProvider();
}

/** DCP_SCAN_PROVIDER: settings.ts has checked that the chosen provider's settings are there. */
/** DCP_EXECUTOR: the embedded executor over the release driver (default), or Argo. */
function createExecutor(settings: Settings, deps: { clock: Clock; log: Logger }): Executor {
  const argo = settings.argo;
  if (settings.executor === 'argo' && argo) {
    deps.log.info(`executor: Argo at ${argo.url}, namespace ${argo.namespace}, templates ${argo.scanTemplate} and ${argo.phaseTemplate}; callbacks to ${settings.publicUrl}`);
    const client = createArgoClient({ url: argo.url, namespace: argo.namespace, token: argo.token });
    return createArgoExecutor({ client, scanTemplate: argo.scanTemplate, phaseTemplate: argo.phaseTemplate });
  }
  return createEmbeddedExecutor({ driver: createReleaseDriver(settings, deps) });
}

const WEBHOOK_SINK = webhookSinkName('');

/**
 * The sinks of the outbox, asked at every delivery pass: the fixed ones (NATS when
 * DCP_NATS_URL is set, Slack when DCP_SLACK_TOKEN is) and one per enabled webhook subscription (kept while it is unchanged).
 */
function eventSinks(webhooks: WebhookService, fixed: EventSink[], timeoutMs: number): () => Promise<EventSink[]> {
  const made = new Map<string, { key: string; sink: EventSink }>();
  return async () => {
    const sinks: EventSink[] = [...fixed];
    for (const target of await webhooks.targets()) {
      const key = JSON.stringify([target.url, target.types, target.secret]);
      let entry = made.get(target.id);
      if (entry?.key !== key) {
        entry = { key, sink: createWebhookSink({ id: target.id, url: target.url, secret: target.secret, types: target.types, timeoutMs }) };
        made.set(target.id, entry);
      }
      sinks.push(entry.sink);
    }
    return sinks;
  };
}

/** Harbor's SCANNING_COMPLETED webhook, when DCP_HARBOR_WEBHOOK_SECRET is set. */
function harborWebhook(settings: Settings): HarborWebhook | null {
  const secret = settings.harbor?.webhookSecret;
  if (!secret) return null;
  return { verify: (authorization) => harborSecretMatches(authorization, secret), parse: parseHarborScanWebhook };
}

/** Slack's side of the interactions endpoint, when DCP_SLACK_SIGNING_SECRET is set (users.info needs DCP_SLACK_TOKEN too). */
function slackInteractions(settings: Settings, log: Logger): SlackInteractions | null {
  const slack = settings.slack;
  if (!slack?.signingSecret) return null;
  const secret = slack.signingSecret;
  const directory = slack.token ? createSlackDirectory({ token: slack.token, apiUrl: slack.apiUrl }) : null;
  const responder = createSlackResponder({ apiUrl: slack.apiUrl, warn: (message) => log.warn(message) });
  return {
    windowMs: SLACK_WINDOW_MS,
    verify: (input) => verifySlackSignature({ ...input, secret }),
    parse: parseSlackInteraction,
    emailOf: directory ? (userId) => directory.emailOf(userId) : null,
    reply: (url, text) => responder.reply(url, text),
  };
}

/**
 * The NATS JetStream event sink (contract §10) when DCP_NATS_URL is set, else null: for the
 * delivery of the outbox (engine/delivery.ts) to register under the name `nats`.
 */
export function natsSink(settings: Settings): (EventSink & { close(): Promise<void> }) | null {
  if (!settings.nats) return null;
  return createNatsSink({ servers: settings.nats.servers, stream: settings.nats.stream });
}

/**
 * The Slack sink (contract §10) when DCP_SLACK_TOKEN is set, else null: its context reads the
 * deployments and keeps its messages in this database.
 */
export function slackSink(settings: Settings, deps: { db: Db; clock: Clock; log: Logger }): EventSink | null {
  const slack = settings.slack;
  if (!slack?.token) return null;
  const { db, clock } = deps;
  const context: SlackContext = {
    deployment: (id) => slackDeployment(db, id, settings.publicUrl),
    messages: {
      get: (deploymentId) => slackMessages(db, deploymentId),
      put: (deploymentId, message) => putSlackMessage(db, deploymentId, message, clock.now()),
    },
    channelError: (team, error) => setSlackChannelError(db, team, error, clock.now()),
  };
  deps.log.info(`Slack: notifications through ${slack.apiUrl}; links to ${settings.publicUrl}`);
  return createSlackSink({ token: slack.token, apiUrl: slack.apiUrl, context, log: deps.log });
}

/**
 * The external catalog sources, highest precedence first: Backstage (DCP_BACKSTAGE_URL), then
 * GitHub (DCP_GITHUB_ORG); the config folder ranks after them (docs/decisions.md).
 */
export function catalogSources(settings: Settings, deps: { db: Db; clock: Clock; log: Logger }): CatalogSource[] {
  const sources: CatalogSource[] = [];
  const { backstage, github } = settings.catalog;
  if (backstage) {
    deps.log.info(`catalog: Backstage at ${backstage.url} (services: ${backstage.filter})`);
    sources.push(createBackstageCatalogSource({ url: backstage.url, token: backstage.token, filter: backstage.filter }));
  }
  if (github) {
    deps.log.info(`catalog: GitHub organisation ${github.org} at ${github.url}`);
    sources.push(createGitHubCatalogSource({
      url: github.url, token: github.token, org: github.org, clock: deps.clock,
      cache: { get: (url) => getHttpCache(deps.db, 'github', url), put: (url, etag, body) => putHttpCache(deps.db, 'github', url, etag, body) },
      onRateLimit: (until) => deps.log.warn(`catalog: GitHub's rate limit is spent; waiting until ${until.toISOString()}`),
    }));
  }
  return sources;
}

/** BuildCompleted events from NATS (DCP_NATS_BUILDS_SUBJECT) into the same intake as POST /api/v1/builds. */
function startNatsBuilds(settings: Settings, deps: { deployments: DeploymentService; audit: AuditService; events: EventService; log: Logger }): NatsBuildConsumer | null {
  const nats = settings.nats;
  if (!nats) return null;
  deps.log.info(`BuildCompleted events from NATS ${nats.servers.join(', ')} on ${nats.buildsSubject}`);
  return startNatsBuildConsumer({
    servers: nats.servers,
    subject: nats.buildsSubject,
    handle: createBuildIntake({ ...deps, subject: nats.buildsSubject }),
    rejected: ({ reason, buildId, subject, seq, message }) =>
      deps.events.recordBuildRejected({ reason, buildId, busSubject: subject, streamSequence: seq }, message),
    log: deps.log,
  });
}

export function createScanProvider(settings: Settings, deps: { clock: Clock }): ScanProvider {
  if (settings.scanProvider === 'harbor') {
    const harbor = settings.harbor!;
    return createHarborScanProvider({ url: harbor.url, username: harbor.username ?? undefined, password: harbor.password ?? undefined, clock: deps.clock });
  }
  if (settings.scanProvider === 'http') {
    const api = settings.scanHttp!;
    return createHttpScanProvider({ url: api.url, token: api.token ?? undefined });
  }
  return createSimulatedScanProvider(deps);
}

/** DCP_RELEASE_DRIVER: the simulator (default), helm run by DCP, or each target's CPC. */
export function createReleaseDriver(settings: Settings, deps: { clock: Clock; log: Logger }): ReleaseDriver {
  if (settings.releaseDriver === 'cpc') {
    deps.log.info(`releases through each target's CPC (cpcEndpoint), polled every ${settings.cpc.pollMs} ms${settings.cpc.token ? ', with a bearer token' : ''}`);
    return createCpcReleaseDriver({ clock: deps.clock, token: settings.cpc.token, pollMs: settings.cpc.pollMs });
  }
  if (settings.releaseDriver === 'helm') {
    deps.log.info(`releases with ${settings.helm.bin} upgrade --install, timeout ${settings.helm.timeoutMs} ms`);
    return createHelmReleaseDriver({ bin: settings.helm.bin, timeoutMs: settings.helm.timeoutMs });
  }
  return createSimulatedReleaseDriver({ clock: deps.clock, executions: settings.simulatorExecutions ?? undefined });
}

export async function startDcp(options: DcpOptions): Promise<Dcp> {
  const { settings } = options;
  const log = options.log ?? consoleLogger;
  const clock = options.clock ?? systemClock;
  const ids = createIdGenerator(clock);
  const opened = options.db ? { db: options.db, unlock: () => undefined } : await openDatabase(settings);
  const { db } = opened;

  const applied = await migrate(db);
  if (applied.length > 0) log.info(`migrated the database: ${applied.join(', ')}`);

  const audit = createAuditService({ db, clock });
  const auth = createAuthService({ db, clock, ids, audit, sessions: { idleMs: settings.sessionIdleMs, absoluteMs: settings.sessionMaxMs } });
  const generatedToken = await auth.bootstrap(settings.bootstrapToken);
  if (generatedToken) {
    if (isMemory(settings.dataDir)) log.info(`admin token (in-memory database; shown once): ${generatedToken}`);
    else {
      const file = join(settings.dataDir, 'admin-token');
      writeFileSync(file, `${generatedToken}\n`, { mode: 0o600 });
      log.info(`generated the admin token; it is in ${file} (shown once): ${generatedToken}`);
    }
  }

  const sources = catalogSources(settings, { db, clock, log });
  const configImport = createConfigImportService({ db, clock, audit, configDir: settings.configDir, ownersElsewhere: sources.length > 0 });
  try {
    const result = await configImport.reload();
    log.info(`config ${result.changed ? 'imported' : 'unchanged'} from ${settings.configDir}`);
  } catch (error) {
    if (!(error instanceof ConfigError) || !(await latestImport(db))) throw error;
    log.error(`the config in ${settings.configDir} is invalid; running with the previous import: ${error.message}`);
  }

  const catalogSync = createCatalogSyncService({ db, clock, audit, log, sources, everyMs: settings.catalog.syncMs });
  await catalogSync.start();

  const relay = createRelay({ db, log });
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let kickDelivery: () => void = () => undefined; // the delivery, once it exists
  const instances = createInstances({
    db, clock, log, id: owner, host: hostname(), pid: process.pid, heartbeatMs: settings.heartbeatMs,
    onTakeover: () => {
      engine.wake();
      kickDelivery();
    },
  });
  const executor = createExecutor(settings, { clock, log });
  const scan = createScanProvider(settings, { clock });
  const engine = createEngine({
    db, clock, ids, log, executor, scan, leaseMs: options.leaseMs ?? settings.leaseMs,
    checks: createCheckRunner({ scan }),
    scanPollMs: settings.scanPollMs,
    workflows: { callbackUrl: `${settings.publicUrl.replace(/\/+$/, '')}/api/v1/workflow-callbacks`, reconcileMs: settings.argo?.reconcileMs ?? 30_000 },
    changeCases: createChangeCaseProvider(settings),
    publicUrl: settings.publicUrl,
    owner,
    onCommitted: relay.committed,
  });
  const deployments = createDeploymentService({ db, ids, engine, audit });
  const gates = createGateService({ db, clock, ids, engine, deployments, audit });
  await relay.start();

  let started = false;
  // Where DCP listens, for refusing webhooks that point at DCP itself (the port is known once listening: PORT=0 picks one).
  let listeningPort = settings.port;
  const webhooks = createWebhookService({ db, clock, ids, audit, self: () => ({ publicUrl: settings.publicUrl, host: settings.host, port: listeningPort }), onCommitted: relay.kick });
  const bus = natsSink(settings);
  const slack = slackSink(settings, { db, clock, log });
  const events = createEventService({ db, relay, clock, log, stream: settings.stream });
  const delivery = createDelivery({
    db, clock, log, owner,
    sinks: eventSinks(webhooks, [bus, slack].filter((sink) => sink !== null), settings.webhookTimeoutMs),
    onTries: async (sink, tries) => {
      if (sink.startsWith(WEBHOOK_SINK)) await webhooks.recordTries(sink.slice(WEBHOOK_SINK.length), tries);
    },
    // A webhook subscription failing for a day is disabled (contract §10); the bus and Slack are retried for as long as it takes.
    giveUp: { afterMs: 24 * 3600_000, applies: (sink) => sink.startsWith(WEBHOOK_SINK), handle: (sink, error) => webhooks.disable(sink.slice(WEBHOOK_SINK.length), `failing for a day: ${error}`) },
  });
  relay.subscribe(delivery.kick);
  kickDelivery = delivery.kick;
  const app = await buildApp(
    {
      auth, audit, deployments, gates, configImport, catalogSync,
      catalog: createCatalogService({ db, clock, audit }),
      events,
      system: createSystemService({ db, clock, engine, started: () => started }),
      oidc: createOidc(settings, { db, clock, auth, log }),
      workflowCallbacks: createWorkflowCallbackService({ db, clock, engine, audit }),
      scanWebhooks: createScanWebhookService({ db, engine, audit, harbor: harborWebhook(settings) }),
      webhooks,
      sinks: createSinkService({ db }),
      slackInteractions: createSlackInteractionService({ db, clock, auth, gates, audit, slack: slackInteractions(settings, log) }),
    },
    { logger: options.httpLog ? { level: settings.logLevel } : false, version: VERSION, webRoot: WEB_ROOT, trustProxy: settings.trustProxy },
  );
  // Work is claimed only now: building the app blocks the event loop for seconds on a busy
  // machine, and a replica claiming work and then missing its heartbeats meanwhile had its work
  // taken over while it ran it (found by the chaos test).
  await instances.start(); // before anything is claimed under this owner's name
  await engine.start();
  await delivery.start();
  started = true;
  const natsBuilds = startNatsBuilds(settings, { deployments, audit, events, log });
  let drained: Promise<void> | undefined;

  return {
    app, db, engine, delivery, deployments, events, gates, auth, clock, settings, generatedToken, natsBuilds, catalogSync,
    async listen() {
      const url = await app.listen({ port: settings.port, host: settings.host });
      const address = app.server.address();
      if (address && typeof address === 'object') listeningPort = address.port;
      return url;
    },
    drain() {
      drained ??= (async () => {
        instances.drain();
        // A build in hand is committed and acked (or nak'ed); no more are taken.
        await natsBuilds?.stop();
        const deadline = new Date(clock.now().getTime() + settings.drainMs);
        const left = await engine.drain(deadline);
        if (left > 0) log.warn(`drain: ${left} job(s) still in flight after ${settings.drainMs} ms; handing them back`);
        else log.info('drain: no work in flight');
      })();
      return drained;
    },
    async stop() {
      // First: a build in hand is committed and acked (or nak'ed) while the database is still open.
      await natsBuilds?.stop();
      await app.close();
      await catalogSync.stop();
      await delivery.stop();
      await bus?.close();
      await engine.stop();
      // Whatever is still leased under this process's name is free for the other replicas at once.
      await instances.stop();
      await relay.stop();
      if (!options.db) await db.close();
      opened.unlock();
    },
  };
}

async function main(): Promise<void> {
  const settings = readSettings();
  // Handled from the first moment: a SIGTERM while starting (a rolling update, a replica killed
  // early) stops the process cleanly once it is up, rather than ending it half-started.
  const up: { dcp?: Dcp } = {};
  let stopping: NodeJS.Signals | null = null;
  const shutdown = (signal: NodeJS.Signals) => {
    const running = up.dcp;
    if (!running) return; // once it is up
    consoleLogger.info(`${signal}: draining (up to ${settings.drainMs} ms), then stopping`);
    running.drain().then(() => running.stop()).then(() => process.exit(0), (error: Error) => {
      consoleLogger.error(error.message);
      process.exit(1);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = signal;
      shutdown(signal);
    });
  }
  const dcp = await startDcp({ settings, httpLog: true });
  const url = await dcp.listen();
  up.dcp = dcp;
  consoleLogger.info(`DCP ${VERSION} listening on ${url} (app: ${url}/, API docs: ${url}/docs)`);
  if (stopping) shutdown(stopping);
}

if (import.meta.main) {
  main().catch((error: Error) => {
    consoleLogger.error(error instanceof ConfigError ? `${error.message}\n${error.issues.map((i) => `  ${i.file ?? ''}${i.line ? `:${i.line}` : ''} ${i.field}: ${i.message}`).join('\n')}` : (error.stack ?? error.message));
    process.exit(1);
  });
}
