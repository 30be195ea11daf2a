/**
 * Local HTTP servers for contract tests: real sockets on 127.0.0.1 and free ports, each closed
 * by `closeAll`. `silent` is a server that accepts requests and never answers; `REFUSED_URL` an
 * address nobody listens on.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Connection refused, always: nothing can listen on port 0 (Linux refuses a connect to it). A port
 * that was free a moment ago is no such address: while the suite runs, another test process may
 * bind it, and its server then answers — or receives requests meant for nobody.
 */
export const REFUSED_URL = 'http://127.0.0.1:0';

export interface LocalServers {
  serve(handler: RequestListener): Promise<string>;
  silent(): Promise<string>;
  closeAll(): Promise<void>;
}

export function localServers(): LocalServers {
  const servers: Server[] = [];
  const listen = async (server: Server): Promise<string> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  return {
    async serve(handler) {
      const server = createServer(handler);
      servers.push(server);
      return listen(server);
    },
    async silent() {
      const server = createServer(() => {});
      servers.push(server);
      return listen(server);
    },
    async closeAll() {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      servers.length = 0;
    },
  };
}
