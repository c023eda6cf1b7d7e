import { badRequest } from './api-error.ts';

type Requirement =
  | { op: 'in'; key: string; values: string[] }
  | { op: 'notin'; key: string; values: string[] }
  | { op: 'exists'; key: string }
  | { op: '!'; key: string };

/** A parsed label selector (`a=b,c!=d,e in (f,g),h notin (i),j,!k`); matches a label map. */
export class LabelSelector {
  readonly requirements: Requirement[];

  private constructor(requirements: Requirement[]) {
    this.requirements = requirements;
  }

  /** Parses the query-string form; throws a 400 BadRequest on syntax the real server rejects. */
  static parse(text: string | null | undefined): LabelSelector {
    const reqs: Requirement[] = [];
    for (const part of splitTopLevel(text ?? '')) {
      const s = part.trim();
      if (s === '') continue;
      let m: RegExpExecArray | null;
      if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(s))) {
        const values = m[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
        reqs.push({ op: m[2] as 'in' | 'notin', key: m[1], values });
      } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(s))) {
        reqs.push({ op: m[2] === '!=' ? 'notin' : 'in', key: m[1], values: [m[3]] });
      } else if ((m = /^!\s*([\w./-]+)$/.exec(s))) {
        reqs.push({ op: '!', key: m[1] });
      } else if ((m = /^([\w./-]+)$/.exec(s))) {
        reqs.push({ op: 'exists', key: m[1] });
      } else {
        throw badRequest(`unable to parse requirement: found '${s}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    return new LabelSelector(reqs);
  }

  /** Builds the selector a Deployment-style matchLabels/matchExpressions describes. */
  static fromLabelSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }): LabelSelector {
    const reqs: Requirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ op: 'in', key, values: [v] }));
    for (const e of sel.matchExpressions ?? []) {
      const op = e.operator.toLowerCase();
      if (op === 'in' || op === 'notin') reqs.push({ op, key: e.key, values: e.values ?? [] });
      else if (op === 'exists') reqs.push({ op: 'exists', key: e.key });
      else reqs.push({ op: '!', key: e.key });
    }
    return new LabelSelector(reqs);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** Whether the labels satisfy every requirement. */
  matches(labels: Record<string, string> | undefined): boolean {
    const l = labels ?? {};
    return this.requirements.every((r) => {
      const has = Object.hasOwn(l, r.key);
      switch (r.op) {
        case 'in':
          return has && r.values.includes(l[r.key]);
        case 'notin':
          return !has || !r.values.includes(l[r.key]);
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

/** Splits on commas that are not inside a parenthesised value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
