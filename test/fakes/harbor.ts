/**
 * A fake Harbor for tests: a local HTTP server (127.0.0.1, a free port) holding artifacts and
 * playing their scans the way Harbor's v2.0 API shows them:
 *
 *   GET  /api/v2.0/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}
 *        → 200 Artifact (with `scan_overview` once a scan began, when `with_scan_overview=true`), 404 Errors
 *   POST …/artifacts/{reference}/scan → 202; a scan already under way → 409 Errors (Harbor's
 *        CONFLICT; the swagger does not list 409 for this operation, so it is the one undeclared
 *        status the fake allows, and its body is still checked as Errors)
 *
 * A scan goes not scanned → (POST scan) Pending → (`finishScans()`) Success with the artifact's
 * findings, or Error / Stopped when a test sets it. Every request needs basic auth (else 401).
 *
 * Everything is checked against the Harbor swagger (test/fixtures/harbor/swagger.yaml): every
 * request must be one of its operations (method, path template, declared query parameters, the
 * X-Accept-Vulnerabilities types, the body's ScanType) with a repository name that has a `/`
 * encoded twice; every answer must match the schema of its status (Artifact, NativeReportSummary,
 * VulnerabilitySummary, Scanner, Tag, Errors … closed against unknown fields). A mismatch is
 * answered 400 and recorded in `violations`; tests assert there are none.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadSwagger, type Operation } from './swagger.ts';

export const FAKE_HARBOR_USER = 'robot$dcp';
export const FAKE_HARBOR_PASSWORD = 'harbor:s3cret';

const SWAGGER = fileURLToPath(new URL('../fixtures/harbor/swagger.yaml', import.meta.url));
const swagger = loadSwagger(SWAGGER, {
  strict: ['Artifact', 'NativeReportSummary', 'VulnerabilitySummary', 'Scanner', 'Tag', 'AdditionLink', 'Errors', 'Error', 'ScanType'],
});
/** The report types Harbor supports, from the swagger's X-Accept-Vulnerabilities default. */
const REPORT_TYPES = String(swagger.parameter('acceptVulnerabilities').default).split(/,\s*/);
const START = Date.parse('2026-01-05T10:00:00Z');

export type HarborSeverity = 'Critical' | 'High' | 'Medium' | 'Low' | 'Negligible' | 'Unknown';
export type FakeScanState = 'Not Scanned' | 'Pending' | 'Running' | 'Success' | 'Error' | 'Stopped';

export interface FakeArtifact {
  project: string;
  repository: string;
  digest: string;
  tags: string[];
  state: FakeScanState;
  findings: Partial<Record<HarborSeverity, number>>;
  /** How often DCP asked for a scan of it. */
  scanRequests: number;
}

export interface FakeHarbor {
  url: string;
  /** Adds an artifact, not scanned unless `state` says otherwise. */
  add(artifact: Pick<FakeArtifact, 'project' | 'repository' | 'digest'> & Partial<FakeArtifact>): FakeArtifact;
  get(project: string, repository: string, digest: string): FakeArtifact;
  /** Scans under way succeed; with `notScanned`, artifacts never asked for are scanned too (Harbor's scan on push). */
  finishScans(options?: { notScanned?: boolean }): void;
  /** The next `n` requests answer 500. */
  failNext(n: number): void;
  /** Every request as it came: method, raw path (still encoded), and its X-Accept-Vulnerabilities. */
  requests: FakeHarborRequest[];
  violations: string[];
  close(): Promise<void>;
}

export interface FakeHarborRequest {
  method: string;
  url: string;
  acceptVulnerabilities: string | undefined;
}

const SEVERITY_ORDER: HarborSeverity[] = ['Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown'];

export async function startFakeHarbor(): Promise<FakeHarbor> {
  const artifacts: FakeArtifact[] = [];
  const requests: FakeHarborRequest[] = [];
  const violations: string[] = [];
  const basic = `Basic ${Buffer.from(`${FAKE_HARBOR_USER}:${FAKE_HARBOR_PASSWORD}`, 'utf8').toString('base64')}`;
  let failures = 0;

  const find = (project: string, repository: string, reference: string) =>
    artifacts.find((a) => a.project === project && a.repository === repository && (a.digest === reference || a.tags.includes(reference)));

  function artifactJson(a: FakeArtifact, index: number, withScan: boolean, reportType: string): Record<string, unknown> {
    const pushed = new Date(START + index * 1000).toISOString();
    const body: Record<string, unknown> = {
      id: index + 1, type: 'IMAGE', media_type: 'application/vnd.oci.image.config.v1+json',
      manifest_media_type: 'application/vnd.oci.image.manifest.v1+json', project_id: 1, repository_id: index + 1,
      repository_name: `${a.project}/${a.repository}`, digest: a.digest, size: 4096, push_time: pushed, pull_time: pushed,
      extra_attrs: {}, annotations: {},
      tags: a.tags.map((name, i) => ({ id: i + 1, repository_id: index + 1, artifact_id: index + 1, name, push_time: pushed, pull_time: pushed, immutable: false })),
      addition_links: { vulnerabilities: { href: `/api/v2.0/projects/${a.project}/repositories/${a.repository}/artifacts/${a.digest}/additions/vulnerabilities`, absolute: false } },
    };
    if (withScan && a.state !== 'Not Scanned') body.scan_overview = { [reportType]: reportSummary(a, index) };
    return body;
  }

  function reportSummary(a: FakeArtifact, index: number): Record<string, unknown> {
    const started = new Date(START + 60_000 + index * 1000).toISOString();
    const summary: Record<string, unknown> = {
      report_id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`, scan_status: a.state, duration: 0,
      start_time: started, complete_percent: a.state === 'Success' ? 100 : 0,
      scanner: { name: 'Trivy', vendor: 'Aqua Security', version: 'v0.58.0' },
    };
    if (a.state === 'Success') {
      const counts = Object.fromEntries(Object.entries(a.findings).filter(([, n]) => n! > 0));
      const total = Object.values(counts).reduce((sum, n) => sum + n!, 0);
      summary.severity = SEVERITY_ORDER.find((s) => counts[s]) ?? 'None';
      summary.summary = { total, fixable: 0, summary: counts };
      summary.end_time = new Date(START + 120_000 + index * 1000).toISOString();
      summary.duration = 60;
    }
    return summary;
  }

  /** Answers, after checking the answer against the swagger (a fake that lies would make every test pass). */
  function answer(res: http.ServerResponse, operation: Operation | null, status: number, body?: unknown): void {
    if (operation) {
      const undeclared409 = status === 409 && operation.operationId === 'scanArtifact';
      const problems = undeclared409 ? swagger.definition('Errors', body) : swagger.response(operation, status, body);
      if (problems.length > 0) {
        violations.push(...problems.map((p) => `answer: ${p}`));
        status = 500;
        body = { errors: [{ code: 'FAKE_INVALID_ANSWER', message: problems.join('; ') }] };
      }
    }
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }
  const errors = (code: string, message: string) => ({ errors: [{ code, message }] });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const rawUrl = req.url ?? '/';
      const acceptHeader = req.headers['x-accept-vulnerabilities'];
      requests.push({ method, url: rawUrl, acceptVulnerabilities: typeof acceptHeader === 'string' ? acceptHeader : undefined });
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        violations.push(`request: ${method} ${rawUrl}: body is not JSON`);
        return answer(res, null, 400, errors('BAD_REQUEST', 'body is not JSON'));
      }
      const checked = swagger.request(method, rawUrl, req.headers, body);
      if ('problems' in checked) {
        violations.push(...checked.problems.map((p) => `request: ${p}`));
        return answer(res, null, 400, errors('BAD_REQUEST', checked.problems.join('; ')));
      }
      const { operation } = checked;
      const problems: string[] = [];
      const accept = req.headers['x-accept-vulnerabilities'];
      const accepted = typeof accept === 'string' ? accept.split(/,\s*/) : [];
      if (accept !== undefined && (accepted.length === 0 || accepted.some((t) => !REPORT_TYPES.includes(t)))) problems.push(`X-Accept-Vulnerabilities "${accept}" lists a type Harbor does not support`);
      const repo = operation.rawParams.repository_name ?? '';
      if (/%2F/i.test(repo) || repo.includes('/')) problems.push(`repository_name "${repo}" has a slash encoded once: Harbor wants a/b as a%252Fb`);
      if (problems.length > 0) {
        violations.push(...problems.map((p) => `request: ${p}`));
        return answer(res, operation, 400, errors('BAD_REQUEST', problems.join('; ')));
      }
      if (req.headers.authorization !== basic) return answer(res, operation, 401, errors('UNAUTHORIZED', 'unauthorized'));
      if (failures > 0) {
        failures -= 1;
        return answer(res, operation, 500, errors('INTERNAL_SERVER_ERROR', 'failing on purpose'));
      }
      const project = decodeURIComponent(operation.rawParams.project_name ?? '');
      const repository = decodeURIComponent(decodeURIComponent(repo));
      const reference = decodeURIComponent(operation.rawParams.reference ?? '');
      const artifact = find(project, repository, reference);
      const index = artifact ? artifacts.indexOf(artifact) : -1;
      if (operation.operationId !== 'getArtifact' && operation.operationId !== 'scanArtifact') {
        return answer(res, operation, 500, errors('NOT_FAKED', `the fake does not play ${operation.operationId}`));
      }
      if (!artifact) return answer(res, operation, 404, errors('NOT_FOUND', `artifact ${project}/${repository}@${reference} not found`));
      if (operation.operationId === 'scanArtifact') {
        artifact.scanRequests += 1;
        if (artifact.state === 'Pending' || artifact.state === 'Running') return answer(res, operation, 409, errors('CONFLICT', `a previous scan process is ${artifact.state}`));
        artifact.state = 'Pending';
        return answer(res, operation, 202);
      }
      const url = new URL(rawUrl, 'http://fake');
      const reportType = accepted[0] ?? REPORT_TYPES[0];
      return answer(res, operation, 200, artifactJson(artifact, index, url.searchParams.get('with_scan_overview') === 'true', reportType));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    violations,
    add(fields) {
      const artifact: FakeArtifact = { tags: [], state: 'Not Scanned', findings: {}, scanRequests: 0, ...fields };
      artifacts.push(artifact);
      return artifact;
    },
    get(project, repository, digest) {
      const artifact = find(project, repository, digest);
      if (!artifact) throw new Error(`no artifact ${project}/${repository}@${digest}`);
      return artifact;
    },
    finishScans({ notScanned = false } = {}) {
      for (const a of artifacts) {
        if (a.state === 'Pending' || a.state === 'Running' || (notScanned && a.state === 'Not Scanned')) a.state = 'Success';
      }
    },
    failNext(n) {
      failures = n;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
