import type pg from 'pg';

/**
 * Versioned migrations of the PostgreSQL search index, in its own tables (the index is derived data:
 * dropping them and running `radar reindex` rebuilds it). Applied in order under an advisory lock, so
 * several processes starting at once migrate once.
 */
export const searchMigrations: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'search_mentions',
    sql: `
      CREATE TABLE search_mentions (
        id text PRIMARY KEY,
        published_at timestamptz NOT NULL,
        source text NOT NULL,
        source_type text NOT NULL,
        institution text NOT NULL,
        institutions text[] NOT NULL,
        topics text[] NOT NULL,
        sentiment text NOT NULL,
        -- jieba tokens, parsed by the built-in 'simple' configuration: no Chinese parser extension needed
        tsv tsvector NOT NULL,
        terms text[] NOT NULL,
        view jsonb NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX search_mentions_time ON search_mentions (published_at DESC, id DESC);
      CREATE INDEX search_mentions_institution ON search_mentions (institution, published_at);
      CREATE INDEX search_mentions_tsv ON search_mentions USING gin (tsv);
      CREATE INDEX search_mentions_topics ON search_mentions USING gin (topics);
    `,
  },
];

const LOCK_KEY = 'radar_search_index_migrations';

/** Applies the pending migrations; returns the versions applied. */
export async function migrateSearch(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS search_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM search_schema_migrations')).rows.map((r) => r.version));
    for (const m of searchMigrations) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO search_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
