/**
 * One HTTP call of a scan provider (harbor.ts, http.ts), sorted the way every adapter sorts
 * failures (src/integrations/changecases/servicenow.ts does the same inline): a network failure
 * or a timeout is a RetryableIntegrationError; any answer, whatever its status, is returned with
 * its body read, for the adapter to judge (a 404 means "not there yet" to a scan provider).
 */
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import { describeCause, snippet } from '../vendor-text.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface Answer {
  status: number;
  text: string;
}

export async function send(
  doFetch: typeof fetch,
  label: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<Answer> {
  try {
    // The timeout covers reading the body too: a server that sends headers and then stalls is down.
    const response = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') throw new RetryableIntegrationError(`${label} timed out after ${timeoutMs} ms`);
    throw new RetryableIntegrationError(`${label} failed: ${error instanceof Error ? describeCause(error) : String(error)}`);
  }
}

/** The statuses every scan provider treats alike: 429 and 5xx retry; 401/403 (and other 4xx) are permanent. */
export function failure(label: string, answer: Answer, message: string): Error {
  const text = `${label} failed with HTTP ${answer.status}${message === '' ? '' : `: ${message}`}`;
  if (answer.status === 429 || answer.status >= 500) return new RetryableIntegrationError(text);
  if (answer.status === 401 || answer.status === 403) return new PermanentIntegrationError(`${text} — check DCP's credentials and their permissions`);
  return new PermanentIntegrationError(text);
}

export function parseJson(label: string, answer: Answer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new PermanentIntegrationError(`${label} answered HTTP ${answer.status} with a body that is not JSON: ${snippet(answer.text)}`);
  }
}

