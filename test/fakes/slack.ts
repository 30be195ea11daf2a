/**
 * A fake Slack Web API for tests: a local HTTP server (127.0.0.1, a free port) — point
 * `DCP_SLACK_API_URL` (the client's `slackApiUrl`) at `url` — answering the methods DCP calls
 * the way Slack documents them (https://docs.slack.dev/reference/methods/…):
 *
 *   POST /api/chat.postMessage  channel (an id, or a name with or without `#`), text and/or
 *        blocks, optional thread_ts → `{ ok: true, channel: "<id>", ts, message }`
 *   POST /api/chat.update       channel (an id: Slack refuses names here), ts, text and/or
 *        blocks → `{ ok: true, channel, ts, text }`
 *   POST /api/users.info        user → `{ ok: true, user: { id, name, real_name, profile: { email, … } } }`
 *
 * Bodies are form-encoded (what @slack/web-api sends: `blocks` as a JSON string) or JSON. The
 * token comes as `Authorization: Bearer …` (or a `token` field). Errors are Slack's: HTTP 200 with
 * `{ ok: false, error }` — `not_authed`, `invalid_auth`, `channel_not_found`, `message_not_found`,
 * `user_not_found`, `no_text`, `invalid_arguments`, `invalid_blocks` (blocks must be an array of at
 * most 50 objects, each with a `type`; a button's action_id and value within Slack's limits).
 *
 * Steering: channels are made with `channel(name)` (unknown names answer channel_not_found),
 * `breakChannel(name, error)` makes a known channel answer an error (not_in_channel, is_archived),
 * users with `user(id, email)`, `rateLimitNext(n, seconds)` answers the next n calls `429` with
 * `Retry-After`, `failNext(error)` the next call `{ ok: false, error }`. Every call is recorded in
 * `calls` (method, body, token, answer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_SLACK_TOKEN = 'xoxb-test-token';

export interface FakeSlackCall {
  method: string;
  /** The arguments, decoded (`blocks` parsed from its JSON string). */
  body: Record<string, any>;
  token: string | undefined;
  /** HTTP status and body of the answer. */
  status: number;
  answer: Record<string, unknown> | null;
}

/** A message as the fake keeps it (and as a channel would show it). */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: any[];
  /** Every version, oldest first (chat.update adds one). */
  edits: { text?: string; blocks?: any[] }[];
}

export interface FakeSlack {
  /** The Web API base, e.g. `http://127.0.0.1:41234/api/`. */
  url: string;
  calls: FakeSlackCall[];
  messages: FakeSlackMessage[];
  /** Makes a channel (by name, without `#`); returns its id. */
  channel(name: string): string;
  /** The id of a channel by name, or undefined. */
  channelId(name: string): string | undefined;
  /** A known channel answers `error` to posts and updates (null: works again). */
  breakChannel(name: string, error: string | null): void;
  /** A workspace member, for users.info. */
  user(id: string, profile: { email?: string; name?: string; realName?: string }): void;
  /** The next `n` calls answer 429 with `Retry-After: seconds`. */
  rateLimitNext(n: number, seconds: number): void;
  /** The next call answers `{ ok: false, error }`. */
  failNext(error: string): void;
  /** Resolves once a call (already made or still to come) satisfies `predicate`. */
  waitForCall(predicate: (call: FakeSlackCall) => boolean, what?: string): Promise<FakeSlackCall>;
  close(): Promise<void>;
}

const MAX_BLOCKS = 50;

function decode(raw: string, type: string): Record<string, any> {
  if (type.includes('application/json')) return raw ? JSON.parse(raw) : {};
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Why Slack would refuse these blocks, or null. */
function blocksProblem(blocks: unknown): string | null {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > MAX_BLOCKS) return `at most ${MAX_BLOCKS} blocks`;
  for (const [i, block] of blocks.entries()) {
    if (typeof block !== 'object' || block === null || typeof block.type !== 'string') return `block ${i} has no type`;
    if (block.type === 'section' && !block.text && !block.fields) return `section ${i} needs text or fields`;
    if (block.type === 'section' && block.text && (typeof block.text.text !== 'string' || block.text.text.length > 3000)) return `section ${i} text must be a string of at most 3000`;
    if (block.type === 'section' && block.fields && (!Array.isArray(block.fields) || block.fields.length > 10)) return `section ${i} fields: at most 10`;
    if (block.type === 'actions') {
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) return `actions ${i} needs 1–25 elements`;
      for (const element of block.elements) {
        if (typeof element?.type !== 'string') return `an element of actions ${i} has no type`;
        if (element.type === 'button') {
          if (element.text?.type !== 'plain_text' || typeof element.text.text !== 'string' || element.text.text.length > 75) return 'a button needs plain_text text of at most 75';
          if (element.action_id !== undefined && (typeof element.action_id !== 'string' || element.action_id.length > 255)) return 'action_id: a string of at most 255';
          if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000)) return 'value: a string of at most 2000';
          if (element.style !== undefined && !['primary', 'danger'].includes(element.style)) return 'style: primary or danger';
          if (element.confirm && !(element.confirm.title && element.confirm.text && element.confirm.confirm && element.confirm.deny)) return 'confirm needs title, text, confirm and deny';
        }
      }
    }
    if (block.type === 'context' && (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10)) return `context ${i} needs 1–10 elements`;
  }
  return null;
}

export async function startFakeSlack(options: { token?: string } = {}): Promise<FakeSlack> {
  const token = options.token ?? FAKE_SLACK_TOKEN;
  const calls: FakeSlackCall[] = [];
  const messages: FakeSlackMessage[] = [];
  const channels = new Map<string, { id: string; broken: string | null }>();
  const users = new Map<string, { email?: string; name?: string; realName?: string }>();
  const waiters: { predicate: (c: FakeSlackCall) => boolean; resolve: (c: FakeSlackCall) => void }[] = [];
  let rateLimited = 0;
  let retryAfter = 1;
  let nextError: string | null = null;
  let seq = 0;
  let clock = 1_767_600_000;
  const nextTs = () => `${clock++}.${String(++seq).padStart(6, '0')}`;

  const byIdOrName = (value: string) => {
    for (const [name, c] of channels) if (c.id === value || name === value.replace(/^#/, '')) return { name, ...c };
    return undefined;
  };

  function answer(method: string, body: Record<string, any>): Record<string, unknown> {
    if (nextError) {
      const error = nextError;
      nextError = null;
      return { ok: false, error };
    }
    if (body.blocks !== undefined && typeof body.blocks === 'string') {
      try {
        body.blocks = JSON.parse(body.blocks);
      } catch {
        return { ok: false, error: 'invalid_blocks_format' };
      }
    }
    const hasContent = (typeof body.text === 'string' && body.text !== '') || (Array.isArray(body.blocks) && body.blocks.length > 0);
    const problem = body.blocks !== undefined ? blocksProblem(body.blocks) : null;
    switch (method) {
      case 'chat.postMessage': {
        if (!body.channel) return { ok: false, error: 'channel_not_found' };
        const channel = byIdOrName(String(body.channel));
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (channel.broken) return { ok: false, error: channel.broken };
        if (!hasContent) return { ok: false, error: 'no_text' };
        if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
        if (body.thread_ts !== undefined && !messages.some((m) => m.channel === channel.id && m.ts === body.thread_ts)) return { ok: false, error: 'thread_not_found' };
        const message: FakeSlackMessage = { channel: channel.id, ts: nextTs(), text: body.text, blocks: body.blocks, edits: [], ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}) };
        messages.push(message);
        return { ok: true, channel: channel.id, ts: message.ts, message: { type: 'message', text: message.text, blocks: message.blocks, ts: message.ts, thread_ts: message.thread_ts } };
      }
      case 'chat.update': {
        if (!body.channel || !body.ts) return { ok: false, error: 'invalid_arguments' };
        // chat.update takes the channel's id, never its name.
        const channel = [...channels.values()].find((c) => c.id === body.channel);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (channel.broken) return { ok: false, error: channel.broken };
        const message = messages.find((m) => m.channel === channel.id && m.ts === body.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        if (!hasContent) return { ok: false, error: 'no_text' };
        if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
        message.edits.push({ text: message.text, blocks: message.blocks });
        message.text = body.text;
        message.blocks = body.blocks;
        return { ok: true, channel: channel.id, ts: message.ts, text: message.text };
      }
      case 'users.info': {
        if (!body.user) return { ok: false, error: 'invalid_arguments' };
        const user = users.get(String(body.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: body.user, name: user.name ?? String(body.user), real_name: user.realName ?? user.name ?? String(body.user), deleted: false, is_bot: false,
            profile: { email: user.email, real_name: user.realName ?? user.name ?? String(body.user), display_name: user.name ?? '' },
          },
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      let body: Record<string, any>;
      try {
        body = decode(Buffer.concat(chunks).toString('utf8'), req.headers['content-type'] ?? '');
      } catch {
        body = {};
      }
      const auth = req.headers.authorization;
      const given = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : typeof body.token === 'string' ? body.token : undefined;
      let status = 200;
      let reply: Record<string, unknown> | null;
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      if (req.method !== 'POST' || !req.url?.startsWith('/api/')) {
        status = 404;
        reply = null;
      } else if (rateLimited > 0) {
        rateLimited--;
        status = 429;
        headers['retry-after'] = String(retryAfter);
        reply = { ok: false, error: 'ratelimited' };
      } else if (!given) {
        reply = { ok: false, error: 'not_authed' };
      } else if (given !== token) {
        reply = { ok: false, error: 'invalid_auth' };
      } else {
        reply = answer(method, body);
      }
      const call: FakeSlackCall = { method, body, token: given, status, answer: reply };
      calls.push(call);
      res.writeHead(status, headers);
      res.end(reply ? JSON.stringify(reply) : '');
      for (const w of [...waiters]) {
        if (w.predicate(call)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(call);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let channelSeq = 0;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    messages,
    channel(name) {
      const key = name.replace(/^#/, '');
      const existing = channels.get(key);
      if (existing) return existing.id;
      const id = `C${String(++channelSeq).padStart(8, '0')}`;
      channels.set(key, { id, broken: null });
      return id;
    },
    channelId: (name) => channels.get(name.replace(/^#/, ''))?.id,
    breakChannel(name, error) {
      const c = channels.get(name.replace(/^#/, ''));
      if (!c) throw new Error(`no channel ${name}`);
      c.broken = error;
    },
    user(id, profile) {
      users.set(id, profile);
    },
    rateLimitNext(n, seconds) {
      rateLimited = n;
      retryAfter = seconds;
    },
    failNext(error) {
      nextError = error;
    },
    waitForCall(predicate, what = 'the expected call') {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        // A guard against a hung test, not a wait for state.
        const guard = setTimeout(() => reject(new Error(`Slack never got ${what}; calls: ${JSON.stringify(calls.map((c) => [c.method, c.body.channel, c.answer?.error ?? c.status]))}`)), 20_000);
        waiters.push({ predicate, resolve: (c) => { clearTimeout(guard); resolve(c); } });
      });
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
