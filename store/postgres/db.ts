import pg from 'pg';

/** A connection or the pool: what a repository method runs its statements on. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const INT8 = 20;
const NUMERIC = 1700;

/** int8/numeric come back as JS numbers (counts, sort keys < 2^53), not strings. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  connectionString: string;
  /** Schema for every table (created if missing); every pooled connection gets it as search_path. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function createPool(o: PoolOptions): pg.Pool {
  const options = o.schema ? `-c search_path=${quoteIdent(o.schema).replaceAll(' ', '\\ ')},public` : undefined;
  return new pg.Pool({ connectionString: o.connectionString, max: o.max ?? 10, types, ...(options ? { options } : {}) });
}

/** Runs fn in one transaction on a dedicated connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr;
    }
    throw err;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/**
 * inTx, retried (up to `attempts` times) when PostgreSQL aborts it as a deadlock victim or a serialization
 * failure: for transactions that are safe to run again from the start.
 */
export async function inTxRetry<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await inTx(pool, fn);
    } catch (err) {
      const code = pgCode(err);
      if (i >= attempts || (code !== '40P01' && code !== '40001')) throw err;
    }
  }
}

/** PostgreSQL error code of a failed query (23505 unique_violation, …). */
export function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
}

/**
 * SQL for the advisory-lock key of a name given as parameter `param`. Advisory locks are database-wide,
 * so the key includes the current schema: stores in different schemas of one database never contend.
 */
export const lockKey = (param: string): string => `hashtextextended(current_schema() || ':' || ${param}, 0)`;

/** `$1, $2, …` placeholder for the 0-based index. */
export const dollar = (i: number): string => `$${i + 1}`;
