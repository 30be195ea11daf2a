/**
 * The `http` check (contract §2.2): GET `url`; passes on 2xx (or exactly `expectStatus`) and,
 * when `jsonPath` is given, when the JSON value there deep-equals `equals`.
 *
 * A wrong status, a missing path or a different value is `Failed`: the endpoint answered, and
 * the answer is no. Not getting an answer (timeout, connection refused, DNS) or an answer the
 * check cannot read (not JSON) is `Unavailable`, which the engine retries. A bad `url` or
 * `jsonPath` is `Failed` at once: no retry will fix the configuration.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HttpCheckSpec } from '../../core/types.ts';
import { parseJsonPath, readJsonPath, type JsonPath } from './json-path.ts';
import { DEFAULT_TIMEOUT_MS, getText, parseUrl, show, showUrl, truncate, type CheckEvaluator } from './support.ts';

export function createHttpCheck(deps: { fetch?: typeof fetch } = {}): CheckEvaluator<HttpCheckSpec> {
  const fetchFn = deps.fetch ?? fetch;
  return async (check, _context, signal) => {
    const url = parseUrl(check.url);
    if (!url) return { status: 'Failed', detail: `invalid url "${truncate(check.url)}": expected an http(s) URL` };
    let steps: JsonPath | undefined;
    if (check.jsonPath !== undefined) {
      try {
        steps = parseJsonPath(check.jsonPath);
      } catch (error) {
        return { status: 'Failed', detail: (error as Error).message };
      }
    }

    const get = `GET ${showUrl(url)}`;
    const answer = await getText(fetchFn, url, { signal, timeoutMs: check.timeoutMs ?? DEFAULT_TIMEOUT_MS, accept: steps ? 'application/json' : undefined });
    if (!answer.ok) return { status: 'Unavailable', detail: `${get} ${answer.reason}` };

    const { status, body } = answer;
    const statusOk = check.expectStatus === undefined ? status >= 200 && status < 300 : status === check.expectStatus;
    if (!statusOk) {
      const snippet = body.trim() ? `: ${truncate(body)}` : '';
      return { status: 'Failed', detail: `${get} answered ${status}, expected ${check.expectStatus ?? '2xx'}${snippet}` };
    }
    if (!steps) return { status: 'Passed', detail: `${get} answered ${status}` };

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { status: 'Unavailable', detail: `${get} answered ${status} with a body that is not JSON: ${truncate(body) || '(empty)'}` };
    }
    const at = readJsonPath(json, steps);
    if (!at.found) return { status: 'Failed', detail: `${check.jsonPath} is missing in the answer of ${get}: ${truncate(body)}` };
    // No `equals`: the path only has to be there.
    if (check.equals !== undefined && !isDeepStrictEqual(at.value, check.equals)) {
      return { status: 'Failed', detail: `${check.jsonPath} is ${show(at.value)}, expected ${show(check.equals)}` };
    }
    return { status: 'Passed', detail: `${get} answered ${status}; ${check.jsonPath} is ${show(at.value)}` };
  };
}
