import type { RunnerStore } from '../../../crawlers/runner.js';
import type { Mention, SourceCursor, SourceHealth } from '../../../lib/domain.js';

/** The slice of the Store the crawl runner uses, in memory, with the same dedup semantics. */
export class MemoryRunnerStore implements RunnerStore {
  readonly mentions = new Map<string, Mention>();
  readonly cursors = new Map<string, SourceCursor>();
  readonly health = new Map<string, SourceHealth>();
  /** Set to make the next upsert fail (simulates a broken disk). */
  failNextUpsert = false;
  readonly calls: string[] = [];

  async upsertMentions(mentions: Mention[]) {
    this.calls.push('upsertMentions');
    if (this.failNextUpsert) {
      this.failNextUpsert = false;
      throw new Error('SQLITE_IOERR: disk I/O error');
    }
    const inserted: string[] = [];
    const fresh: string[] = [];
    const duplicates: string[] = [];
    const hashes = new Map([...this.mentions.values()].map((m) => [m.contentHash, m.id]));
    for (const m of mentions) {
      if (this.mentions.has(m.id)) continue;
      inserted.push(m.id);
      const dupOf = hashes.get(m.contentHash);
      if (dupOf) {
        duplicates.push(m.id);
        this.mentions.set(m.id, { ...m, duplicateOf: dupOf });
      } else {
        fresh.push(m.id);
        hashes.set(m.contentHash, m.id);
        this.mentions.set(m.id, { ...m });
      }
    }
    return { inserted, fresh, duplicates };
  }
  async getCursor(source: string, query: string) {
    return this.cursors.get(`${source}|${query}`);
  }
  async setCursor(cursor: SourceCursor) {
    this.calls.push('setCursor');
    this.cursors.set(`${cursor.source}|${cursor.query}`, { ...cursor });
  }
  async getSourceHealth(source: string) {
    const h = this.health.get(source);
    return h ? { ...h } : undefined;
  }
  async saveSourceHealth(health: SourceHealth) {
    this.health.set(health.source, { ...health });
  }
}
