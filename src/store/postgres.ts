/**
 * The server adapter: node-postgres against a PostgreSQL server (`DATABASE_URL`). Several DCP
 * processes may share one database; everything they coordinate on is in it.
 */
import pg from 'pg';
import { MISSED_NOTIFICATIONS, asTransaction, type Db, type Queryable } from './db.ts';

const INT8 = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Statement texts get a name (prepared once per connection) up to this many distinct texts. */
const MAX_NAMED = 2_000;
const names = new Map<string, string>();

/**
 * Named prepared statements: each connection parses and plans a statement once, not on every
 * call (node-postgres sends unnamed statements otherwise, re-planned each time — ~40% of the
 * server's CPU under load, docs/benchmarks.md). DCP's SQL is a fixed set of texts with
 * parameters; past MAX_NAMED distinct texts (never expected) statements go unnamed.
 */
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MAX_NAMED) names.set(text, (name = `dcp_${names.size}`));
  return name;
}

/**
 * Statements sent side by side on a connection go out in one system call: node-postgres writes
 * each on its own (a `writev` each), and side by side is common on a pipelined connection — a
 * transaction's BEGIN with its first statements, a batch's writes. The first statement corks the
 * socket; a microtask uncorks it, once what was queued before it (the statements sent alongside)
 * has run: nothing waits for a later turn.
 */
const corked = new WeakSet<object>();
export function coalesceWrites(client: pg.ClientBase): void {
  const { stream } = (client as unknown as pg.Client).connection;
  if (corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  queueMicrotask(() => {
    corked.delete(stream);
    stream.uncork();
  });
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Db> {
  // Pipelined: queries issued without waiting for the one before go out at once (the server runs
  // them in order, each with its own result or error). A transaction's BEGIN is not waited for,
  // and the statements a batch issues side by side share round trips (docs/benchmarks.md).
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 20, types, pipeline: true });
  // An idle client that loses its server emits 'error' on the pool; log it instead of crashing.
  pool.on('error', (error) => console.error(`postgres pool: ${error.message}`));
  await pool.query('SELECT 1');
  const handlers = new Map<string, Set<(payload: string) => void>>();
  /**
   * The one connection that LISTENs. When it is lost (the server restarted, a network cut) it is
   * made again, with backoff, and LISTENs on every channel again; then every handler is called
   * once, since notifications sent while it was away are lost (a handler only wakes a reader up).
   */
  let connected: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  function connectListener(): Promise<void> {
    connecting ??= (async () => {
      const client = new pg.Client({ connectionString: url });
      let lost = false;
      const onLost = (error?: Error) => {
        if (lost) return;
        lost = true;
        if (connected === client) connected = undefined;
        client.end().catch(() => undefined);
        if (closed) return;
        if (error) console.error(`postgres listener: ${error.message}; reconnecting`);
        scheduleReconnect(250);
      };
      client.on('error', onLost);
      client.on('end', () => onLost());
      client.on('notification', (message) => {
        for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      try {
        await client.connect();
        for (const channel of handlers.keys()) await client.query(`LISTEN "${channel.replaceAll('"', '')}"`);
      } catch (error) {
        onLost(error as Error);
        throw error;
      }
      connected = client;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  /** Tries again every `delayMs` until it is back (a failed try schedules the next one itself). */
  function scheduleReconnect(delayMs: number): void {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connectListener().then(() => {
        // Notifications sent while the listener was away are lost: every handler is told once.
        for (const set of handlers.values()) for (const handler of set) handler(MISSED_NOTIFICATIONS);
      }, () => undefined);
    }, delayMs);
    retryTimer.unref();
  }

  const queryable = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(text: string, values: unknown[] = []) {
      const name = statementName(text);
      if (client !== pool) coalesceWrites(client as pg.PoolClient);
      const result = await client.query(name ? { name, text, values } : { text, values });
      return result.rows as T[];
    },
    async exec(script: string) {
      await client.query(script); // no parameters: the simple protocol, which allows several statements
    },
  });

  return {
    kind: 'postgres',
    ...queryable(pool),
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: a connection lost between two queries
      // (the server restarted) would emit an unhandled 'error' and end the process. The error is
      // kept; the next query fails with it, and the client is discarded, not reused.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      let commit: Promise<pg.QueryResult> | undefined;
      const sendCommit = () => {
        commit = client.query('COMMIT');
        commit.catch(() => undefined); // waited for below, whatever `fn` does
      };
      // The COMMIT goes out in the same write as the last statements: their socket stays corked until it is sent.
      const tx = asTransaction(queryable(client), () => {
        const { stream } = (client as unknown as pg.Client).connection;
        stream.cork();
        return (failed) => {
          if (!failed) sendCommit();
          stream.uncork();
        };
      });
      try {
        // Not waited for: it goes out with the transaction's first statement (pipelined), and a
        // BEGIN that failed fails the statements behind it.
        coalesceWrites(client);
        const begun = client.query('BEGIN');
        begun.catch(() => undefined);
        const result = await fn(tx);
        await begun;
        if (!tx.closed) sendCommit();
        // Closed without its COMMIT: one of its last statements failed before it was sent, and `fn` ignored it.
        if (!commit) throw new Error('the transaction was not committed: one of its last statements failed');
        // COMMIT in a transaction a failed statement aborted answers ROLLBACK, not an error.
        if ((await commit).command !== 'COMMIT') throw new Error('the transaction was rolled back: one of its statements failed');
        return result;
      } catch (error) {
        if (commit) await commit.catch((e: Error) => (lost = e)); // ended either way; a COMMIT that failed leaves the client in doubt
        else if (!lost) await client.query('ROLLBACK').catch((e: Error) => (lost = e)); // a client that cannot roll back is broken: discarded
        throw error;
      } finally {
        client.off('error', onError);
        client.release(lost ?? undefined);
      }
    },
    async listen(channel, onNotify) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        if (connected) await connected.query(`LISTEN "${channel.replaceAll('"', '')}"`);
      }
      set.add(onNotify);
      if (!connected) await connectListener();
      const handlers_ = set;
      return async () => {
        handlers_.delete(onNotify);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await connected?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
