/**
 * A fake GitHub REST API for tests: a local HTTP server (127.0.0.1, a free port) with one
 * organisation's repositories and their root files, answering as api.github.com does:
 *
 *   GET /orgs/{org}/repos?per_page=N&page=P         repositories, `Link: <…>; rel="next", <…>; rel="last"`
 *   GET /repos/{owner}/{repo}/contents/{path}       { type: "file", encoding: "base64", content, sha, size, html_url, … }; 404 when absent
 *
 * Every answer has an `ETag` (a digest of the body); a request whose `If-None-Match` matches is
 * answered `304` with no body, and does not count against the rate limit (GitHub's rule). Every
 * answer carries `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (epoch
 * seconds, on the test's clock). When the remaining count is spent, requests are answered `403`
 * "API rate limit exceeded" until the reset, and counted in `refused` (a client that honours the
 * headers never sees one). `Authorization: Bearer <token>` is required.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/core/clock.ts';

export const FAKE_GITHUB_TOKEN = 'ghp_testtoken';

export interface FakeRepo {
  name: string;
  archived?: boolean;
  /** Root files by path: `catalog-info.yaml`, `kilonova.yaml`. */
  files: Record<string, string>;
}

export interface FakeGitHub {
  url: string;
  org: string;
  repos: FakeRepo[];
  requests: { method: string; url: string; ifNoneMatch: string | undefined; status: number }[];
  /** Requests answered 403 because the rate limit was spent. */
  refused: number;
  /** Sets the limit: `remaining` requests until `resetAt`, when it refills to `limit`. */
  rateLimit(remaining: number, resetAt: Date, limit?: number): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(options: { org: string; repos: FakeRepo[]; clock: Clock; perPage?: number }): Promise<FakeGitHub> {
  const limit = { max: 5000, remaining: 5000, resetAt: options.clock.now().getTime() + 3600_000 };
  const fake: FakeGitHub = {
    url: '',
    org: options.org,
    repos: options.repos,
    requests: [],
    refused: 0,
    rateLimit(remaining, resetAt, max = 5000) {
      limit.remaining = remaining;
      limit.resetAt = resetAt.getTime();
      limit.max = max;
    },
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', fake.url);
    const ifNoneMatch = typeof req.headers['if-none-match'] === 'string' ? req.headers['if-none-match'] : undefined;
    const record = { method: req.method ?? 'GET', url: req.url ?? '/', ifNoneMatch, status: 0 };
    fake.requests.push(record);
    const now = options.clock.now().getTime();
    if (now >= limit.resetAt) {
      limit.remaining = limit.max;
      limit.resetAt = now + 3600_000;
    }
    const headers = (extra: Record<string, string> = {}) => ({
      'x-ratelimit-limit': String(limit.max),
      'x-ratelimit-remaining': String(limit.remaining),
      'x-ratelimit-reset': String(Math.ceil(limit.resetAt / 1000)),
      'x-github-api-version-selected': '2022-11-28',
      ...extra,
    });
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      const text = JSON.stringify(body);
      const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
      if (status === 200 && ifNoneMatch === etag) {
        record.status = 304;
        res.writeHead(304, headers({ etag, ...extra }));
        return res.end();
      }
      if (status === 200) {
        // Conditional requests answered 304 are free; the others count.
        limit.remaining = Math.max(0, limit.remaining - 1);
      }
      res.writeHead(status, headers({ 'content-type': 'application/json; charset=utf-8', ...(status === 200 ? { etag } : {}), ...extra }));
      res.end(text);
    };
    if (req.headers.authorization !== `Bearer ${FAKE_GITHUB_TOKEN}`) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    if (limit.remaining <= 0) {
      fake.refused += 1;
      return send(403, { message: 'API rate limit exceeded for installation.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' });
    }
    const reposMatch = /^\/orgs\/([^/]+)\/repos$/.exec(url.pathname);
    if (req.method === 'GET' && reposMatch) {
      if (reposMatch[1] !== options.org) return send(404, { message: 'Not Found' });
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), options.perPage ?? 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = fake.repos;
      const items = all.slice((page - 1) * perPage, page * perPage).map((r, i) => ({
        id: 1000 + (page - 1) * perPage + i, name: r.name, full_name: `${options.org}/${r.name}`, private: false, archived: r.archived ?? false,
        html_url: `${fake.url}/${options.org}/${r.name}`, default_branch: 'main',
      }));
      const pages = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number, rel: string) => `<${fake.url}/orgs/${options.org}/repos?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = [page < pages ? link(page + 1, 'next') : null, page < pages ? link(pages, 'last') : null, page > 1 ? link(1, 'first') : null].filter(Boolean);
      return send(200, items, links.length > 0 ? { link: links.join(', ') } : {});
    }
    const contents = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && contents) {
      const repo = fake.repos.find((r) => r.name === decodeURIComponent(contents[2]));
      const path = decodeURIComponent(contents[3]);
      const text = contents[1] === options.org ? repo?.files[path] : undefined;
      if (text === undefined) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content' });
      const sha = createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
      // GitHub wraps base64 content at 60 characters.
      const content = (Buffer.from(text, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n');
      return send(200, {
        type: 'file', encoding: 'base64', size: Buffer.byteLength(text), name: path, path, content, sha,
        url: `${fake.url}/repos/${options.org}/${repo!.name}/contents/${path}?ref=main`,
        html_url: `https://github.example.com/${options.org}/${repo!.name}/blob/main/${path}`,
        download_url: `https://raw.example.com/${options.org}/${repo!.name}/main/${path}`,
      });
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
