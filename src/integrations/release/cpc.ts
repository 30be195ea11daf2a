/**
 * CpcReleaseDriver: releases through CPC, the platform's own deployment service (one per target,
 * at the target's `cpcEndpoint`). The API is written down in docs/integrations/cpc.md; in short:
 *
 *   PUT  {cpcEndpoint}/v1/releases/{key}        install-or-upgrade one Helm release, idempotent by
 *        { cluster, namespace, release,          key: 201 created, 200 the same body again (nothing
 *          chart, chartVersion, repository,      is done again), 409 the key with another body
 *          timeoutSeconds }
 *   GET  {cpcEndpoint}/v1/releases/{key}        the status object; 404 unknown key
 *   POST {cpcEndpoint}/v1/releases/{key}/abort  Aborted if it had not touched the cluster, else it
 *                                               runs on to its real outcome
 *   status object: { key, status: Pending | Running | Succeeded | Failed | Aborted, detail, touched }
 *
 * The driver PUTs, then polls GET every `pollMs` on the injected clock until the status is
 * terminal. When the caller's signal aborts it POSTs abort once and polls on to the real outcome
 * (Aborted → Cancelled). Idempotency lives in CPC, keyed by the release's idempotency key: a
 * repeat after a DCP restart PUTs the same body again and CPC answers 200 with the release as it
 * stands (its final status when it ended). Concurrent calls in this process join one promise.
 *
 * Errors (as servicenow.ts): network failures, timeouts, 429 and 5xx → RetryableIntegrationError;
 * other 4xx (400, 401, 403, 404, 409, 422) and answers that are not a status object → PermanentIntegrationError.
 * Each request has its own timeout. The PUT and the abort are not cut short by the caller's signal
 * (a PUT cut mid-way leaves unknown whether CPC took it; the abort is how we stop); a poll is, so
 * that a stop is sent at once.
 */
import type { Clock } from '../../core/clock.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import type { ReleaseDriver, ReleaseRequest, ReleaseResult } from './port.ts';
import { isObject, describeCause } from '../vendor-text.ts';

export interface CpcReleaseDriverOptions {
  clock: Clock;
  /** Sent as `Authorization: Bearer <token>` when set (DCP_CPC_TOKEN). */
  token?: string | null;
  /** Between polls of a release's status (DCP_CPC_POLL). Default 5 s. */
  pollMs?: number;
  /** Per request, including reading the body. Default 10 s. */
  requestTimeoutMs?: number;
  /** What CPC is asked to give Helm (`timeoutSeconds`). Default 600. */
  timeoutSeconds?: number;
  fetch?: typeof fetch;
}

export const CPC_STATUSES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Aborted'] as const;
export type CpcStatus = (typeof CPC_STATUSES)[number];

/** CPC's answer to every call: one release as it stands. */
export interface CpcReleaseStatus {
  key: string;
  status: CpcStatus;
  detail: string;
  /** CPC has started changing the cluster: an abort no longer stops it. */
  touched: boolean;
}

/** The PUT body: exactly these fields (CPC refuses unknown ones with 400). */
export interface CpcReleaseBody {
  cluster: string;
  namespace: string;
  release: string;
  chart: string;
  chartVersion: string;
  /** Where the chart is (`oci://…` or an HTTP chart repository); null: CPC's default repository. */
  repository: string | null;
  timeoutSeconds: number;
}

const DEFAULT_POLL_MS = 5000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_TIMEOUT_SECONDS = 600;
const DETAIL_MAX = 300;
const TERMINAL: ReadonlySet<CpcStatus> = new Set(['Succeeded', 'Failed', 'Aborted']);

export function createCpcReleaseDriver(options: CpcReleaseDriverOptions): ReleaseDriver {
  const { clock } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const running = new Map<string, Promise<ReleaseResult>>();

  /** One call; the status object CPC answered, or the right integration error. */
  async function call(method: 'PUT' | 'GET' | 'POST', url: string, key: string, body?: CpcReleaseBody, signal?: AbortSignal): Promise<CpcReleaseStatus> {
    const label = `CPC ${method} ${url}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await doFetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error; // the caller stopped: not a failure of CPC
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new RetryableIntegrationError(`${label} timed out after ${requestTimeoutMs} ms`);
      throw new RetryableIntegrationError(`${label} failed: ${error instanceof Error ? describeCause(error) : String(error)}`);
    }
    if (status < 200 || status > 299) {
      const message = `${label} failed with HTTP ${status}${errorMessage(text)}`;
      if (status === 429 || status >= 500) throw new RetryableIntegrationError(message);
      if (status === 401 || status === 403) throw new PermanentIntegrationError(`${message} — check DCP_CPC_TOKEN`);
      // 400/422 a body CPC refuses, 404 an unknown key or a wrong endpoint, 409 the key with another body.
      throw new PermanentIntegrationError(message);
    }
    return parseStatus(label, key, text);
  }

  async function run(request: ReleaseRequest, signal: AbortSignal): Promise<ReleaseResult> {
    const { target } = request;
    // Nothing sent yet: a stop now touches nothing (contract: Cancelled, nothing released).
    if (signal.aborted) return { outcome: 'Cancelled', detail: 'Stopped before it touched the target' };
    if (!target.cpcEndpoint) {
      throw new PermanentIntegrationError(`Target ${target.cluster} has no cpcEndpoint in channels.yaml: the CPC release driver cannot release to it`);
    }
    const chart = request.artifact.charts[0];
    if (!chart) {
      throw new PermanentIntegrationError(`Artifact ${request.artifact.name}@${request.artifact.version} has no chart: CPC releases Helm charts`);
    }
    const url = `${target.cpcEndpoint.replace(/\/+$/, '')}/v1/releases/${encodeURIComponent(request.idempotencyKey)}`;
    const body: CpcReleaseBody = {
      cluster: target.cluster,
      namespace: target.namespace ?? request.service,
      release: request.service,
      chart: chart.name,
      chartVersion: chart.version,
      repository: chart.repository ?? null,
      timeoutSeconds,
    };
    const key = request.idempotencyKey;
    let current = await call('PUT', url, key, body);
    let abortSent = false;
    const never = new AbortController().signal;
    while (!TERMINAL.has(current.status)) {
      if (signal.aborted && !abortSent) {
        abortSent = true;
        current = await call('POST', `${url}/abort`, key);
        continue;
      }
      // Before the abort is sent, a stop wakes the poll at once; after it, polls run to the end.
      const wake = abortSent ? never : signal;
      await clock.sleepUntil(new Date(clock.now().getTime() + pollMs), wake);
      if (wake.aborted) continue;
      try {
        current = await call('GET', url, key, undefined, wake);
      } catch (error) {
        if (!wake.aborted) throw error;
      }
    }
    return toResult(current, body);
  }

  return {
    release(request, signal) {
      let result = running.get(request.idempotencyKey);
      if (!result) {
        result = run(request, signal).finally(() => running.delete(request.idempotencyKey));
        running.set(request.idempotencyKey, result);
      }
      return result;
    },
  };
}

function toResult(status: CpcReleaseStatus, body: CpcReleaseBody): ReleaseResult {
  const what = `${body.chart}@${body.chartVersion}`;
  switch (status.status) {
    case 'Succeeded':
      return { outcome: 'Succeeded', detail: oneLine(status.detail) || `Released ${what} to ${body.cluster}` };
    case 'Aborted':
      return { outcome: 'Cancelled', detail: oneLine(`Stopped before it touched the target (CPC: ${status.detail || 'aborted'})`) };
    default:
      return { outcome: 'Failed', detail: oneLine(`CPC release of ${what} to ${body.cluster} failed: ${status.detail || 'no detail given'}`) };
  }
}

function parseStatus(label: string, key: string, text: string): CpcReleaseStatus {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PermanentIntegrationError(`${label} answered with a body that is not JSON: ${oneLine(text, 200)}`);
  }
  if (
    !isObject(value) ||
    value.key !== key ||
    !(CPC_STATUSES as readonly unknown[]).includes(value.status) ||
    typeof value.detail !== 'string' ||
    typeof value.touched !== 'boolean'
  ) {
    throw new PermanentIntegrationError(`${label} answered without a release status object for ${key}: ${oneLine(text, 200)}`);
  }
  return { key, status: value.status as CpcStatus, detail: value.detail as string, touched: value.touched as boolean };
}

/** CPC's error body `{ "error": "…" }`, else a snippet of the text. */
function errorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body) && typeof body.error === 'string' && body.error.trim() !== '') return `: ${oneLine(body.error, 200)}`;
  } catch {
    // not JSON: a snippet of the text
  }
  return text.trim() === '' ? '' : `: ${oneLine(text, 200)}`;
}

/** One line, at most `max` characters: a detail becomes the release's statusDetail. */
export function oneLine(text: string, max = DETAIL_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

