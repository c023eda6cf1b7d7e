/** Counts requests per "verb resource" ("list deployments", "watch canaries", "patch deployments/status"). */
export class RequestCounter {
  private counts = new Map<string, number>();

  /** Records one request. */
  count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** The counts so far, as a plain object. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Starts counting from zero. */
  reset(): void {
    this.counts = new Map();
  }
}
