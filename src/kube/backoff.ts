/** Exponential backoff with full jitter, so many informers restarting together do not stampede the server. */
export class JitteredBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: { initialMs?: number; maxMs?: number; random?: () => number } = {}) {
    this.#initialMs = options.initialMs ?? 500;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt: random in [ceiling/2, ceiling], the ceiling doubling per failure. */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** this.#attempt);
    this.#attempt++;
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  /** Back to the initial delay, after a success. */
  reset(): void {
    this.#attempt = 0;
  }
}
