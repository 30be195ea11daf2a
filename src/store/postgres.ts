/**
 * The server adapter: node-postgres against a PostgreSQL server (`DATABASE_URL`). Several DCP
 * processes may share one database; everything they coordinate on is in it.
 */
import pg from 'pg';
import type { Db, Queryable } from './db.ts';

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

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 20, types });
  // An idle client that loses its server emits 'error' on the pool; log it instead of crashing.
  pool.on('error', (error) => console.error(`postgres pool: ${error.message}`));
  await pool.query('SELECT 1');
  let listener: pg.Client | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  const queryable = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(text: string, values: unknown[] = []) {
      const name = statementName(text);
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
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onNotify) {
      if (!listener) {
        listener = new pg.Client({ connectionString: url });
        listener.on('error', (error) => console.error(`postgres listener: ${error.message}`));
        listener.on('notification', (message) => {
          for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
        });
        await listener.connect();
      }
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await listener.query(`LISTEN "${channel.replaceAll('"', '')}"`);
      }
      set.add(onNotify);
      return async () => {
        set.delete(onNotify);
      };
    },
    async close() {
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
