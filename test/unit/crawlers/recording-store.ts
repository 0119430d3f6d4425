import type { RunnerStore } from '../../../crawlers/runner.js';
import type { Mention, SourceCursor, SourceHealth } from '../../../lib/domain.js';
import { silentLogger } from '../../../lib/logger.js';
import { createStore } from '../../../store/index.js';
import type { Store } from '../../../store/store.js';

/** The real SQLite store (in memory), recording the runner's calls and able to fail an upsert on demand. */
export class RecordingStore implements RunnerStore {
  readonly calls: string[] = [];
  /** Set to make the next upsert fail (simulates a broken disk). */
  failNextUpsert = false;

  private constructor(readonly real: Store) {}

  static async open(): Promise<RecordingStore> {
    return new RecordingStore(await createStore({ backend: 'sqlite', dataDir: ':memory:', keepRawText: true }, { log: silentLogger() }));
  }

  async upsertMentions(mentions: Mention[]) {
    this.calls.push('upsertMentions');
    if (this.failNextUpsert) {
      this.failNextUpsert = false;
      throw new Error('SQLITE_IOERR: disk I/O error');
    }
    return this.real.upsertMentions(mentions);
  }
  getCursor(source: string, query: string) {
    return this.real.getCursor(source, query);
  }
  async setCursor(cursor: SourceCursor) {
    this.calls.push('setCursor');
    return this.real.setCursor(cursor);
  }
  getSourceHealth(source: string) {
    return this.real.getSourceHealth(source);
  }
  saveSourceHealth(health: SourceHealth) {
    return this.real.saveSourceHealth(health);
  }
  loadCookieJar(source: string) {
    return this.real.loadCookieJar(source);
  }
  saveCookieJar(source: string, jar: string, at: string) {
    return this.real.saveCookieJar(source, jar, at);
  }
}
