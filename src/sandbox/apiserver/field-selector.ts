import { badRequest } from './api-error.ts';
import { readPath, type JsonObject } from './json.ts';

interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

/** Fields every resource can be selected on; more are accepted per kind like the real server. */
const supportedFields = new Set(['metadata.name', 'metadata.namespace', 'status.phase', 'spec.nodeName', 'type', 'involvedObject.name', 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.uid', 'reason', 'spec.type']);

/** A parsed field selector (`metadata.name=x,metadata.namespace!=y`). */
export class FieldSelector {
  readonly requirements: FieldRequirement[];

  private constructor(reqs: FieldRequirement[]) {
    this.requirements = reqs;
  }

  /** Parses the query-string form; unknown fields are a 400 as in the real server. */
  static parse(text: string | null | undefined, kind: string): FieldSelector {
    const reqs: FieldRequirement[] = [];
    for (const part of (text ?? '').split(',')) {
      const s = part.trim();
      if (s === '') continue;
      const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(s);
      if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${s}'`);
      if (!supportedFields.has(m[1])) throw badRequest(`field label not supported: ${m[1]}`);
      reqs.push({ field: m[1], value: m[3], equal: m[2] !== '!=' });
    }
    void kind;
    return new FieldSelector(reqs);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** The metadata.name an equality requirement pins, if any: lets a get-by-watch skip a scan. */
  get pinnedName(): string | undefined {
    return this.requirements.find((r) => r.field === 'metadata.name' && r.equal)?.value;
  }

  /** Whether the object satisfies every requirement. */
  matches(obj: JsonObject): boolean {
    return this.requirements.every((r) => {
      const v = readPath(obj, r.field);
      const actual = v === undefined || v === null ? '' : String(v);
      return (actual === r.value) === r.equal;
    });
  }
}
