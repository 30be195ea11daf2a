/**
 * The benchmark's HTTP clients, in a process of their own (clients are not DCP: their requests
 * and parsing must not run on DCP's event loop). Reads one JSON line per build on stdin, posts it
 * to `POST /api/v1/builds` at once (the parent keeps `clients` in flight), and answers each with a
 * line `{"n", "status", "id", "ms"}`: `ms` as the client saw it, from sending to the parsed answer.
 *
 *   node bench/http-clients.ts URL TOKEN CLIENTS
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const [url, token, clients] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(clients) });
const endpoint = new URL('/api/v1/builds', url);

function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(endpoint, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

for await (const line of createInterface({ input: process.stdin })) {
  const { n, build } = JSON.parse(line) as { n: number; build: unknown };
  const started = performance.now();
  post(JSON.stringify(build)).then(
    ({ status, text }) => {
      const id = status === 201 ? (JSON.parse(text) as { id: string }).id : text;
      process.stdout.write(`${JSON.stringify({ n, status, id, ms: performance.now() - started })}\n`);
    },
    (error: Error) => process.stdout.write(`${JSON.stringify({ n, status: 0, id: error.message, ms: performance.now() - started })}\n`),
  );
}
