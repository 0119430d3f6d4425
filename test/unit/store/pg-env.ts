import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL the tests use: TEST_DATABASE_URL. Unset: the suite fails when CI is set (CI must
 * provide it), else it is skipped with a note. Each suite works in its own fresh schema, dropped after.
 */
export function testDatabaseUrl(suite: Mocha.Suite | Mocha.Context, what: string): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return url;
  if (process.env.CI) throw new Error(`${what}: TEST_DATABASE_URL is not set, and CI must run the PostgreSQL tests`);
  console.log(`    (skipped: ${what} needs TEST_DATABASE_URL, e.g. postgres://radar:radar@127.0.0.1:5432/radar_test)`);
  if ('skip' in suite && typeof suite.skip === 'function') suite.skip();
  return undefined;
}

export const randomSchema = (prefix = 'radar_t'): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

export async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await client.end();
  }
}
