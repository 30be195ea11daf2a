/**
 * A fake artifact API (docs/integrations/scan.md) for tests: a local HTTP server (127.0.0.1, a
 * free port) answering
 *
 *   GET /v1/scans?artifact=<name>&version=<version>&digest=<d>…   → 200 { status, detail?, findings? } | 404
 *
 * Scans are added by a test (`add`) and go pending → (`finishScans()`) done with their findings,
 * or to any status a test sets (`error`, a status from a newer API, a broken answer with `raw`).
 * With a token, every request needs `Authorization: Bearer <token>` (else 401). Requests that
 * break the contract (another path or method, `artifact` or `version` missing or repeated, an
 * unknown parameter, a digest for no image of the scan) are answered 400 and recorded in
 * `violations`, and every answer the fake makes of its own is checked against ANSWER_SCHEMA.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';

/** The contract's 200 answer as JSON Schema: what docs/integrations/scan.md describes. */
export const ANSWER_SCHEMA = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { enum: ['pending', 'running', 'done', 'error'] },
    detail: { type: 'string', maxLength: 200, pattern: '^[^\\r\\n]*$' },
    findings: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(['critical', 'high', 'medium', 'low'].map((s) => [s, { type: 'integer', minimum: 0 }])),
    },
  },
  if: { properties: { status: { const: 'done' } } },
  then: { required: ['findings'] },
} as const;

const validateAnswer = new Ajv({ allErrors: true }).compile(ANSWER_SCHEMA);

export interface FakeScan {
  artifact: string;
  version: string;
  digests: string[];
  status: string;
  detail?: string;
  findings: Record<string, number>;
  /** A body sent as is instead of the scan (to test a reader against a broken service); not schema-checked. */
  raw?: unknown;
}

export interface FakeArtifactApi {
  url: string;
  add(scan: Pick<FakeScan, 'artifact' | 'version'> & Partial<FakeScan>): FakeScan;
  finishScans(): void;
  failNext(n: number): void;
  requests: { url: string; authorization: string | undefined }[];
  violations: string[];
  close(): Promise<void>;
}

export async function startFakeArtifactApi(options: { token?: string } = {}): Promise<FakeArtifactApi> {
  const scans: FakeScan[] = [];
  const requests: { url: string; authorization: string | undefined }[] = [];
  const violations: string[] = [];
  let failures = 0;

  const send = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '/', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://fake');
    const problems: string[] = [];
    if (req.method !== 'GET' || url.pathname !== '/v1/scans') problems.push(`${req.method} ${url.pathname}: the artifact API has only GET /v1/scans`);
    for (const key of new Set(url.searchParams.keys())) if (!['artifact', 'version', 'digest'].includes(key)) problems.push(`unknown query parameter ${key}`);
    for (const key of ['artifact', 'version']) if (url.searchParams.getAll(key).length !== 1 || url.searchParams.get(key) === '') problems.push(`${key} must be given once`);
    if (problems.length > 0) {
      violations.push(...problems);
      return send(res, 400, { error: problems.join('; ') });
    }
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: 'a bearer token is required' });
    if (failures > 0) {
      failures -= 1;
      return send(res, 503, { error: 'failing on purpose' });
    }
    const [artifact, version, digests] = [url.searchParams.get('artifact'), url.searchParams.get('version'), url.searchParams.getAll('digest')];
    const scan = scans.find((s) => s.artifact === artifact && s.version === version);
    if (!scan) return send(res, 404, { error: `no scan of ${artifact} ${version}` });
    const strangers = digests.filter((d) => !scan.digests.includes(d));
    if (strangers.length > 0 || digests.length !== scan.digests.length) {
      violations.push(`digests ${digests.join(',')} are not the images of ${artifact} ${version} (${scan.digests.join(',')})`);
      return send(res, 400, { error: 'digests do not match the artifact' });
    }
    if (scan.raw !== undefined) return send(res, 200, scan.raw);
    const body: Record<string, unknown> = { status: scan.status };
    if (scan.detail !== undefined) body.detail = scan.detail;
    if (scan.status === 'done') body.findings = scan.findings;
    if (['pending', 'running', 'done', 'error'].includes(scan.status) && !validateAnswer(body)) {
      violations.push(`answer: ${JSON.stringify(validateAnswer.errors)}`);
      return send(res, 500, { error: 'the fake made an answer outside the contract' });
    }
    return send(res, 200, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    violations,
    add(fields) {
      const scan: FakeScan = { digests: [], status: 'pending', findings: {}, ...fields };
      scans.push(scan);
      return scan;
    },
    finishScans() {
      for (const scan of scans) if (scan.status === 'pending' || scan.status === 'running') scan.status = 'done';
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
