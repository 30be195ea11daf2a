/**
 * Local HTTP servers for contract tests: real sockets on 127.0.0.1 and free ports, each closed
 * by `closeAll`. `closedPort` is an address nobody listens on (connection refused), `silent` a
 * server that accepts requests and never answers.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServers {
  serve(handler: RequestListener): Promise<string>;
  closedPort(): Promise<string>;
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
    async closedPort() {
      const gone = createServer();
      const url = await listen(gone);
      await new Promise((resolve) => gone.close(resolve));
      return url;
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
