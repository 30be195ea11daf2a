/**
 * What the check evaluators share: their signature, one bounded GET, and short renderings of
 * values for `detail` (it ends up in a phase's statusDetail, so it must stay one short line).
 */
import type { CheckSpec } from '../../core/types.ts';
import type { CheckContext, CheckOutcome } from './port.ts';

/** One check type's evaluator; the runner dispatches to these on `check.type`. */
export type CheckEvaluator<S extends CheckSpec> = (check: S, context: CheckContext, signal: AbortSignal) => Promise<CheckOutcome>;

export const DEFAULT_TIMEOUT_MS = 10_000;

export type GetResult =
  | { ok: true; status: number; body: string }
  /** The server could not be asked or did not answer (the check is Unavailable): why, e.g. `did not answer within 100 ms`. */
  | { ok: false; reason: string };

/**
 * GET `url` and read its whole body, bounded by `timeoutMs` and by the caller's `signal`
 * (reading the body is bounded too: a server that stalls mid-body is a timeout as well).
 */
export async function getText(fetchFn: typeof fetch, url: URL, options: { signal: AbortSignal; timeoutMs: number; accept?: string }): Promise<GetResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = options.accept ? { accept: options.accept } : {};
  // fetch refuses `http://user:pass@host` (and echoes the password in its error): send Basic auth.
  if (url.username || url.password) {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  try {
    const response = await fetchFn(showUrl(url), { signal: AbortSignal.any([options.signal, timeout]), headers });
    return { ok: true, status: response.status, body: await response.text() };
  } catch (error) {
    if (options.signal.aborted) return { ok: false, reason: 'was cancelled' };
    if (timeout.aborted) return { ok: false, reason: `did not answer within ${options.timeoutMs} ms` };
    return { ok: false, reason: `failed: ${networkReason(error)}` };
  }
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof AggregateError) return cause.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** `url` as a URL, or null when it is not one (a config mistake that no retry will fix). */
export function parseUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
  } catch {
    return null;
  }
}

/** `url` without user and password: for a detail (a statusDetail must not show them) and for fetch. */
export function showUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

export function truncate(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** A JSON value as it would read in the response, shortened. */
export function show(value: unknown): string {
  return value === undefined ? 'undefined' : truncate(JSON.stringify(value) ?? String(value), 80);
}
