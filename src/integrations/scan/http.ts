/**
 * The artifact API (`DCP_SCAN_PROVIDER=http`): scans of registries that are not Harbor, behind a
 * small JSON contract any team can serve (docs/integrations/scan.md; the Argo template
 * `dcp-scan-wait` polls the same contract):
 *
 *   GET {DCP_SCAN_URL}/v1/scans?artifact=<name>&version=<version>&digest=<d1>&digest=<d2>…
 *       Authorization: Bearer <DCP_SCAN_TOKEN>        (when set)
 *   200 { "status": "pending" | "running" | "done" | "error",
 *         "detail"?: "one line",
 *         "findings"?: { "critical": 0, "high": 2, "medium": 0, "low": 1 } }   (required with "done")
 *   404 the API does not know the artifact yet → not done
 *
 * `digest` is repeated once per image of the artifact that has one, in the manifest's order.
 *
 * The answer is read strictly, because a lenient reader turns a broken scanner into a pass:
 * - `done` needs `findings`, an object whose keys are DCP's severities (low, medium, high,
 *   critical) and whose values are whole numbers ≥ 0; zeros are dropped. Anything else (a key
 *   such as "negligible", 1.5, "2", a missing findings) is a PermanentIntegrationError naming the
 *   field: the service breaks the contract, and no retry fixes that.
 * - `pending`, `running` → not done, with the answer's `detail` (one line, at most 200 characters)
 *   or a default; `error` → not done with "scan error: …" — never a pass.
 * - an unknown `status` → not done with a detail naming it: a newer API's state is waited on,
 *   not failed on.
 *
 * Errors: 401/403 → PermanentIntegrationError; network failures, timeouts, 429 and 5xx →
 * RetryableIntegrationError; other 4xx and bodies that are not JSON objects → permanent.
 * `checkAgainAt` stays undefined: the engine polls every DCP_SCAN_POLL.
 */
import { PermanentIntegrationError } from '../../core/errors.ts';
import { SEVERITIES, type ScanFindings, type Severity } from '../../core/types.ts';
import type { ScanProvider, ScanStatus } from './port.ts';
import { DEFAULT_TIMEOUT_MS, failure, parseJson, send } from './send.ts';
import { isObject, snippet } from '../vendor-text.ts';

export interface HttpScanOptions {
  /** DCP_SCAN_URL: the API's base; `/v1/scans` is under it. */
  url: string;
  /** DCP_SCAN_TOKEN: sent as a bearer token when set. */
  token?: string;
  fetch?: typeof fetch;
  /** Per call, including reading the body. Default 10 s. */
  timeoutMs?: number;
}

export const ARTIFACT_API_STATUSES = ['pending', 'running', 'done', 'error'] as const;

export function createHttpScanProvider(options: HttpScanOptions): ScanProvider {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;

  return {
    async status({ artifact }): Promise<ScanStatus> {
      const query = new URLSearchParams({ artifact: artifact.name, version: artifact.version });
      for (const image of artifact.images) if (image.digest) query.append('digest', image.digest);
      const label = `artifact API scan of ${artifact.name} ${artifact.version} (GET /v1/scans)`;
      const answer = await send(doFetch, label, `${base}/v1/scans?${query.toString()}`, { method: 'GET', headers }, timeoutMs);
      if (answer.status === 404) return { done: false, detail: `the artifact API does not know ${artifact.name} ${artifact.version} yet` };
      if (answer.status !== 200) throw failure(label, answer, errorText(answer.text));
      return readAnswer(label, parseJson(label, answer));
    },
  };
}

/** The contract's answer → ScanStatus (see the header). */
export function readAnswer(label: string, body: unknown): ScanStatus {
  if (!isObject(body)) throw new PermanentIntegrationError(`${label}: the answer is not a JSON object`);
  const { status } = body;
  const detail = typeof body.detail === 'string' && body.detail.trim() !== '' ? snippet(body.detail) : undefined;
  switch (status) {
    case 'pending':
    case 'running':
      return { done: false, detail: detail ?? `the artifact API reports the scan ${status}` };
    case 'error':
      return { done: false, detail: `the artifact API reports a scan error${detail ? `: ${detail}` : ''}` };
    case 'done':
      return { done: true, findings: readFindings(label, body.findings) };
    default:
      return {
        done: false,
        detail: `the artifact API answered status ${snippet(JSON.stringify(status) ?? 'undefined')}, which DCP does not know (${ARTIFACT_API_STATUSES.join(', ')})`,
      };
  }
}

function readFindings(label: string, findings: unknown): ScanFindings {
  if (!isObject(findings)) {
    throw new PermanentIntegrationError(`${label}: findings must be an object of counts with status "done" ({} for a clean scan); got ${snippet(JSON.stringify(findings) ?? 'nothing')}`);
  }
  const counts: ScanFindings['counts'] = {};
  for (const [severity, n] of Object.entries(findings)) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) {
      throw new PermanentIntegrationError(`${label}: findings.${snippet(severity)} is not a severity DCP knows (${SEVERITIES.join(', ')})`);
    }
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new PermanentIntegrationError(`${label}: findings.${severity} must be a whole number ≥ 0; got ${snippet(JSON.stringify(n) ?? 'nothing')}`);
    }
    if (n > 0) counts[severity as Severity] = n;
  }
  return { counts };
}

/** `{ "error": "…" }` or `{ "detail": "…" }` as the message, else a snippet of the text. */
function errorText(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body)) {
      const message = [body.error, body.detail, body.message].find((m) => typeof m === 'string' && m.trim() !== '');
      if (typeof message === 'string') return snippet(message);
    }
  } catch {
    // not JSON
  }
  return snippet(text);
}
