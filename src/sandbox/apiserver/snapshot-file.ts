import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ObjectStore, StoreSnapshot } from './object-store.ts';

/**
 * Keeps the store in a JSON file: loaded at start, rewritten (to a temporary file, then renamed, so a
 * crash never leaves half a file) a short while after changes stop arriving.
 */
export class SnapshotFile {
  private readonly path: string;
  private readonly store: ObjectStore;
  private readonly debounceMs: number;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(path: string, store: ObjectStore, debounceMs = 50) {
    this.path = path;
    this.store = store;
    this.debounceMs = debounceMs;
  }

  /** Loads the file into the store if it exists; returns whether it did. */
  load(): boolean {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    this.store.restore(JSON.parse(text) as StoreSnapshot);
    return true;
  }

  /** Starts writing the file after changes. */
  start(): void {
    this.unsubscribe = this.store.subscribeAll(() => this.schedule());
  }

  /** Writes now if a write is pending and stops watching for changes. */
  stop(): void {
    this.unsubscribe?.();
    if (this.timer) this.flush();
  }

  /** Writes the snapshot now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.store.snapshot()));
    renameSync(tmp, this.path);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
    this.timer.unref();
  }
}
