import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
}

/**
 * Ordered schema migrations. Never edit a released migration: append a new one.
 *
 * Notes on the layout:
 * - `analyses.sk` is a sort key derived from publishedAt (seconds * 2^21 + ms * 2048 + 11 hash bits),
 *   so "newest first" listing and full-text search walk the rowid order without sorting.
 *   `mention_fts` is contentless and shares that rowid.
 * - Event stats are maintained incrementally: `event_members` records which authors (kind `a`),
 *   complainants (`c`) and media authors (`m`) were already counted.
 * - `rollup_hour` / `rollup_day` hold counts per bucket, institution, source, topic and label; the
 *   topic `*` row counts each mention once, the other rows count it once per topic.
 *   `rollup_hour_total` / `rollup_day_total` (migration 4) hold the same counts without the institution
 *   and source dimensions, for the unfiltered series.
 */
/**
 * Adds `cases.distinct_complainants` (lib/who-counts.ts), backfilled from the case's event; a case whose
 * event row is gone keeps its distinct authors, the only count it has (an upper bound, as shown before).
 * Plain SQL that runs unchanged on SQLite and PostgreSQL.
 */
export const CASE_COMPLAINANTS_SQL = `
  ALTER TABLE cases ADD COLUMN distinct_complainants INTEGER NOT NULL DEFAULT 0;
  UPDATE cases SET distinct_complainants = coalesce((SELECT e.distinct_complainants FROM events e WHERE e.id = cases.event_id), distinct_authors);
`;

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: `
      CREATE TABLE mentions (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        published_at TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        duplicate_of TEXT,
        processed_at TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX mentions_content_hash ON mentions(content_hash);
      CREATE INDEX mentions_unprocessed ON mentions(published_at, id) WHERE processed_at IS NULL AND duplicate_of IS NULL;

      CREATE TABLE analyses (
        sk INTEGER PRIMARY KEY,
        mention_id TEXT NOT NULL UNIQUE REFERENCES mentions(id),
        published_at TEXT NOT NULL,
        source TEXT NOT NULL,
        label TEXT NOT NULL,
        institution TEXT,
        institutions TEXT NOT NULL,
        topics TEXT NOT NULL,
        event_id TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX analyses_institution ON analyses(institution, sk);
      CREATE VIRTUAL TABLE mention_fts USING fts5(tokens, title, content='', contentless_delete=1);

      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        institution TEXT NOT NULL,
        topics TEXT NOT NULL,
        key_terms TEXT NOT NULL,
        title TEXT NOT NULL,
        simhash TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        mention_count INTEGER NOT NULL DEFAULT 0,
        distinct_authors INTEGER NOT NULL DEFAULT 0,
        distinct_complainants INTEGER NOT NULL DEFAULT 0,
        negative_count INTEGER NOT NULL DEFAULT 0,
        media_count INTEGER NOT NULL DEFAULT 0,
        sources TEXT NOT NULL DEFAULT '[]',
        regulator_mentioned INTEGER NOT NULL DEFAULT 0,
        run_rumour INTEGER NOT NULL DEFAULT 0,
        last_hour_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX events_last_seen ON events(last_seen_at, id);
      CREATE INDEX events_institution ON events(institution, last_seen_at);

      CREATE TABLE event_mentions (
        event_id TEXT NOT NULL REFERENCES events(id),
        mention_id TEXT NOT NULL,
        published_at TEXT NOT NULL,
        PRIMARY KEY (event_id, mention_id)
      ) WITHOUT ROWID;
      CREATE INDEX event_mentions_time ON event_mentions(event_id, published_at);

      CREATE TABLE event_members (
        event_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        member TEXT NOT NULL,
        PRIMARY KEY (event_id, kind, member)
      ) WITHOUT ROWID;

      CREATE TABLE rollup_hour (
        topic TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        institution TEXT NOT NULL,
        source TEXT NOT NULL,
        label TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (topic, bucket, institution, source, label)
      ) WITHOUT ROWID;
      CREATE TABLE rollup_day (
        topic TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        institution TEXT NOT NULL,
        source TEXT NOT NULL,
        label TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (topic, bucket, institution, source, label)
      ) WITHOUT ROWID;

      CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL,
        tier TEXT NOT NULL,
        owner TEXT NOT NULL,
        assignee TEXT,
        state TEXT NOT NULL,
        institution TEXT NOT NULL,
        title TEXT NOT NULL,
        topics TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        tier_since TEXT NOT NULL,
        ack_due_at TEXT,
        acknowledged_at TEXT,
        deadline_at TEXT,
        responded_at TEXT,
        resolved_at TEXT,
        rule_id TEXT,
        mention_count INTEGER NOT NULL,
        distinct_authors INTEGER NOT NULL,
        media_count INTEGER NOT NULL,
        responses TEXT NOT NULL,
        breached_tiers TEXT NOT NULL
      );
      CREATE INDEX cases_event ON cases(event_id);
      CREATE INDEX cases_opened ON cases(opened_at, id);
      CREATE INDEX cases_state ON cases(state, opened_at, id);
      CREATE INDEX cases_tier ON cases(tier, opened_at, id);
      CREATE INDEX cases_institution ON cases(institution, opened_at, id);
      CREATE INDEX cases_owner ON cases(owner, opened_at, id);

      CREATE TABLE case_history (
        case_id TEXT NOT NULL REFERENCES cases(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        tier TEXT,
        actor TEXT,
        reason TEXT,
        data TEXT,
        PRIMARY KEY (case_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE clocks (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,
        tier TEXT NOT NULL,
        due_at TEXT NOT NULL,
        fired_at TEXT,
        cancelled_at TEXT
      );
      CREATE INDEX clocks_case ON clocks(case_id, due_at);
      CREATE INDEX clocks_due ON clocks(due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;

      CREATE TABLE notifications (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        tier TEXT NOT NULL,
        kind TEXT NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        sent_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX notifications_case ON notifications(case_id, created_at);
      CREATE INDEX notifications_due ON notifications(next_attempt_at) WHERE status = 'pending';

      CREATE TABLE source_cursors (
        source TEXT NOT NULL,
        query TEXT NOT NULL,
        last_id TEXT,
        last_published_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source, query)
      ) WITHOUT ROWID;

      CREATE TABLE source_health (
        source TEXT PRIMARY KEY,
        data TEXT NOT NULL
      );

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_used_at TEXT
      );

      CREATE TABLE rule_sets (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        yaml TEXT NOT NULL,
        actor TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (name, version)
      ) WITHOUT ROWID;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        data TEXT
      );
      CREATE INDEX audit_target ON audit_log(target, id);
    `,
  },
  {
    version: 2,
    name: 'per-minute event counts for lastHourCount',
    up: `
      CREATE TABLE event_minutes (
        event_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (event_id, minute)
      ) WITHOUT ROWID;
      INSERT INTO event_minutes (event_id, minute, count)
        SELECT event_id, CAST(unixepoch(published_at) / 60 AS INTEGER), count(*) FROM event_mentions GROUP BY 1, 2;
    `,
  },
  {
    version: 3,
    name: 'read indexes: active cases board, rollup series by label',
    // cases_active: the alert board (state=active, newest first) reads its page straight off this index
    // instead of scanning every case by opened_at and filtering. The WHERE is spelled as in CaseRepo.
    // rollup_*_label: the ungrouped series (GROUP BY bucket, label) aggregates in index order from a
    // covering index instead of sorting every institution/source row into a temp B-tree.
    up: `
      CREATE INDEX cases_active ON cases(opened_at, id) WHERE state IN ('open', 'acknowledged', 'responded');
      CREATE INDEX rollup_day_label ON rollup_day(topic, bucket, label, count);
      CREATE INDEX rollup_hour_label ON rollup_hour(topic, bucket, label, count);
    `,
  },
  {
    version: 4,
    name: 'rollup totals per topic, bucket and label',
    // Series without an institution or source filter (the dashboard's default chart) read these: a 30-day
    // daily series is ~90 rows instead of aggregating every institution x source row (~8,000 at 1M mentions).
    // They replace the rollup_*_label indexes of migration 3, which only served that query.
    up: `
      CREATE TABLE rollup_day_total (
        topic TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        label TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (topic, bucket, label)
      ) WITHOUT ROWID;
      CREATE TABLE rollup_hour_total (
        topic TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        label TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (topic, bucket, label)
      ) WITHOUT ROWID;
      INSERT INTO rollup_day_total (topic, bucket, label, count) SELECT topic, bucket, label, SUM(count) FROM rollup_day GROUP BY 1, 2, 3;
      INSERT INTO rollup_hour_total (topic, bucket, label, count) SELECT topic, bucket, label, SUM(count) FROM rollup_hour GROUP BY 1, 2, 3;
      DROP INDEX rollup_day_label;
      DROP INDEX rollup_hour_label;
    `,
  },
  {
    version: 5,
    name: 'cluster mode: mention leases, outbox claims, shared source state',
    // A mention is leased to one worker (lease_owner until lease_until); a released mention may carry a
    // lease_until without owner (back-off before the next claim). Notifications are claimed the same way.
    // source_state holds per-source JSON shared by workers: kind 'state' and kind 'cookies'.
    up: `
      ALTER TABLE mentions ADD COLUMN lease_owner TEXT;
      ALTER TABLE mentions ADD COLUMN lease_until TEXT;
      ALTER TABLE notifications ADD COLUMN claim_owner TEXT;
      ALTER TABLE notifications ADD COLUMN claim_until TEXT;
      CREATE TABLE source_state (
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source, kind)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: 'cases carry distinct complainants',
    up: CASE_COMPLAINANTS_SQL,
  },
];

/** Applies pending migrations in order, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_version').all() as Array<{ version: number }>).map((r) => r.version));
  const done: number[] = [];
  const sorted = [...list].sort((a, b) => a.version - b.version);
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }).immediate();
    done.push(m.version);
  }
  return done;
}
