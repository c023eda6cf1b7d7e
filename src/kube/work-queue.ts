/**
 * A per-key work queue: one handler run at a time per key, bursts coalesced. Informer callbacks are
 * not awaited by client-node, so without this two events for one Canary could reconcile it
 * concurrently. A key added while it runs is run once more afterwards, however many times it was added.
 */
export class KeyedWorkQueue {
  readonly #handler: (key: string) => Promise<void>;
  readonly #concurrency: number;
  readonly #onError: (key: string, err: unknown) => void;
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(options: { handler: (key: string) => Promise<void>; concurrency?: number; onError?: (key: string, err: unknown) => void }) {
    this.#handler = options.handler;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#onError = options.onError ?? (() => {});
  }

  /** Schedules `key`; a no-op when it is already waiting. */
  add(key: string): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    this.#queued.add(key);
    this.#pump();
  }

  /** Keys waiting or running. */
  size(): number {
    return this.#queued.size + this.#running.size;
  }

  /** Resolves when nothing is waiting or running. */
  async idle(): Promise<void> {
    if (this.size() === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Accepts no more keys and drops waiting ones; running handlers finish; resolves when they have. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queued.clear();
    this.#dirty.clear();
    await this.idle();
  }

  #pump(): void {
    for (const key of this.#queued) {
      if (this.#running.size >= this.#concurrency) return;
      this.#queued.delete(key);
      this.#running.add(key);
      void this.#run(key);
    }
  }

  async #run(key: string): Promise<void> {
    try {
      await this.#handler(key);
    } catch (err) {
      this.#onError(key, err);
    } finally {
      this.#running.delete(key);
      if (this.#dirty.delete(key) && !this.#stopped) this.#queued.add(key);
      this.#pump();
      if (this.size() === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
