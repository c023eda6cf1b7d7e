/**
 * A length of time written the way Flagger and Go write it ("30s", "1m30s", "1h", "500ms"), parsed once
 * at the edge so the rest of Kanari works with milliseconds and never re-parses strings.
 */
export class Duration {
  readonly milliseconds: number;
  readonly text: string;

  private constructor(milliseconds: number, text: string) {
    this.milliseconds = milliseconds;
    this.text = text;
  }

  /** Parses Go's duration syntax without sign; throws DurationError naming the rule it broke. */
  static parse(text: string): Duration {
    const ms = parseDurationMilliseconds(text);
    if (ms === undefined) throw new DurationError(text);
    return new Duration(ms, text);
  }

  /** Like parse, but returns undefined instead of throwing. */
  static tryParse(text: string): Duration | undefined {
    const ms = parseDurationMilliseconds(text);
    return ms === undefined ? undefined : new Duration(ms, text);
  }

  /** A Duration from milliseconds, printed in Go's canonical form ("1m30s"). */
  static fromMilliseconds(milliseconds: number): Duration {
    return new Duration(milliseconds, formatDuration(milliseconds));
  }

  get seconds(): number {
    return this.milliseconds / 1000;
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }
}

/** The error for a string that is not a duration; its message states the accepted syntax. */
export class DurationError extends Error {
  constructor(text: string) {
    super(`${JSON.stringify(text)} is not a duration: use a number with a unit, e.g. 30s, 1m30s, 1h, 500ms`);
    this.name = 'DurationError';
  }
}

/** The pattern a duration string must match, shared with the CRD schema so both reject the same input. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';

const UNIT_MILLISECONDS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const WHOLE = new RegExp(DURATION_PATTERN);
const PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;

// Every tick reads each Canary's intervals, and a cluster has a handful of distinct ones: parse each once.
const PARSED = new Map<string, number | undefined>();
const MAX_PARSED = 1000;

function parseDurationMilliseconds(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  if (PARSED.has(text)) return PARSED.get(text);
  let total: number | undefined;
  if (WHOLE.test(text)) {
    total = 0;
    for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MILLISECONDS[unit];
  }
  if (PARSED.size < MAX_PARSED) PARSED.set(text, total);
  return total;
}

function formatDuration(milliseconds: number): string {
  if (milliseconds === 0) return '0s';
  if (milliseconds < 1000) return `${milliseconds}ms`;
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor((milliseconds % 3_600_000) / 60_000);
  const seconds = (milliseconds % 60_000) / 1000;
  // Go's canonical form keeps the smaller units once a larger one is printed: 1h0m0s, 2m0s.
  return `${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${seconds}s`;
}
