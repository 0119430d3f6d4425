import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** TEST_DATABASE_URL, or undefined after saying the suite is skipped (fails under CI, see shared conventions). */
export function testDatabaseUrl(suite: string): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return url;
  if (process.env.CI) throw new Error(`${suite}: TEST_DATABASE_URL is not set (required under CI)`);
  console.log(`  ${suite}: skipped, TEST_DATABASE_URL is not set`);
  return undefined;
}

/** A fresh schema of its own (concurrent test runs share the server); drop() removes it. */
export async function freshSchema(url: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `search_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
