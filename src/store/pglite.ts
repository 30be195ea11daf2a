/**
 * The embedded adapter: PGlite (PostgreSQL compiled to WebAssembly) in this process.
 * One process per data directory: PGlite is single-user, and `datadir-lock.ts` keeps a second
 * DCP off a directory that is in use. PGlite serialises queries and transactions itself.
 */
import { PGlite } from '@electric-sql/pglite';
import { asTransaction, type Db, type Queryable } from './db.ts';

const INT8 = 20;
/**
 * PGlite runs in this thread and a chain of queries never yields to the event loop: timers (a
 * release's, a lease renewal) and HTTP requests would starve while work is queued. Every query and
 * transaction started from outside a transaction first lets one turn of the event loop run
 * (measured in bench/: 5.7 → 10 deployments/s, slowest release 10.5 s → 1 s).
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const parsers = { [INT8]: (value: string) => Number(value) };

export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob }): Promise<Db & { dump(): Promise<Blob> }> {
  const pg = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    parsers,
    // PGlite does not fsync anyway; a relaxed flush keeps commits off the critical path.
    relaxedDurability: true,
  });
  const asQueryable = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(text: string, values: unknown[] = []) {
      const result = await q.query<T>(text, values);
      return result.rows;
    },
    async exec(script: string) {
      await q.exec(script);
    },
  });
  const outside = asQueryable(pg);
  return {
    kind: 'pglite',
    async query(text, values) {
      await turn();
      return outside.query(text, values);
    },
    async exec(script) {
      await turn();
      return outside.exec(script);
    },
    async transaction(fn) {
      await turn();
      // Its COMMIT follows `fn` (PGlite runs one statement at a time anyway): `commitBehind` only closes it to more.
      return pg.transaction((tx) => fn(asTransaction(asQueryable(tx), () => () => undefined)));
    },
    async listen(channel, onNotify) {
      const unlisten = await pg.listen(channel, onNotify);
      return () => unlisten();
    },
    close: () => pg.close(),
    async dump() {
      const file = await pg.dumpDataDir('none');
      return file;
    },
  };
}
