import type pg from 'pg';
import type { ApiKeyRecord, AuditEntry, SourceCursor, SourceHealth } from '../../lib/domain.js';
import { type KeyRow, rowToKey } from '../sqlite/admin.js';
import { type CursorRow, rowToCursor } from '../sqlite/codec.js';
import { inTx, lockKey } from './db.js';

/** Source cursors, health and shared state, API keys, versioned rule sets and the audit log. */
export class PgAdminRepo {
  constructor(private readonly pool: pg.Pool) {}

  async getCursor(source: string, query: string): Promise<SourceCursor | undefined> {
    const r = (await this.pool.query('SELECT * FROM source_cursors WHERE source = $1 AND query = $2', [source, query])).rows[0] as CursorRow | undefined;
    return r ? rowToCursor(r) : undefined;
  }

  async setCursor(c: SourceCursor): Promise<void> {
    await this.pool.query(
      `INSERT INTO source_cursors (source, query, last_id, last_published_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (source, query) DO UPDATE SET last_id = excluded.last_id, last_published_at = excluded.last_published_at, updated_at = excluded.updated_at`,
      [c.source, c.query, c.lastId ?? null, c.lastPublishedAt ?? null, c.updatedAt],
    );
  }

  async getHealth(source: string): Promise<SourceHealth | undefined> {
    const r = (await this.pool.query('SELECT data FROM source_health WHERE source = $1', [source])).rows[0] as { data: string } | undefined;
    return r ? (JSON.parse(r.data) as SourceHealth) : undefined;
  }

  async saveHealth(h: SourceHealth): Promise<void> {
    await this.pool.query('INSERT INTO source_health (source, data) VALUES ($1, $2) ON CONFLICT (source) DO UPDATE SET data = excluded.data', [
      h.source,
      JSON.stringify(h),
    ]);
  }

  async listHealth(): Promise<SourceHealth[]> {
    const rows = (await this.pool.query('SELECT data FROM source_health ORDER BY source')).rows as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as SourceHealth);
  }

  async getState(source: string, kind: string): Promise<string | undefined> {
    const r = (await this.pool.query('SELECT data FROM source_state WHERE source = $1 AND kind = $2', [source, kind])).rows[0] as { data: string } | undefined;
    return r?.data;
  }

  async setState(source: string, kind: string, data: string, at: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO source_state (source, kind, data, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, kind) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      [source, kind, data, at],
    );
  }

  async createKey(k: ApiKeyRecord): Promise<void> {
    await this.pool.query('INSERT INTO api_keys (id, name, role, hash, prefix, created_at, revoked_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      k.id,
      k.name,
      k.role,
      k.hash,
      k.prefix,
      k.createdAt,
      k.revokedAt ?? null,
      k.lastUsedAt ?? null,
    ]);
  }

  async keyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const r = (await this.pool.query('SELECT * FROM api_keys WHERE hash = $1', [hash])).rows[0] as KeyRow | undefined;
    return r ? rowToKey(r) : undefined;
  }

  async keys(): Promise<ApiKeyRecord[]> {
    return ((await this.pool.query('SELECT * FROM api_keys ORDER BY created_at, id')).rows as KeyRow[]).map(rowToKey);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.pool.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount === 1;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  /** Next version under a per-name transaction lock, so two concurrent saves get two versions. */
  async saveRuleSet(name: string, yamlText: string, actor: string, at: string): Promise<number> {
    return inTx(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${lockKey('$1')})`, [`rule_sets:${name}`]);
      const version = (await this.ruleSetVersion(name, c)) + 1;
      await c.query('INSERT INTO rule_sets (name, version, yaml, actor, saved_at) VALUES ($1, $2, $3, $4, $5)', [name, version, yamlText, actor, at]);
      return version;
    });
  }

  async ruleSetVersion(name: string, on: pg.Pool | pg.PoolClient = this.pool): Promise<number> {
    return (await on.query('SELECT coalesce(max(version), 0) AS v FROM rule_sets WHERE name = $1', [name])).rows[0].v as number;
  }

  async getRuleSet(name: string): Promise<{ version: number; yaml: string; savedAt: string; actor: string } | undefined> {
    const r = (await this.pool.query('SELECT version, yaml, saved_at, actor FROM rule_sets WHERE name = $1 ORDER BY version DESC LIMIT 1', [name])).rows[0] as
      | { version: number; yaml: string; saved_at: string; actor: string }
      | undefined;
    return r ? { version: r.version, yaml: r.yaml, savedAt: r.saved_at, actor: r.actor } : undefined;
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.pool.query('INSERT INTO audit_log (at, actor, action, target, data) VALUES ($1, $2, $3, $4, $5)', [
      e.at,
      e.actor,
      e.action,
      e.target,
      e.data === undefined ? null : JSON.stringify(e.data),
    ]);
  }

  async listAudit(target: string | undefined, limit: number): Promise<AuditEntry[]> {
    const rows = (
      target === undefined
        ? await this.pool.query('SELECT * FROM audit_log ORDER BY id DESC LIMIT $1', [limit])
        : await this.pool.query('SELECT * FROM audit_log WHERE target = $1 ORDER BY id DESC LIMIT $2', [target, limit])
    ).rows as Array<{ id: number; at: string; actor: string; action: string; target: string; data: string | null }>;
    return rows.map((r) => {
      const e: AuditEntry = { id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target };
      if (r.data !== null) e.data = JSON.parse(r.data) as Record<string, unknown>;
      return e;
    });
  }
}
