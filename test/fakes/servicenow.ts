/**
 * A fake ServiceNow instance for tests: a local HTTP server (127.0.0.1, a free port) answering the
 * calls DCP's ServiceNow change case provider makes, shaped as ServiceNow documents them:
 *
 *   GET   /api/now/table/change_request?sysparm_query=f=v^g=w&sysparm_limit=&sysparm_fields=
 *         Table API: `{ result: [ { field: "plain value" } ] }`
 *   POST  /api/sn_chg_rest[/v1]/change/normal    fields from the JSON body and/or the query string;
 *         answers as the documented sample does: `{ result: [ { sys_id: "…", state: { value: "-5", … }, … } ] }`
 *   GET   /api/sn_chg_rest[/v1]/change/{sys_id}  `{ result: { field: { value, display_value } } }`,
 *         numeric fields (state) with a numeric value, as in the documented samples
 *   PATCH /api/sn_chg_rest[/v1]/change/{sys_id}  sets the body's fields; answers like GET
 *
 * Every request needs `Authorization: Basic <user:password>` or `Bearer <token>` (else 401 with
 * ServiceNow's error body). Changes live in memory; a test moves them with `set()` and can make the
 * next N requests fail with 503 (`failNext`). Every request is recorded in `requests`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_SN_USER = 'dcp.integration';
export const FAKE_SN_PASSWORD = 's3cret:with-colon';
export const FAKE_SN_TOKEN = 'oauth-token-123';

/** A change_request record as the fake stores it: every field as its plain (database) value. */
export interface FakeChange {
  sys_id: string;
  number: string;
  type: string;
  state: string;
  approval: string;
  start_date: string;
  end_date: string;
  assignment_group: string;
  short_description: string;
  description: string;
  correlation_id: string;
  correlation_display: string;
  close_code: string;
  close_notes: string;
  [field: string]: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeServiceNow {
  url: string;
  changes: Map<string, FakeChange>;
  requests: FakeRequest[];
  /** Sets fields of a stored change, e.g. `{ state: '-2', approval: 'approved', start_date: '2025-03-01 22:00:00' }`. */
  set(sysId: string, fields: Partial<FakeChange>): void;
  /** Resolves once a request (already made or still to come) satisfies `predicate`; answered before it resolves. */
  waitForRequest(predicate: (request: FakeRequest) => boolean): Promise<FakeRequest>;
  /** The next `n` requests answer 503. */
  failNext(n: number): void;
  close(): Promise<void>;
}

const STATE_LABELS: Record<string, string> = {
  '-5': 'New',
  '-4': 'Assess',
  '-3': 'Authorize',
  '-2': 'Scheduled',
  '-1': 'Implement',
  '0': 'Review',
  '3': 'Closed',
  '4': 'Canceled',
};
const APPROVAL_LABELS: Record<string, string> = {
  'not requested': 'Not Yet Requested',
  requested: 'Requested',
  approved: 'Approved',
  rejected: 'Rejected',
};
const CLOSE_CODE_LABELS: Record<string, string> = {
  successful: 'Successful',
  successful_issues: 'Successful with issues',
  unsuccessful: 'Unsuccessful',
};
const DATE_FIELDS = new Set(['start_date', 'end_date']);
const NUMERIC_FIELDS = new Set(['state']);

class HttpError extends Error {
  readonly status: number;
  readonly detail: string;
  constructor(status: number, message: string, detail = '') {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

export async function startFakeServiceNow(): Promise<FakeServiceNow> {
  const changes = new Map<string, FakeChange>();
  const requests: FakeRequest[] = [];
  const waiters = new Set<{ predicate: (r: FakeRequest) => boolean; resolve: (r: FakeRequest) => void }>();
  let failures = 0;
  let sequence = 30000;

  const basic = `Basic ${Buffer.from(`${FAKE_SN_USER}:${FAKE_SN_PASSWORD}`, 'utf8').toString('base64')}`;
  const bearer = `Bearer ${FAKE_SN_TOKEN}`;

  function newChange(fields: Record<string, string>): FakeChange {
    sequence += 1;
    const change: FakeChange = {
      short_description: '',
      description: '',
      assignment_group: '',
      correlation_id: '',
      correlation_display: '',
      start_date: '',
      end_date: '',
      close_code: '',
      close_notes: '',
      ...fields,
      // set by ServiceNow, not by the caller:
      sys_id: randomBytes(16).toString('hex'),
      number: `CHG00${sequence}`,
      type: 'normal',
      state: '-5',
      approval: 'not requested',
    };
    changes.set(change.sys_id, change);
    return change;
  }

  /** The Change Management API's shape: `{ value, display_value }` per field. */
  function changeApiRecord(change: FakeChange): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(change)) {
      let display = value;
      if (name === 'state') display = STATE_LABELS[value] ?? value;
      else if (name === 'approval') display = APPROVAL_LABELS[value] ?? value;
      else if (name === 'close_code') display = CLOSE_CODE_LABELS[value] ?? value;
      else if (name === 'type') display = value.charAt(0).toUpperCase() + value.slice(1);
      const field: Record<string, unknown> = {
        display_value: display,
        value: NUMERIC_FIELDS.has(name) && value !== '' ? Number(value) : value,
      };
      if (DATE_FIELDS.has(name)) field.display_value_internal = value;
      record[name] = field;
    }
    return record;
  }

  /** Fields a caller may set: strings (numbers and booleans as text); ServiceNow ignores the rest. */
  function writableFields(source: Record<string, unknown>): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(source)) {
      if (name === 'sys_id' || name === 'number') continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
    }
    return fields;
  }

  function handle(method: string, url: URL, body: unknown): { status: number; payload: unknown } {
    const path = url.pathname;

    if (method === 'GET' && path === '/api/now/table/change_request') {
      const conditions = (url.searchParams.get('sysparm_query') ?? '')
        .split('^')
        .filter((part) => part !== '')
        .map((part) => {
          const at = part.indexOf('=');
          if (at < 0) throw new HttpError(400, `Unsupported query condition in the fake: ${part}`);
          return [part.slice(0, at), part.slice(at + 1)] as const;
        });
      const limit = Number(url.searchParams.get('sysparm_limit') ?? '10000');
      const fieldsParam = url.searchParams.get('sysparm_fields');
      const fields = fieldsParam ? fieldsParam.split(',') : undefined;
      const rows = [...changes.values()]
        .filter((change) => conditions.every(([name, value]) => (change[name] ?? '') === value))
        .slice(0, limit)
        .map((change) => (fields ? Object.fromEntries(fields.map((name) => [name, change[name] ?? ''])) : { ...change }));
      return { status: 200, payload: { result: rows } };
    }

    const changePath = /^\/api\/sn_chg_rest(?:\/v\d+)?\/change(?:\/([^/]+))?$/.exec(path);
    if (changePath) {
      const id = changePath[1] === undefined ? undefined : decodeURIComponent(changePath[1]);
      if (method === 'POST' && id === 'normal') {
        const fromQuery = Object.fromEntries(url.searchParams.entries());
        const fromBody = isObject(body) ? body : {};
        const change = newChange(writableFields({ ...fromQuery, ...fromBody }));
        // As ServiceNow's sample for this endpoint: result is a one-element array, sys_id a plain string.
        return { status: 200, payload: { result: [{ ...changeApiRecord(change), sys_id: change.sys_id }] } };
      }
      if (id !== undefined && (method === 'GET' || method === 'PATCH')) {
        const change = changes.get(id);
        if (!change) throw new HttpError(404, 'No Record found', 'Record doesn\'t exist or ACL restricts the record retrieval');
        if (method === 'PATCH') {
          if (!isObject(body)) throw new HttpError(400, 'Invalid request body');
          Object.assign(change, writableFields(body));
        }
        return { status: 200, payload: { result: changeApiRecord(change) } };
      }
    }
    throw new HttpError(400, 'Requested URI does not represent any resource', `${method} ${path}`);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://fake.service-now.test');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      let status: number;
      let payload: unknown;
      try {
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = text;
          throw new HttpError(400, 'Exception while reading request', 'The payload is not valid JSON.');
        }
        if (failures > 0) {
          failures -= 1;
          throw new HttpError(503, 'Service Unavailable', 'The instance is unavailable (fake failure).');
        }
        const authorization = req.headers.authorization;
        if (authorization !== basic && authorization !== bearer) {
          throw new HttpError(401, 'User Not Authenticated', 'Required to provide Auth information');
        }
        ({ status, payload } = handle(method, url, body));
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        status = error.status;
        payload = { error: { message: error.message, detail: error.detail }, status: 'failure' };
      } finally {
        requests.push({ method, path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body });
      }
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(payload), () => {
        const request = requests[requests.length - 1];
        for (const waiter of [...waiters]) {
          if (waiter.predicate(request)) {
            waiters.delete(waiter);
            waiter.resolve(request);
          }
        }
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    changes,
    requests,
    set(sysId, fields) {
      const change = changes.get(sysId);
      if (!change) throw new Error(`fake ServiceNow: no change ${sysId}`);
      for (const [name, value] of Object.entries(fields)) {
        if (value !== undefined) change[name] = value;
      }
    },
    waitForRequest(predicate) {
      const seen = requests.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
    failNext(n) {
      failures = n;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
