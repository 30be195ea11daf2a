/**
 * The narrow database port: parameterised SQL and transactions, nothing else. Two adapters
 * implement it: PGlite (embedded PostgreSQL, `pglite.ts`) and node-postgres (`postgres.ts`).
 * SQL written against it must run on both PostgreSQL 15 (servers) and 18 (PGlite).
 *
 * Row conventions shared by both adapters: bigint (int8) columns arrive as JS numbers,
 * timestamptz as Date, json/jsonb parsed.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A transaction's statements (`Db.transaction`). */
export interface Transaction extends Queryable {
  /**
   * `last` are the transaction's last statements, all sent: its COMMIT goes out right behind them
   * (a pipelined connection: in their round trip), not once `fn` has waited for their answers and
   * returned, so its locks are held a turn of the event loop less. Nothing may be sent after it: a
   * statement then fails, unsent. A statement of `last` that failed before it was sent (a fault
   * found in JavaScript) stops the COMMIT; one that fails on the server makes COMMIT roll back.
   * `fn` then waits for `last` and throws the first failure, as it would without this; whatever
   * it checks in their answers can no longer stop the commit, so every check must be in the SQL.
   */
  commitBehind(last: readonly Promise<unknown>[]): void;
}

/** The error of a statement sent after its transaction's `commitBehind`: a fault in the caller. */
export class AfterCommitError extends Error {}

/**
 * `q` as a transaction (what both adapters hand `fn`). `commitBehind` calls `close` at once (an
 * adapter holds its writes back), then, once those of its `last` statements that failed before
 * they were sent have said so (their rejections are handled before the next microtask), what
 * `close` returned, told whether one did (then there is no COMMIT). `closed`: whether it was called.
 */
export function asTransaction(q: Queryable, close: () => (failed: boolean) => void): Transaction & { readonly closed: boolean } {
  let closed = false;
  const refused = () => Promise.reject(new AfterCommitError("a statement was sent after its transaction's COMMIT"));
  return {
    get closed() {
      return closed;
    },
    query: (text, values) => (closed ? refused() : q.query(text, values)),
    exec: (script) => (closed ? refused() : q.exec(script)),
    commitBehind(last) {
      if (closed) return;
      closed = true;
      const closing = close();
      let failed = false;
      for (const statement of last) statement.catch(() => (failed = true));
      queueMicrotask(() => closing(failed));
    },
  };
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; it commits when `fn` resolves (or behind its last statements: `commitBehind`) and rolls back when it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Subscribe to NOTIFY on `channel` (cross-process wake-ups). Returns an unsubscribe. When the
   * listening connection was lost and is back, `onNotify` is called once with
   * `MISSED_NOTIFICATIONS`: anything may have been sent meanwhile.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The payload a listener gets once its connection is back after a loss (notifications may have been missed). */
export const MISSED_NOTIFICATIONS = '\u0000missed';

/** SQLSTATE of the error, if it came from PostgreSQL. */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Waits for every promise, then throws the first failure in the order given: statements sent
 * side by side on a pipelined connection fail after the first failure too ("the transaction is
 * aborted"), and the first is the cause. Nothing is left running on the transaction after it.
 */
export async function allInOrder<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * A write whose calls on one connection or transaction in the same turn (microtask) go in one
 * statement: `flush` gets them in call order, and every call settles with it. Writes issued side
 * by side (applied together) then cost one statement, not one each.
 */
export function gathered<T>(flush: (q: Queryable, items: T[]) => Promise<void>): (q: Queryable, item: T) => Promise<void> {
  const waiting = new WeakMap<Queryable, { items: T[]; done: Promise<void> }>();
  return (q, item) => {
    let batch = waiting.get(q);
    if (!batch) {
      const items: T[] = [];
      const done = Promise.resolve().then(() => {
        waiting.delete(q);
        return flush(q, items);
      });
      batch = { items, done };
      waiting.set(q, batch);
    }
    batch.items.push(item);
    return batch.done;
  };
}
