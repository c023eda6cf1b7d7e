/**
 * A Kubernetes label selector, from its string form (`shard=a,tier!=canary,env in (prod,staging),!legacy`)
 * or from a `matchLabels`/`matchExpressions` object, matched against an object's labels the way the API
 * server filters a LIST or WATCH. The controller checks that an object it re-reads by name (no selector
 * is possible on a GET) is still its own; the sandbox API server filters with it.
 */

type Requirement =
  | { op: 'in'; key: string; values: string[] }
  | { op: 'notin'; key: string; values: string[] }
  | { op: 'exists'; key: string }
  | { op: '!'; key: string };

/** Thrown for a selector the API server would refuse too; the message quotes the part that is wrong. */
export class LabelSelectorError extends Error {
  readonly part: string;

  constructor(selector: string, part: string) {
    super(`label selector ${JSON.stringify(selector)}: cannot read ${JSON.stringify(part)} (use key=value, key!=value, key in (a,b), key notin (a,b), key or !key, separated by commas)`);
    this.name = 'LabelSelectorError';
    this.part = part;
  }
}

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s+\(([^)]*)\)$`);
const EQUALITY = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

export class LabelSelector {
  readonly requirements: readonly Requirement[];

  private constructor(requirements: Requirement[]) {
    this.requirements = requirements;
  }

  /** Parses the string form; an empty selector matches everything. Throws LabelSelectorError. */
  static parse(selector: string | null | undefined): LabelSelector {
    const text = selector ?? '';
    return new LabelSelector(splitRequirements(text).map((part) => requirement(text, part)));
  }

  /** The selector a Deployment-style `matchLabels`/`matchExpressions` describes. */
  static fromLabelSelector(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }): LabelSelector {
    const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ op: 'in', key, values: [value] }));
    for (const expression of selector.matchExpressions ?? []) {
      const op = expression.operator.toLowerCase();
      if (op === 'in' || op === 'notin') requirements.push({ op, key: expression.key, values: expression.values ?? [] });
      else if (op === 'exists') requirements.push({ op: 'exists', key: expression.key });
      else requirements.push({ op: '!', key: expression.key });
    }
    return new LabelSelector(requirements);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** Whether the labels satisfy every requirement. */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    const given = labels ?? {};
    return this.requirements.every((r) => {
      const has = Object.hasOwn(given, r.key);
      switch (r.op) {
        case 'in':
          return has && r.values.includes(given[r.key]);
        case 'notin':
          return !has || !r.values.includes(given[r.key]);
        case 'exists':
          return has;
        case '!':
          return !has;
      }
    });
  }

  /** The canonical string form ("app=x,tier in (a,b)"), as a Scale's status.selector shows it. */
  toString(): string {
    return this.requirements
      .map((r) => {
        if (r.op === 'exists') return r.key;
        if (r.op === '!') return `!${r.key}`;
        if (r.values.length === 1) return `${r.key}${r.op === 'in' ? '=' : '!='}${r.values[0]}`;
        return `${r.key} ${r.op} (${r.values.join(',')})`;
      })
      .join(',');
  }
}

/** Splits on the commas that separate requirements, not the ones inside `in (a,b)`. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function requirement(selector: string, part: string): Requirement {
  const set = SET.exec(part);
  if (set) {
    const [, key, op, list] = set;
    const values = list.split(',').map((value) => value.trim()).filter((value) => value !== '');
    return { op: op as 'in' | 'notin', key, values };
  }
  const equality = EQUALITY.exec(part);
  if (equality) {
    const [, key, operator, value] = equality;
    return { op: operator === '!=' ? 'notin' : 'in', key, values: [value] };
  }
  const exists = EXISTS.exec(part);
  if (exists) {
    const [, not, key] = exists;
    return not ? { op: '!', key } : { op: 'exists', key };
  }
  throw new LabelSelectorError(selector, part);
}
