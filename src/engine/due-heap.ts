/**
 * An indexed binary min-heap of keys by due time: insert, move and remove any key in O(log n), peek
 * the earliest in O(1). The scheduler keeps one entry per Canary, so thousands cost nothing per tick.
 */
export class DueHeap {
  private keys: string[] = [];
  private due: number[] = [];
  private index = new Map<string, number>();

  get size(): number {
    return this.keys.length;
  }

  /** The earliest key and its due time. */
  peek(): { key: string; due: number } | undefined {
    return this.keys.length === 0 ? undefined : { key: this.keys[0], due: this.due[0] };
  }

  /** The due time of `key`, if present. */
  dueOf(key: string): number | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.due[at];
  }

  /** Inserts `key` or moves it to `due`. */
  set(key: string, due: number): void {
    const at = this.index.get(key);
    if (at === undefined) {
      this.keys.push(key);
      this.due.push(due);
      this.index.set(key, this.keys.length - 1);
      this.up(this.keys.length - 1);
      return;
    }
    const before = this.due[at];
    this.due[at] = due;
    if (due < before) this.up(at);
    else this.down(at);
  }

  /** Removes `key` if present. */
  delete(key: string): void {
    const at = this.index.get(key);
    if (at === undefined) return;
    const last = this.keys.length - 1;
    this.swap(at, last);
    this.keys.pop();
    this.due.pop();
    this.index.delete(key);
    if (at < this.keys.length) {
      this.up(at);
      this.down(at);
    }
  }

  private up(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.due[parent] <= this.due[at]) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private down(at: number): void {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let smallest = at;
      if (left < this.keys.length && this.due[left] < this.due[smallest]) smallest = left;
      if (right < this.keys.length && this.due[right] < this.due[smallest]) smallest = right;
      if (smallest === at) return;
      this.swap(at, smallest);
      at = smallest;
    }
  }

  // Plain assignments: a destructuring swap allocates two arrays, and the heap moves on every tick.
  private swap(a: number, b: number): void {
    if (a === b) return;
    const key = this.keys[a];
    this.keys[a] = this.keys[b];
    this.keys[b] = key;
    const due = this.due[a];
    this.due[a] = this.due[b];
    this.due[b] = due;
    this.index.set(this.keys[a], a);
    this.index.set(key, b);
  }
}
