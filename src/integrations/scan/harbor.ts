/**
 * Harbor: the artifact's scan is Harbor's vulnerability scan of each of its images, read from
 * Harbor's v2.0 API (the swagger is test/fixtures/harbor/swagger.yaml; test/fakes/harbor.ts checks
 * every call against it).
 *
 * Calls, per image of the artifact (`registry.example.com/payments/api@sha256:…`):
 *   read  GET  /api/v2.0/projects/{project}/repositories/{repository}/artifacts/{reference}?with_scan_overview=true
 *             X-Accept-Vulnerabilities: the two report types Harbor's UI asks for (the swagger's default)
 *   scan  POST /api/v2.0/projects/{project}/repositories/{repository}/artifacts/{reference}/scan
 * The project is the name's first path segment after the registry host, the repository the rest
 * (`library/team/svc` → project `library`, repository `team/svc`); a repository with a `/` is
 * URL-encoded twice (`team%252Fsvc`), as the swagger's `repository_name` says. The reference is the
 * image's digest, else its tag. The registry host of the name is not compared with DCP_HARBOR_URL:
 * people push through other host names (a load balancer, a replica) than the one DCP calls.
 *
 * Every image counts: the scan is done when every image's scan succeeded, and its findings are
 * the sum over the images of each report's `summary.summary` (counts by Harbor severity).
 *
 * Harbor's scan_status of an image → what DCP answers:
 *   no scan_overview, or "Not Scanned"  → ask Harbor to scan it, once per artifact in this process
 *                                         (a repeat POST while it runs is refused with 409; that is
 *                                         fine; a 412 refusal is shown in `detail` and not repeated;
 *                                         a 404 — deleted meanwhile — is forgotten, to ask again); not done
 *   Pending, Scheduled, Running         → not done: "Harbor is scanning …"
 *   Error, Stopped (or any other value) → not done, the status in `detail`; never a pass. DCP does
 *                                         not ask again: a scan that failed once fails again until
 *                                         someone fixes the scanner; re-scan in Harbor, and the
 *                                         next poll sees it.
 *   Success                             → done with its counts
 *
 * Severities (Harbor's vuln.Severity → DCP's SEVERITIES): Critical → critical, High → high,
 * Medium → medium, Low → low, Negligible → low, Unknown → low. Negligible and Unknown (the scanner's
 * database has no score for it) are kept as low rather than dropped, so a finding never vanishes;
 * they block only a check with `maxSeverity: low`. Ranking Unknown higher would block most
 * deployments on entries no one has scored. "None" (no vulnerability) counts nothing.
 *
 * Errors: 401/403 → PermanentIntegrationError (DCP's robot account is wrong or lacks the project);
 * 404 on the artifact → not done, "not in Harbor yet": the build may report before its push has
 * landed (replication lags), and a deployment of an image that never arrives waits until someone
 * cancels it rather than failing on a race; network failures, timeouts, 429 and 5xx →
 * RetryableIntegrationError; other 4xx and answers that are not Harbor's JSON → permanent.
 *
 * `checkAgainAt` stays undefined: Harbor does not say when a scan will end, so the engine polls
 * every DCP_SCAN_POLL; Harbor's SCANNING_COMPLETED webhook (harbor-webhook.ts) ends the wait sooner.
 */
import type { Clock } from '../../core/clock.ts';
import { PermanentIntegrationError } from '../../core/errors.ts';
import type { ArtifactManifest, ScanFindings, Severity } from '../../core/types.ts';
import type { ScanProvider, ScanStatus } from './port.ts';
import { DEFAULT_TIMEOUT_MS, failure, parseJson, send } from './send.ts';
import { isObject, snippet } from '../vendor-text.ts';

export interface HarborOptions {
  /** Harbor's base URL, e.g. `https://harbor.example.com` (the API is under `/api/v2.0`). */
  url: string;
  /** A robot account or user with read and scan rights on the projects (basic auth); none: anonymous. */
  username?: string;
  password?: string;
  fetch?: typeof fetch;
  /** Dates when DCP asked Harbor for a scan, in `detail`. */
  clock: Clock;
  /** Per call, including reading the body. Default 10 s. */
  timeoutMs?: number;
}

/** The report types DCP reads, most preferred first: Harbor's UI sends exactly this header. */
export const HARBOR_REPORT_TYPES = [
  'application/vnd.security.vulnerability.report; version=1.1',
  'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0',
] as const;

const SEVERITY_MAP: Record<string, Severity | null> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  negligible: 'low',
  unknown: 'low',
  none: null,
};

const RUNNING = new Set(['pending', 'scheduled', 'running']);

/** How many scan requests this process remembers (oldest forgotten first). */
const ASKED_LIMIT = 10_000;

export interface HarborArtifactRef {
  project: string;
  repository: string;
  reference: string;
  /** `/projects/…/repositories/…/artifacts/…`, encoded as Harbor wants it. */
  path: string;
}

/** Where an image lives in Harbor; throws PermanentIntegrationError for a name Harbor cannot hold. */
export function harborArtifact(image: ArtifactManifest['images'][number]): HarborArtifactRef {
  const reference = image.digest || image.tag;
  if (!reference) throw new PermanentIntegrationError(`image ${image.name} has neither a digest nor a tag: Harbor needs one to find it`);
  const segments = image.name.split('/');
  // Docker's rule: the first segment is a registry host when it has a dot or a port, or is localhost.
  if (segments.length > 1 && (/[.:]/.test(segments[0]) || segments[0] === 'localhost')) segments.shift();
  const [project, ...rest] = segments;
  const repository = rest.join('/');
  if (!project || rest.length === 0 || segments.some((s) => s === '')) {
    throw new PermanentIntegrationError(`image ${image.name} is not <registry>/<project>/<repository>: Harbor keeps every repository in a project`);
  }
  // Harbor's repository_name: "If it contains slash, encode it twice over with URL encoding. e.g. a/b -> a%2Fb -> a%252Fb".
  const repo = repository.includes('/') ? encodeURIComponent(encodeURIComponent(repository)) : encodeURIComponent(repository);
  // A digest's ':' is legal in a path segment and Harbor's UI sends it as is.
  const ref = encodeURIComponent(reference).replace(/%3A/gi, ':');
  return { project, repository, reference, path: `/projects/${encodeURIComponent(project)}/repositories/${repo}/artifacts/${ref}` };
}

type ScanRequestAnswer = { at: Date; refused?: string; forget?: boolean };

type ImageScan = { done: true; counts: ScanFindings['counts'] } | { done: false; detail: string };

export function createHarborScanProvider(options: HarborOptions): ScanProvider {
  const api = `${options.url.replace(/\/+$/, '')}/api/v2.0`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Accept-Vulnerabilities': HARBOR_REPORT_TYPES.join(', ') };
  if (options.username !== undefined && options.username !== '') {
    headers.Authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}`;
  }
  /**
   * Scans this process asked for, by artifact path: a promise of how Harbor took the request. Two
   * polls at once join one POST. A request that failed (network, 5xx) is forgotten, so the next
   * poll asks again; one Harbor accepted or refused for good is not repeated.
   */
  const asked = new Map<string, Promise<ScanRequestAnswer>>();

  function requestScan(ref: HarborArtifactRef, name: string): Promise<ScanRequestAnswer> {
    let request = asked.get(ref.path);
    if (!request) {
      request = (async () => {
        const at = options.clock.now();
        const label = `Harbor scan ${name} (POST ${ref.path}/scan)`;
        const answer = await send(doFetch, label, `${api}${ref.path}/scan`, {
          method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ scan_type: 'vulnerability' }),
        }, timeoutMs);
        // 202: accepted. 409: a scan is already under way (another DCP process, or Harbor's scan on push).
        if (answer.status === 202 || answer.status === 409) return { at };
        // 412: Harbor refuses for now (e.g. no scanner set up for the project): say so, do not hammer it.
        if (answer.status === 412) return { at, refused: `HTTP 412${errorMessage(answer.text)}` };
        // 404: deleted between our read and our request; forgotten below, so a re-push is scanned.
        if (answer.status === 404) return { at, refused: 'artifact not in Harbor yet', forget: true };
        throw failure(label, answer, errorMessage(answer.text).slice(2));
      })();
      request.then((r) => r.forget && asked.delete(ref.path), () => asked.delete(ref.path));
      asked.set(ref.path, request);
      if (asked.size > ASKED_LIMIT) asked.delete(asked.keys().next().value!);
    }
    return request;
  }

  async function scanImage(image: ArtifactManifest['images'][number]): Promise<ImageScan> {
    const ref = harborArtifact(image);
    const name = `${ref.project}/${ref.repository}@${ref.reference}`;
    const label = `Harbor read ${name} (GET ${ref.path})`;
    const answer = await send(doFetch, label, `${api}${ref.path}?with_scan_overview=true`, { method: 'GET', headers }, timeoutMs);
    if (answer.status === 404) return { done: false, detail: `Harbor: artifact not in Harbor yet: ${name}` };
    if (answer.status !== 200) throw failure(label, answer, errorMessage(answer.text).slice(2));
    const artifact = parseJson(label, answer);
    if (!isObject(artifact)) throw new PermanentIntegrationError(`${label} answered with something that is not an artifact: ${snippet(answer.text)}`);
    const report = pickReport(label, artifact.scan_overview);
    const status = report ? String(report.scan_status ?? '') : '';

    if (!report || status === '' || status.toLowerCase() === 'not scanned') {
      const had = asked.has(ref.path);
      const request = await requestScan(ref, name);
      if (request.refused) return { done: false, detail: `Harbor did not start a scan of ${name}: ${request.refused}` };
      if (!had) return { done: false, detail: `Harbor is scanning ${name}` };
      return { done: false, detail: `Harbor has not started the scan of ${name} DCP asked for at ${request.at.toISOString()}` };
    }
    if (RUNNING.has(status.toLowerCase())) return { done: false, detail: `Harbor is scanning ${name}` };
    if (status.toLowerCase() !== 'success') {
      const id = typeof report.report_id === 'string' && report.report_id !== '' ? ` (report ${report.report_id})` : '';
      return { done: false, detail: `Harbor: scan ${snippet(status).toLowerCase()} for ${name}${id}: re-scan it in Harbor` };
    }
    return { done: true, counts: reportCounts(label, report) };
  }

  return {
    async status({ artifact }): Promise<ScanStatus> {
      if (artifact.images.length === 0) throw new PermanentIntegrationError(`artifact ${artifact.name} ${artifact.version} lists no images: there is nothing for Harbor to scan`);
      // One image after another: a deterministic answer and error, and a few calls per poll.
      const scans: ImageScan[] = [];
      for (const image of artifact.images) scans.push(await scanImage(image));
      const waiting = scans.flatMap((scan) => (scan.done ? [] : [scan.detail]));
      // One line of a readable length: an artifact of twenty images names the first two.
      if (waiting.length > 3) return { done: false, detail: `${waiting.slice(0, 2).join('; ')}; and ${waiting.length - 2} more images` };
      if (waiting.length > 0) return { done: false, detail: waiting.join('; ') };
      const counts: ScanFindings['counts'] = {};
      for (const scan of scans) {
        if (!scan.done) continue;
        for (const [severity, n] of Object.entries(scan.counts) as [Severity, number][]) counts[severity] = (counts[severity] ?? 0) + n;
      }
      return { done: true, findings: { counts } };
    },
  };
}

/** The NativeReportSummary of the first report type DCP reads that Harbor has; none: not scanned. */
function pickReport(label: string, overview: unknown): Record<string, unknown> | null {
  if (overview === undefined || overview === null) return null;
  if (!isObject(overview)) throw new PermanentIntegrationError(`${label}: scan_overview is not an object`);
  for (const type of HARBOR_REPORT_TYPES) {
    const report = overview[type];
    if (report === undefined || report === null) continue;
    if (!isObject(report)) throw new PermanentIntegrationError(`${label}: scan_overview["${type}"] is not a report summary`);
    return report;
  }
  return null;
}

/** `summary.summary`: whole counts ≥ 0 by Harbor severity, mapped onto DCP's (see the header); zeros dropped. */
function reportCounts(label: string, report: Record<string, unknown>): ScanFindings['counts'] {
  const summary = isObject(report.summary) ? report.summary.summary : undefined;
  const counts: ScanFindings['counts'] = {};
  if (summary === undefined || summary === null) {
    // Harbor writes a summary with every report; a successful scan without one is read as clean
    // only when it says it found nothing in total.
    if (isObject(report.summary) && report.summary.total === 0) return counts;
    throw new PermanentIntegrationError(`${label}: a successful scan without summary.summary (the counts by severity)`);
  }
  if (!isObject(summary)) throw new PermanentIntegrationError(`${label}: summary.summary is not an object of counts`);
  for (const [harborSeverity, n] of Object.entries(summary)) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new PermanentIntegrationError(`${label}: summary.summary.${harborSeverity} is ${JSON.stringify(n)}, not a whole number ≥ 0`);
    }
    const key = harborSeverity.toLowerCase();
    // A severity Harbor may add later is counted as low rather than lost.
    const severity = key in SEVERITY_MAP ? SEVERITY_MAP[key] : 'low';
    if (severity && n > 0) counts[severity] = (counts[severity] ?? 0) + n;
  }
  return counts;
}

/** Harbor's error body `{ errors: [{ code, message }] }` as ": CODE message", else a snippet of the text. */
function errorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    const errors = isObject(body) && Array.isArray(body.errors) ? body.errors : [];
    const parts = errors.filter(isObject).map((e) => [e.code, e.message].filter((p) => typeof p === 'string' && p !== '').join(' '));
    if (parts.some((p) => p !== '')) return `: ${snippet(parts.join('; '))}`;
  } catch {
    // not JSON: a snippet of the text
  }
  return text.trim() === '' ? '' : `: ${snippet(text)}`;
}
