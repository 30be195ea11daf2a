/**
 * A fake Slack on loopback for the interactions endpoint: the Web API's `users.info` (as
 * @slack/web-api calls it: POST <slackApiUrl>users.info, form-encoded `user=U…`, a Bearer token)
 * over users registered with an email, and `response_url` receivers that record the ephemeral
 * replies. Signed request bodies are made by `sign`, as Slack makes them.
 * (test/fakes/slack.ts is the outgoing messages' fake; the two may merge.)
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackInteractions {
  /** DCP_SLACK_API_URL: `http://127.0.0.1:<port>/api/`. */
  apiUrl: string;
  token: string;
  addUser(id: string, email: string | null): void;
  /** A response_url on this server (the host DCP allows besides hooks.slack.com). */
  responseUrl(name: string): string;
  /** Replies received, by response_url name. */
  replies: { name: string; body: any }[];
  /** The user ids asked with users.info. */
  lookups: string[];
  /** Resolves once `n` replies have arrived. */
  waitForReplies(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSlackInteractions(token = 'xoxb-fake-token'): Promise<FakeSlackInteractions> {
  const users = new Map<string, string | null>();
  const replies: { name: string; body: any }[] = [];
  const lookups: string[] = [];
  let waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method === 'POST' && url.pathname === '/api/users.info') {
        if (req.headers.authorization !== `Bearer ${token}`) return send(200, { ok: false, error: 'invalid_auth' });
        const form = (req.headers['content-type'] ?? '').includes('json') ? new Map(Object.entries(JSON.parse(raw || '{}'))) : new URLSearchParams(raw);
        const id = String(form.get('user') ?? '');
        lookups.push(id);
        if (!users.has(id)) return send(200, { ok: false, error: 'user_not_found' });
        const email = users.get(id);
        return send(200, { ok: true, user: { id, name: id.toLowerCase(), profile: email ? { email } : {} } });
      }
      if (req.method === 'POST' && url.pathname.startsWith('/hooks/')) {
        replies.push({ name: url.pathname.slice('/hooks/'.length), body: JSON.parse(raw) });
        const ready = waiters;
        waiters = [];
        for (const w of ready) w();
        return send(200, { ok: true });
      }
      send(404, { ok: false, error: 'unknown_method' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    token,
    addUser: (id, email) => void users.set(id, email),
    responseUrl: (name) => `${base}/hooks/${name}`,
    replies,
    lookups,
    async waitForReplies(n) {
      const deadline = Date.now() + 5000;
      while (replies.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} Slack replies, got ${replies.length}: ${JSON.stringify(replies)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The headers and body Slack sends for this payload, signed with `secret` at `at` (Unix seconds from a Date). */
export function signedInteraction(secret: string, payload: unknown, at: Date, rawBody?: string): { headers: Record<string, string>; body: string } {
  const body = rawBody ?? `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature }, body };
}

/** A block_actions payload pressing one of DCP's buttons. */
export function buttonPress(options: { userId: string; action: 'dcp_approve' | 'dcp_reject'; deploymentId: string; phaseId: string; responseUrl?: string }) {
  return {
    type: 'block_actions',
    user: { id: options.userId, username: options.userId.toLowerCase(), team_id: 'T0001' },
    team: { id: 'T0001' },
    api_app_id: 'A0001',
    response_url: options.responseUrl,
    trigger_id: '1.2.3',
    actions: [{ type: 'button', action_id: options.action, block_id: 'dcp', value: JSON.stringify({ deploymentId: options.deploymentId, phaseId: options.phaseId }), action_ts: '1' }],
  };
}
