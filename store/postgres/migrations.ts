import type pg from 'pg';
import { CASE_COMPLAINANTS_SQL } from '../sqlite/migrations.js';
import { inTx, lockKey } from './db.js';

export interface PgMigration {
  version: number;
  name: string;
  up: string;
}

/**
 * Ordered schema migrations of the PostgreSQL store. Never edit a released migration: append a new one.
 * Version 1 is the SQLite schema as of its migration 5 (same tables and columns, so the backends share
 * row decoding), with a `tsv` column (jieba tokens and title, `simple` configuration) for search.
 * Version 2 is SQLite's migration 6 (same SQL).
 * Times are canonical UTC ISO text, as in SQLite: they compare as strings. Every text column uses the
 * "C" collation, so ordering and keyset cursors are bytewise as in SQLite, whatever the database's locale.
 */
export const pgMigrations: PgMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: `
      CREATE TABLE mentions (
        id TEXT COLLATE "C" PRIMARY KEY,
        source TEXT COLLATE "C" NOT NULL,
        published_at TEXT COLLATE "C" NOT NULL,
        fetched_at TEXT COLLATE "C" NOT NULL,
        content_hash TEXT COLLATE "C" NOT NULL,
        duplicate_of TEXT COLLATE "C",
        processed_at TEXT COLLATE "C",
        lease_owner TEXT COLLATE "C",
        lease_until TEXT COLLATE "C",
        data TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX mentions_content_hash ON mentions(content_hash) WHERE duplicate_of IS NULL;
      CREATE INDEX mentions_unprocessed ON mentions(published_at, id) WHERE processed_at IS NULL AND duplicate_of IS NULL;

      CREATE TABLE analyses (
        sk BIGINT PRIMARY KEY,
        mention_id TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES mentions(id),
        published_at TEXT COLLATE "C" NOT NULL,
        source TEXT COLLATE "C" NOT NULL,
        label TEXT COLLATE "C" NOT NULL,
        institution TEXT COLLATE "C",
        institutions TEXT COLLATE "C" NOT NULL,
        topics TEXT COLLATE "C" NOT NULL,
        event_id TEXT COLLATE "C",
        data TEXT COLLATE "C" NOT NULL,
        tsv TSVECTOR NOT NULL
      );
      CREATE INDEX analyses_institution ON analyses(institution, sk);
      CREATE INDEX analyses_tsv ON analyses USING GIN (tsv);

      CREATE TABLE events (
        id TEXT COLLATE "C" PRIMARY KEY,
        institution TEXT COLLATE "C" NOT NULL,
        topics TEXT COLLATE "C" NOT NULL,
        key_terms TEXT COLLATE "C" NOT NULL,
        title TEXT COLLATE "C" NOT NULL,
        simhash TEXT COLLATE "C" NOT NULL,
        first_seen_at TEXT COLLATE "C" NOT NULL,
        last_seen_at TEXT COLLATE "C" NOT NULL,
        mention_count INTEGER NOT NULL DEFAULT 0,
        distinct_authors INTEGER NOT NULL DEFAULT 0,
        distinct_complainants INTEGER NOT NULL DEFAULT 0,
        negative_count INTEGER NOT NULL DEFAULT 0,
        media_count INTEGER NOT NULL DEFAULT 0,
        sources TEXT COLLATE "C" NOT NULL DEFAULT '[]',
        regulator_mentioned INTEGER NOT NULL DEFAULT 0,
        run_rumour INTEGER NOT NULL DEFAULT 0,
        last_hour_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX events_last_seen ON events(last_seen_at, id);
      CREATE INDEX events_institution ON events(institution, last_seen_at);

      CREATE TABLE event_mentions (
        event_id TEXT COLLATE "C" NOT NULL REFERENCES events(id),
        mention_id TEXT COLLATE "C" NOT NULL,
        published_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (event_id, mention_id)
      );
      CREATE INDEX event_mentions_time ON event_mentions(event_id, published_at);
      CREATE TABLE event_members (event_id TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, member TEXT COLLATE "C" NOT NULL, PRIMARY KEY (event_id, kind, member));
      CREATE TABLE event_minutes (event_id TEXT COLLATE "C" NOT NULL, minute BIGINT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (event_id, minute));

      CREATE TABLE rollup_hour (topic TEXT COLLATE "C" NOT NULL, bucket BIGINT NOT NULL, institution TEXT COLLATE "C" NOT NULL, source TEXT COLLATE "C" NOT NULL, label TEXT COLLATE "C" NOT NULL,
        count BIGINT NOT NULL, PRIMARY KEY (topic, bucket, institution, source, label));
      CREATE TABLE rollup_day (topic TEXT COLLATE "C" NOT NULL, bucket BIGINT NOT NULL, institution TEXT COLLATE "C" NOT NULL, source TEXT COLLATE "C" NOT NULL, label TEXT COLLATE "C" NOT NULL,
        count BIGINT NOT NULL, PRIMARY KEY (topic, bucket, institution, source, label));
      CREATE TABLE rollup_hour_total (topic TEXT COLLATE "C" NOT NULL, bucket BIGINT NOT NULL, label TEXT COLLATE "C" NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (topic, bucket, label));
      CREATE TABLE rollup_day_total (topic TEXT COLLATE "C" NOT NULL, bucket BIGINT NOT NULL, label TEXT COLLATE "C" NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (topic, bucket, label));

      CREATE TABLE cases (
        id TEXT COLLATE "C" PRIMARY KEY,
        event_id TEXT COLLATE "C" NOT NULL,
        tier TEXT COLLATE "C" NOT NULL,
        owner TEXT COLLATE "C" NOT NULL,
        assignee TEXT COLLATE "C",
        state TEXT COLLATE "C" NOT NULL,
        institution TEXT COLLATE "C" NOT NULL,
        title TEXT COLLATE "C" NOT NULL,
        topics TEXT COLLATE "C" NOT NULL,
        opened_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        tier_since TEXT COLLATE "C" NOT NULL,
        ack_due_at TEXT COLLATE "C",
        acknowledged_at TEXT COLLATE "C",
        deadline_at TEXT COLLATE "C",
        responded_at TEXT COLLATE "C",
        resolved_at TEXT COLLATE "C",
        rule_id TEXT COLLATE "C",
        mention_count INTEGER NOT NULL,
        distinct_authors INTEGER NOT NULL,
        media_count INTEGER NOT NULL,
        responses TEXT COLLATE "C" NOT NULL,
        breached_tiers TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX cases_event ON cases(event_id);
      CREATE INDEX cases_opened ON cases(opened_at, id);
      CREATE INDEX cases_active ON cases(opened_at, id) WHERE state IN ('open', 'acknowledged', 'responded');
      CREATE INDEX cases_tier ON cases(tier, opened_at, id);
      CREATE INDEX cases_institution ON cases(institution, opened_at, id);

      CREATE TABLE case_history (
        case_id TEXT COLLATE "C" NOT NULL REFERENCES cases(id),
        seq INTEGER NOT NULL,
        at TEXT COLLATE "C" NOT NULL,
        type TEXT COLLATE "C" NOT NULL,
        tier TEXT COLLATE "C",
        actor TEXT COLLATE "C",
        reason TEXT COLLATE "C",
        data TEXT COLLATE "C",
        PRIMARY KEY (case_id, seq)
      );

      CREATE TABLE clocks (
        id TEXT COLLATE "C" PRIMARY KEY,
        case_id TEXT COLLATE "C" NOT NULL REFERENCES cases(id),
        kind TEXT COLLATE "C" NOT NULL,
        tier TEXT COLLATE "C" NOT NULL,
        due_at TEXT COLLATE "C" NOT NULL,
        fired_at TEXT COLLATE "C",
        cancelled_at TEXT COLLATE "C"
      );
      CREATE INDEX clocks_case ON clocks(case_id, due_at);
      CREATE INDEX clocks_due ON clocks(due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;

      CREATE TABLE notifications (
        id TEXT COLLATE "C" PRIMARY KEY,
        case_id TEXT COLLATE "C" NOT NULL,
        tier TEXT COLLATE "C" NOT NULL,
        kind TEXT COLLATE "C" NOT NULL,
        channel TEXT COLLATE "C" NOT NULL,
        recipient TEXT COLLATE "C" NOT NULL,
        idempotency_key TEXT COLLATE "C" NOT NULL UNIQUE,
        subject TEXT COLLATE "C" NOT NULL,
        body TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT COLLATE "C" NOT NULL,
        last_error TEXT COLLATE "C",
        sent_at TEXT COLLATE "C",
        created_at TEXT COLLATE "C" NOT NULL,
        claim_owner TEXT COLLATE "C",
        claim_until TEXT COLLATE "C"
      );
      CREATE INDEX notifications_case ON notifications(case_id, created_at);
      CREATE INDEX notifications_due ON notifications(next_attempt_at) WHERE status = 'pending';

      CREATE TABLE source_cursors (source TEXT COLLATE "C" NOT NULL, query TEXT COLLATE "C" NOT NULL, last_id TEXT COLLATE "C", last_published_at TEXT COLLATE "C", updated_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (source, query));
      CREATE TABLE source_health (source TEXT COLLATE "C" PRIMARY KEY, data TEXT COLLATE "C" NOT NULL);
      CREATE TABLE source_state (source TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, data TEXT COLLATE "C" NOT NULL, updated_at TEXT COLLATE "C" NOT NULL, PRIMARY KEY (source, kind));

      CREATE TABLE api_keys (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL,
        role TEXT COLLATE "C" NOT NULL,
        hash TEXT COLLATE "C" NOT NULL UNIQUE,
        prefix TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        revoked_at TEXT COLLATE "C",
        last_used_at TEXT COLLATE "C"
      );
      CREATE TABLE rule_sets (name TEXT COLLATE "C" NOT NULL, version INTEGER NOT NULL, yaml TEXT COLLATE "C" NOT NULL, actor TEXT COLLATE "C" NOT NULL, saved_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (name, version));
      CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, at TEXT COLLATE "C" NOT NULL, actor TEXT COLLATE "C" NOT NULL, action TEXT COLLATE "C" NOT NULL, target TEXT COLLATE "C" NOT NULL, data TEXT COLLATE "C");
      CREATE INDEX audit_target ON audit_log(target, id);
    `,
  },
  { version: 2, name: 'cases carry distinct complainants', up: CASE_COMPLAINANTS_SQL },
];

/**
 * Applies pending migrations in order, each in its own transaction under an advisory lock (so two
 * processes starting together apply each once). Returns the versions applied.
 */
export async function migratePg(pool: pg.Pool, list: PgMigration[] = pgMigrations): Promise<number[]> {
  const done: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    const applied = await inTx(pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${lockKey('$1')})`, ['migrations']);
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const seen = await c.query('SELECT 1 FROM schema_version WHERE version = $1', [m.version]);
      if (seen.rowCount) return false;
      await c.query(m.up);
      await c.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      return true;
    });
    if (applied) done.push(m.version);
  }
  return done;
}
