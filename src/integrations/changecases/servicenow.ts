/**
 * ServiceNow change cases: a normal change created through ServiceNow's Change Management REST
 * API (`/api/sn_chg_rest/v1/change…`), its state and planned window polled back, and closed with
 * the deployment's outcome.
 *
 * Calls (Change Management API, https://www.servicenow.com/docs/r/api-reference/rest-apis/change-management-api.html):
 *   create  GET   /api/now/table/change_request?sysparm_query=correlation_id=<caseId>   (Table API: a retry
 *                 finds the change an earlier attempt made, so one case never makes two changes;
 *                 creates of one case at once in this process join one call — across processes
 *                 ServiceNow has no unique key to stop a second POST)
 *           POST  /api/sn_chg_rest/v1/change/normal   { short_description, description, assignment_group,
 *                                                       correlation_id: caseId, correlation_display: 'DCP' }
 *   read    GET   /api/sn_chg_rest/v1/change/{sys_id}
 *   close   PATCH /api/sn_chg_rest/v1/change/{sys_id} { state: 3, close_code, close_notes }
 *
 * The Change Management API answers `{ result: … }` where each field is `{ value, display_value }`
 * (dates add `display_value_internal`). ServiceNow's own samples disagree on details — `result` is
 * an object in some and a one-element array in others (POST /change/normal), `sys_id` is sometimes a
 * plain string, and `state.value` is a string ("-5") in some and a number (3.0) in others — so every
 * field is read defensively: plain value or `{ value }`, string or number, object or one-element array.
 *
 * State mapping (ServiceNow change_request.state, Change Management state model → DCP §5):
 *   -5 New                         → new
 *   -4 Assess, -3 Authorize        → submitted
 *   -2 Scheduled                   → scheduled-approved when approval = approved, else submitted
 *   -1 Implement, 0 Review         → scheduled-approved (approved and under way)
 *    3 Closed, 4 Canceled          → closed
 *   approval = rejected (any state) → rejected
 *   any other state value (custom or legacy states) → submitted (still waiting), named in `detail`
 * The deploy window is the change's planned start_date/end_date. The API's `value` for a date/time is
 * "YYYY-MM-DD HH:MM:SS" in UTC (`display_value` is in the API user's time zone), so it is parsed as
 * UTC; the window is null while either end is empty.
 *
 * Errors: network failures, timeouts, 429 and 5xx → RetryableIntegrationError; other 4xx (401 bad
 * credentials, 404 unknown change, …) and bodies that are not the expected JSON → PermanentIntegrationError.
 */
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import type { ChangeCaseProvider, ChangeCaseState, ChangeCaseStatus, DeployWindow, NewChangeCase } from './port.ts';
import { isObject, snippet, describeCause } from '../vendor-text.ts';

export interface ServiceNowOptions {
  /** The instance, e.g. `https://acme.service-now.com`. */
  baseUrl: string;
  /** Basic auth (an integration user) or an OAuth access token (sent as a bearer token). */
  auth: { user: string; password: string } | { token: string };
  fetch?: typeof fetch;
  /** Per call, including reading the body. Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const CHANGE_API = '/api/sn_chg_rest/v1/change';
const TABLE_API = '/api/now/table/change_request';

/** ServiceNow's labels for the Change Management state model, for `detail` when display_value is missing. */
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

/** DCP's outcome → change_request.close_code (choices: successful, successful_issues, unsuccessful). */
const CLOSE_CODES = { successful: 'successful', unsuccessful: 'unsuccessful', cancelled: 'unsuccessful' } as const;

type SnRecord = Record<string, unknown>;

export function createServiceNowChangeCaseProvider(options: ServiceNowOptions): ChangeCaseProvider {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const authorization =
    'token' in options.auth
      ? `Bearer ${options.auth.token}`
      : `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`, 'utf8').toString('base64')}`;

  /** One call; returns the parsed JSON body or throws the right integration error. */
  async function call(what: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const label = `ServiceNow ${what} (${method} ${path.split('?')[0]})`;
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: authorization };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new RetryableIntegrationError(`${label} timed out after ${timeoutMs} ms`);
      }
      const reason = error instanceof Error ? describeCause(error) : String(error);
      throw new RetryableIntegrationError(`${label} failed: ${reason}`);
    }
    if (status < 200 || status > 299) {
      const message = `${label} failed with HTTP ${status}${errorMessage(text)}`;
      if (status === 429 || status >= 500) throw new RetryableIntegrationError(message);
      if (status === 401) throw new PermanentIntegrationError(`${message} — check the ServiceNow credentials`);
      throw new PermanentIntegrationError(message);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new PermanentIntegrationError(`${label} answered HTTP ${status} with a body that is not JSON: ${snippet(text)}`);
    }
  }

  /** The record in a Change Management API answer: `result` as an object or a one-element array. */
  function changeRecord(what: string, method: string, path: string, payload: unknown): SnRecord {
    let result = isObject(payload) ? payload.result : undefined;
    if (Array.isArray(result)) result = result[0];
    if (!isObject(result)) {
      throw new PermanentIntegrationError(`ServiceNow ${what} (${method} ${path}) answered without a change record in "result"`);
    }
    return result;
  }

  async function readRecord(externalId: string): Promise<SnRecord> {
    const path = `${CHANGE_API}/${encodeURIComponent(externalId)}`;
    return changeRecord('read change', 'GET', path, await call('read change', 'GET', path));
  }

  /** Creations under way, by caseId. */
  const inFlight = new Map<string, Promise<{ externalId: string; number?: string }>>();

  async function createChange(request: NewChangeCase): Promise<{ externalId: string; number?: string }> {
    // Idempotency: a change with our correlation id already exists when an earlier attempt got
    // as far as creating it (e.g. the POST timed out after ServiceNow stored the change).
    const query = new URLSearchParams({
      sysparm_query: `correlation_id=${request.caseId}`,
      sysparm_limit: '1',
      sysparm_fields: 'sys_id,number',
    });
    const found = await call('find change by correlation_id', 'GET', `${TABLE_API}?${query.toString()}`);
    const rows = isObject(found) ? found.result : undefined;
    if (!Array.isArray(rows)) {
      throw new PermanentIntegrationError(`ServiceNow find change by correlation_id (GET ${TABLE_API}) answered without a "result" list`);
    }
    const existing: unknown = rows[0];
    if (isObject(existing) && fieldValue(existing, 'sys_id') !== '') {
      return withNumber(fieldValue(existing, 'sys_id'), fieldValue(existing, 'number'));
    }

    const path = `${CHANGE_API}/normal`;
    const payload = await call('create change', 'POST', path, {
      short_description: request.summary,
      description: request.description,
      assignment_group: request.queue,
      correlation_id: request.caseId,
      correlation_display: 'DCP',
    });
    const record = changeRecord('create change', 'POST', path, payload);
    const sysId = fieldValue(record, 'sys_id');
    if (sysId === '') {
      throw new PermanentIntegrationError(`ServiceNow create change (POST ${path}) answered without a sys_id`);
    }
    return withNumber(sysId, fieldValue(record, 'number'));
  }

  return {
    name: 'servicenow',

    create(request: NewChangeCase) {
      // One creation per case at a time: a second create of the same case while the first runs
      // (a job retried while its first attempt is still in flight) joins it. Two at once would
      // both find no change by correlation_id and both POST one — two changes for one case.
      let creating = inFlight.get(request.caseId);
      if (!creating) {
        creating = createChange(request).finally(() => inFlight.delete(request.caseId));
        inFlight.set(request.caseId, creating);
      }
      return creating;
    },

    async read(externalId: string): Promise<ChangeCaseState> {
      return mapChange(externalId, await readRecord(externalId));
    },

    async close(externalId, outcome, note) {
      // Closed (3) or Canceled (4) already — by an earlier close or by a person: nothing to do, and
      // asking the state model for another move would be refused.
      const current = await readRecord(externalId);
      const state = stateValue(current);
      if (state === '3' || state === '4') return;
      const path = `${CHANGE_API}/${encodeURIComponent(externalId)}`;
      const closeNotes = outcome === 'cancelled' ? `Deployment cancelled in DCP. ${note}`.trim() : note;
      await call('close change', 'PATCH', path, { state: '3', close_code: CLOSE_CODES[outcome], close_notes: closeNotes });
    },
  };
}

function withNumber(externalId: string, number: string): { externalId: string; number?: string } {
  return number === '' ? { externalId } : { externalId, number };
}

/** Maps a change_request record (either API's shape) onto DCP's change case state; see the table above. */
function mapChange(externalId: string, record: SnRecord): ChangeCaseState {
  const state = stateValue(record);
  if (state === '') {
    throw new PermanentIntegrationError(`ServiceNow read change ${externalId}: the record has no state`);
  }
  const approval = fieldValue(record, 'approval').toLowerCase();
  let status: ChangeCaseStatus;
  if (approval === 'rejected') status = 'rejected';
  else if (state === '-5') status = 'new';
  else if (state === '-4' || state === '-3') status = 'submitted';
  else if (state === '-2') status = approval === 'approved' ? 'scheduled-approved' : 'submitted';
  else if (state === '-1' || state === '0') status = 'scheduled-approved';
  else if (state === '3' || state === '4') status = 'closed';
  else status = 'submitted';

  const number = fieldValue(record, 'number') || externalId;
  const stateLabel = fieldDisplay(record, 'state') || STATE_LABELS[state] || `state ${state}`;
  const detail = approval === '' ? `${number}: ${stateLabel}` : `${number}: ${stateLabel} (${approval})`;
  return { status, deployWindow: deployWindow(externalId, record), detail };
}

function deployWindow(externalId: string, record: SnRecord): DeployWindow | null {
  const start = fieldValue(record, 'start_date');
  const end = fieldValue(record, 'end_date');
  if (start === '' || end === '') return null;
  return { start: parseUtc(externalId, 'start_date', start), end: parseUtc(externalId, 'end_date', end) };
}

/** ServiceNow's stored date/time value: "YYYY-MM-DD HH:MM:SS" in UTC (an ISO form is accepted too). */
function parseUtc(externalId: string, field: string, text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?$/.exec(text.trim());
  if (match) {
    const [, y, mo, d, h, mi, s] = match.map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) return date;
  }
  throw new PermanentIntegrationError(`ServiceNow change ${externalId} has a ${field} that is not a date/time: "${text}"`);
}

/** change_request.state as an integer string ("-5", "3"), whether ServiceNow sent "-5", -5 or 3.0. */
function stateValue(record: SnRecord): string {
  const raw = fieldValue(record, 'state');
  if (raw === '') return '';
  const n = Number(raw);
  return Number.isFinite(n) ? String(Math.trunc(n)) : raw;
}

/** A field's value: a plain value (Table API) or the `value` of `{ value, display_value }` (Change Management API). */
function fieldValue(record: SnRecord, name: string): string {
  const field = record[name];
  return scalar(isObject(field) ? field.value : field);
}

function fieldDisplay(record: SnRecord, name: string): string {
  const field = record[name];
  return isObject(field) ? scalar(field.display_value) : '';
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** ServiceNow's error body: `{ error: { message, detail }, status: "failure" }`. */
function errorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    const error = isObject(body) ? body.error : undefined;
    if (isObject(error)) {
      const parts = [scalar(error.message), scalar(error.detail)].filter((part) => part !== '');
      if (parts.length > 0) return `: ${parts.join(' — ')}`;
    }
  } catch {
    // not JSON: fall through to a snippet of the text
  }
  return text.trim() === '' ? '' : `: ${snippet(text)}`;
}

