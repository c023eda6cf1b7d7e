/**
 * A Kubernetes label selector in its string form (`shard=a,tier!=canary,env in (prod,staging),!legacy`),
 * matched against an object's labels the way the API server filters a LIST or WATCH: a controller that
 * re-reads one object by name (no selector possible on a GET) checks it is still its own.
 */

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

/** Thrown for a selector the API server would refuse too; the message quotes the part that is wrong. */
export class LabelSelectorError extends Error {
  constructor(selector: string, part: string) {
    super(`label selector ${JSON.stringify(selector)}: cannot read ${JSON.stringify(part)} (use key=value, key!=value, key in (a,b), key notin (a,b), key or !key, separated by commas)`);
    this.name = 'LabelSelectorError';
  }
}

/** Parses `selector`; the result tells whether a set of labels matches it (an empty selector matches everything). */
export function parseLabelSelector(selector: string): (labels: Readonly<Record<string, string>> | undefined) => boolean {
  const requirements = splitRequirements(selector).map((part) => requirement(selector, part));
  return (labels) => requirements.every((matches) => matches(labels ?? {}));
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

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s+\(([^)]*)\)$`);
const EQUALITY = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

function requirement(selector: string, part: string): Requirement {
  const set = SET.exec(part);
  if (set) {
    const [, key, operator, list] = set;
    const values = new Set(list.split(',').map((value) => value.trim()));
    return operator === 'in' ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key]) : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]);
  }
  const equality = EQUALITY.exec(part);
  if (equality) {
    const [, key, operator, value] = equality;
    return operator === '!=' ? (labels) => !Object.hasOwn(labels, key) || labels[key] !== value : (labels) => Object.hasOwn(labels, key) && labels[key] === value;
  }
  const exists = EXISTS.exec(part);
  if (exists) {
    const [, not, key] = exists;
    return not ? (labels) => !Object.hasOwn(labels, key) : (labels) => Object.hasOwn(labels, key);
  }
  throw new LabelSelectorError(selector, part);
}
