/**
 * The `prometheus` check (contract §2.2): an instant query against the Prometheus HTTP API
 * (`GET {url}/api/v1/query?query=…`); passes when every series satisfies `value op threshold`.
 *
 * Failed: a series (or the scalar) does not satisfy it — NaN never does — or the query returned
 * no series at all: a gate that sees nothing must not pass silently (a typo in a metric name
 * would otherwise open it for good). Unavailable: Prometheus did not answer, answered an error
 * (`status: "error"`, any non-2xx), or answered something this check does not read (not JSON, a
 * matrix or string result, a malformed sample).
 */
import type { PrometheusCheckSpec } from '../../core/types.ts';
import type { CheckOutcome } from './port.ts';
import { DEFAULT_TIMEOUT_MS, getText, parseUrl, showUrl, truncate, type CheckEvaluator } from './support.ts';

type Op = PrometheusCheckSpec['op'];

const COMPARE: Record<Op, (value: number, threshold: number) => boolean> = {
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
  '==': (v, t) => v === t,
};

/** One sample to compare: its name for the detail (`error_rate{job="api"}`) and its value. */
interface Sample {
  name: string;
  value: number;
}

export function createPrometheusCheck(deps: { fetch?: typeof fetch; timeoutMs?: number } = {}): CheckEvaluator<PrometheusCheckSpec> {
  const fetchFn = deps.fetch ?? fetch;
  return async (check, _context, signal) => {
    const compare = COMPARE[check.op];
    if (!compare) return { status: 'Failed', detail: `unknown op "${check.op}": expected one of ${Object.keys(COMPARE).join(' ')}` };
    const url = queryUrl(check.url, check.query);
    if (!url) return { status: 'Failed', detail: `invalid url "${truncate(check.url)}": expected an http(s) URL` };

    const where = `Prometheus at ${showUrl(new URL(url.pathname, url))}`;
    const answer = await getText(fetchFn, url, { signal, timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS, accept: 'application/json' });
    if (!answer.ok) return { status: 'Unavailable', detail: `${where} ${answer.reason}` };

    // Prometheus answers errors (bad query: 400, timeout: 503, …) with a JSON body saying why:
    // read it first, and fall back to the HTTP status.
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      json = undefined;
    }
    const reply = (json ?? {}) as { status?: unknown; errorType?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } };
    if (reply.status === 'error') {
      return { status: 'Unavailable', detail: `${where} answered an error (${String(reply.errorType ?? 'unknown')}): ${truncate(String(reply.error ?? ''))}` };
    }
    if (answer.status < 200 || answer.status >= 300) {
      return { status: 'Unavailable', detail: `${where} answered ${answer.status}: ${truncate(answer.body) || '(empty)'}` };
    }
    if (json === undefined) return { status: 'Unavailable', detail: `${where} answered a body that is not JSON: ${truncate(answer.body) || '(empty)'}` };
    if (reply.status !== 'success') return { status: 'Unavailable', detail: `${where} answered status ${JSON.stringify(reply.status)}, expected "success"` };

    const samples = readSamples(reply.data?.resultType, reply.data?.result);
    if (typeof samples === 'string') return { status: 'Unavailable', detail: `${where}: ${samples}` };
    return judge(samples, check.op, check.threshold, compare);
  };
}

/** `{url}/api/v1/query?query=…`, or `url` as is when it already names the query endpoint. */
function queryUrl(base: string, query: string): URL | null {
  const url = parseUrl(base);
  if (!url) return null;
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/api/v1/query') ? path : `${path}/api/v1/query`;
  url.searchParams.set('query', query);
  return url;
}

/** The samples of a vector or scalar result, or why they cannot be read. */
function readSamples(resultType: unknown, result: unknown): Sample[] | string {
  if (resultType === 'scalar') {
    const value = sampleValue(result);
    return value === undefined ? `a malformed scalar result: ${truncate(JSON.stringify(result) ?? '')}` : [{ name: 'scalar', value }];
  }
  if (resultType !== 'vector') return `the query returned a ${String(resultType)} result; the check reads a vector or a scalar`;
  if (!Array.isArray(result)) return 'a vector result that is not a list';
  const samples: Sample[] = [];
  for (const series of result as { metric?: Record<string, string>; value?: unknown }[]) {
    const value = sampleValue(series?.value);
    if (value === undefined) return `a malformed series: ${truncate(JSON.stringify(series) ?? '')}`;
    samples.push({ name: seriesName(series.metric ?? {}), value });
  }
  return samples;
}

/** A sample is `[timestamp, "value"]`; the value is a string, possibly "NaN", "+Inf" or "-Inf". */
function sampleValue(sample: unknown): number | undefined {
  if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[1] !== 'string') return undefined;
  const text = sample[1].trim();
  if (text === 'NaN') return NaN;
  if (/^[+-]?Inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  const value = Number(text);
  return text === '' || Number.isNaN(value) ? undefined : value;
}

/** PromQL's own notation: `name{label="value",…}`, labels in the order Prometheus gave them. */
function seriesName(metric: Record<string, string>): string {
  const { __name__: name = '', ...labels } = metric;
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

function judge(samples: Sample[], op: Op, threshold: number, compare: (v: number, t: number) => boolean): CheckOutcome {
  if (samples.length === 0) return { status: 'Failed', detail: 'the query returned no series' };
  // NaN compares false with everything, so it fails every op without a special case.
  const bad = samples.find((s) => !compare(s.value, threshold));
  if (bad) {
    const others = samples.length > 1 ? ` (${samples.length} series)` : '';
    return { status: 'Failed', detail: `${bad.name} = ${bad.value}, expected ${op} ${threshold}${others}` };
  }
  if (samples.length === 1) return { status: 'Passed', detail: `${samples[0].name} = ${samples[0].value}, ${op} ${threshold}` };
  return { status: 'Passed', detail: `all ${samples.length} series ${op} ${threshold}` };
}
