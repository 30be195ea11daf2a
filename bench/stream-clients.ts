/**
 * Live-stream readers for the benchmark, in a process of their own (readers are not DCP): opens N
 * `GET /api/v1/stream` connections, counts the events each gets, and on "stop\n" on stdin prints
 * {"connected", "events": {min, max, total}, "outOfOrder", "ended"} and exits.
 *
 *   node bench/stream-clients.ts URL TOKEN N
 */
import http from 'node:http';

const [url, token, count] = process.argv.slice(2);
const n = Number(count);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const counts: number[] = [];
let connected = 0;
let outOfOrder = 0;
let ended = 0;
const requests: http.ClientRequest[] = [];

for (let i = 0; i < n; i++) {
  counts.push(0);
  let last = -1;
  let buffer = '';
  const request = http.get(`${url}/api/v1/stream`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
    connected++;
    if (connected === n) process.stdout.write('connected\n');
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.startsWith('id: ')) continue;
        const id = Number(block.slice(4, block.indexOf('\n')));
        if (id !== last + 1 && last !== -1) outOfOrder++;
        last = id;
        counts[i]++;
      }
    });
    res.on('end', () => ended++);
  });
  request.on('error', () => ended++);
  requests.push(request);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (!line.includes('stop')) return;
  const total = counts.reduce((a, b) => a + b, 0);
  process.stdout.write(`${JSON.stringify({ connected, events: { min: Math.min(...counts), max: Math.max(...counts), total }, outOfOrder, ended })}\n`);
  for (const r of requests) r.destroy();
  process.exit(0);
});
