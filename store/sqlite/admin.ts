import type Database from 'better-sqlite3';
import type { ApiKeyRecord, AuditEntry, SourceCursor, SourceHealth } from '../../lib/domain.js';
import { type CursorRow, rowToCursor } from './codec.js';

export interface KeyRow {
  id: string;
  name: string;
  role: ApiKeyRecord['role'];
  hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export function rowToKey(r: KeyRow): ApiKeyRecord {
  const k: ApiKeyRecord = { id: r.id, name: r.name, role: r.role, hash: r.hash, prefix: r.prefix, createdAt: r.created_at };
  if (r.revoked_at) k.revokedAt = r.revoked_at;
  if (r.last_used_at) k.lastUsedAt = r.last_used_at;
  return k;
}

/** Source cursors and health, API keys, versioned rule sets and the audit log. */
export class AdminRepo {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      getCursor: db.prepare('SELECT * FROM source_cursors WHERE source = ? AND query = ?'),
      setCursor: db.prepare(
        `INSERT INTO source_cursors (source, query, last_id, last_published_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (source, query) DO UPDATE SET last_id = excluded.last_id, last_published_at = excluded.last_published_at, updated_at = excluded.updated_at`,
      ),
      getHealth: db.prepare('SELECT data FROM source_health WHERE source = ?').pluck(),
      setHealth: db.prepare('INSERT INTO source_health (source, data) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET data = excluded.data'),
      allHealth: db.prepare('SELECT data FROM source_health ORDER BY source').pluck(),
      getState: db.prepare('SELECT data FROM source_state WHERE source = ? AND kind = ?').pluck(),
      setState: db.prepare(
        `INSERT INTO source_state (source, kind, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (source, kind) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      ),
      addKey: db.prepare('INSERT INTO api_keys (id, name, role, hash, prefix, created_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      keyByHash: db.prepare('SELECT * FROM api_keys WHERE hash = ?'),
      keys: db.prepare('SELECT * FROM api_keys ORDER BY created_at, id'),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      touch: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
      ruleVersion: db.prepare('SELECT coalesce(max(version), 0) FROM rule_sets WHERE name = ?').pluck(),
      addRule: db.prepare('INSERT INTO rule_sets (name, version, yaml, actor, saved_at) VALUES (?, ?, ?, ?, ?)'),
      latestRule: db.prepare('SELECT version, yaml, saved_at, actor FROM rule_sets WHERE name = ? ORDER BY version DESC LIMIT 1'),
      audit: db.prepare('INSERT INTO audit_log (at, actor, action, target, data) VALUES (?, ?, ?, ?, ?)'),
      auditAll: db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?'),
      auditOf: db.prepare('SELECT * FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT ?'),
    };
  }

  getCursor(source: string, query: string): SourceCursor | undefined {
    const r = this.s.getCursor.get(source, query) as CursorRow | undefined;
    return r ? rowToCursor(r) : undefined;
  }

  setCursor(c: SourceCursor): void {
    this.s.setCursor.run(c.source, c.query, c.lastId ?? null, c.lastPublishedAt ?? null, c.updatedAt);
  }

  getHealth(source: string): SourceHealth | undefined {
    const d = this.s.getHealth.get(source) as string | undefined;
    return d ? (JSON.parse(d) as SourceHealth) : undefined;
  }

  saveHealth(h: SourceHealth): void {
    this.s.setHealth.run(h.source, JSON.stringify(h));
  }

  listHealth(): SourceHealth[] {
    return (this.s.allHealth.all() as string[]).map((d) => JSON.parse(d) as SourceHealth);
  }

  /** Per-source JSON text of one kind ('state', 'cookies'). */
  getState(source: string, kind: string): string | undefined {
    return this.s.getState.get(source, kind) as string | undefined;
  }

  setState(source: string, kind: string, data: string, at: string): void {
    this.s.setState.run(source, kind, data, at);
  }

  ruleSetVersion(name: string): number {
    return this.s.ruleVersion.get(name) as number;
  }

  createKey(k: ApiKeyRecord): void {
    this.s.addKey.run(k.id, k.name, k.role, k.hash, k.prefix, k.createdAt, k.revokedAt ?? null, k.lastUsedAt ?? null);
  }

  keyByHash(hash: string): ApiKeyRecord | undefined {
    const r = this.s.keyByHash.get(hash) as KeyRow | undefined;
    return r ? rowToKey(r) : undefined;
  }

  keys(): ApiKeyRecord[] {
    return (this.s.keys.all() as KeyRow[]).map(rowToKey);
  }

  revoke(id: string, at: string): boolean {
    return this.s.revoke.run(at, id).changes === 1;
  }

  touch(id: string, at: string): void {
    this.s.touch.run(at, id);
  }

  saveRuleSet(name: string, yamlText: string, actor: string, at: string): number {
    return this.db
      .transaction(() => {
        const version = (this.s.ruleVersion.get(name) as number) + 1;
        this.s.addRule.run(name, version, yamlText, actor, at);
        return version;
      })
      .immediate();
  }

  getRuleSet(name: string): { version: number; yaml: string; savedAt: string; actor: string } | undefined {
    const r = this.s.latestRule.get(name) as { version: number; yaml: string; saved_at: string; actor: string } | undefined;
    return r ? { version: r.version, yaml: r.yaml, savedAt: r.saved_at, actor: r.actor } : undefined;
  }

  appendAudit(e: AuditEntry): void {
    this.s.audit.run(e.at, e.actor, e.action, e.target, e.data === undefined ? null : JSON.stringify(e.data));
  }

  listAudit(target: string | undefined, limit: number): AuditEntry[] {
    const rows = (target === undefined ? this.s.auditAll.all(limit) : this.s.auditOf.all(target, limit)) as Array<{
      id: number;
      at: string;
      actor: string;
      action: string;
      target: string;
      data: string | null;
    }>;
    return rows.map((r) => {
      const e: AuditEntry = { id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target };
      if (r.data !== null) e.data = JSON.parse(r.data) as Record<string, unknown>;
      return e;
    });
  }
}
