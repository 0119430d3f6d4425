/**
 * Named in-process mutexes: `run(key, fn)` runs fn after every earlier fn of the same key has settled.
 * Chains are dropped once idle, so the map holds only keys with work in flight.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prior = this.tails.get(key) ?? Promise.resolve();
    const result = prior.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

const perDatabase = new Map<string, KeyedMutex>();

/** The mutex shared by every store instance of one database (a file path; `:memory:` gets its own). */
export function mutexFor(database: string): KeyedMutex {
  if (database === ':memory:') return new KeyedMutex();
  let m = perDatabase.get(database);
  if (!m) {
    m = new KeyedMutex();
    perDatabase.set(database, m);
  }
  return m;
}
