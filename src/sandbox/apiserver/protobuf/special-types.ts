import { ProtobufMappingError } from './mapping-error.ts';

// apimachinery types whose JSON form is not their message's shape: Go gives them custom JSON (un)marshalers.
// Each entry converts between the JSON value the store holds and the plain object protobufjs encodes,
// and back from the decoded message.

/** A decoded protobuf message: protobufjs keeps fields read from the wire as own properties. */
export type DecodedMessage = Record<string, unknown>;

/** Converts one apimachinery type with a custom JSON form, both ways. */
export interface SpecialType {
  toProto(json: unknown, path: string): Record<string, unknown>;
  /** The JSON value, or undefined for Go's zero value (which JSON writes as null or omits). */
  fromProto(message: DecodedMessage, decodeRaw: (bytes: Uint8Array) => unknown): unknown;
}

const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const maxGoDurationNs = 2 ** 63;

/** An int64 from protobufjs (a Long when the value may not fit a double, a number otherwise). */
export function int64(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : Number(String(value));
}

function dateOf(json: unknown, path: string): Date {
  const d = typeof json === 'string' ? new Date(json) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new ProtobufMappingError(path, json, 'a time in RFC 3339 form');
  return d;
}

/** metav1.Time: RFC 3339 with whole seconds in JSON; seconds (and nanos, which JSON drops) in protobuf. */
const time: SpecialType = {
  toProto: (json, path) => ({ seconds: Math.floor(dateOf(json, path).getTime() / 1000), nanos: 0 }),
  fromProto: (m) => {
    const seconds = int64(m.seconds);
    if (seconds === 0 && !m.nanos) return undefined;
    return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
};

/** metav1.MicroTime: RFC 3339 with six fraction digits in JSON. */
const microTime: SpecialType = {
  toProto: (json, path) => {
    const text = String(json);
    const ms = dateOf(json, path).getTime();
    const micros = /\.(\d{1,9})/.exec(text)?.[1]?.padEnd(6, '0').slice(0, 6) ?? '000000';
    return { seconds: Math.floor(ms / 1000), nanos: Number(micros) * 1000 };
  },
  fromProto: (m) => {
    const seconds = int64(m.seconds);
    const nanos = Number(m.nanos ?? 0);
    if (seconds === 0 && nanos === 0) return undefined;
    const micros = String(Math.floor(nanos / 1000)).padStart(6, '0');
    return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${micros}Z`);
  },
};

const durationUnits: [string, number][] = [['h', 3.6e12], ['m', 6e10], ['s', 1e9], ['ms', 1e6], ['us', 1e3], ['µs', 1e3], ['ns', 1]];

/** Go's time.ParseDuration, for metav1.Duration ("1h30m", "250ms"). */
function parseGoDuration(text: string, path: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/gy;
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    total += Number(m[1]) * (durationUnits.find(([u]) => u === m[2])?.[1] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== body.length || total >= maxGoDurationNs) throw new ProtobufMappingError(path, text, 'a Go duration such as "1h30m" or "250ms"');
  return sign * Math.round(total);
}

/** Go's time.Duration.String: "1h30m0s", "1.5s", "250ms", "0s". */
function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    const [unit, size] = rest < 1e3 ? ['ns', 1] : rest < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trimFraction(rest / size)}${unit}`;
  }
  const hours = Math.floor(rest / 3.6e12);
  rest -= hours * 3.6e12;
  const minutes = Math.floor(rest / 6e10);
  rest -= minutes * 6e10;
  const seconds = `${trimFraction(rest / 1e9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  return minutes > 0 ? `${sign}${minutes}m${seconds}` : `${sign}${seconds}`;
}

function trimFraction(n: number): string {
  return n.toFixed(9).replace(/\.?0+$/, '');
}

const duration: SpecialType = {
  toProto: (json, path) => ({ duration: parseGoDuration(String(json), path) }),
  fromProto: (m) => formatGoDuration(int64(m.duration)),
};

/** intstr.IntOrString: a JSON number or string; type 0 carries intVal, type 1 strVal. */
const intOrString: SpecialType = {
  toProto: (json, path) => {
    if (typeof json === 'number' && Number.isInteger(json)) return { type: 0, intVal: json, strVal: '' };
    if (typeof json === 'string') return { type: 1, intVal: 0, strVal: json };
    throw new ProtobufMappingError(path, json, 'an integer or a string');
  },
  fromProto: (m) => (int64(m.type) === 1 ? String(m.strVal ?? '') : Number(m.intVal ?? 0)),
};

/** resource.Quantity: its canonical string in both forms. */
const quantity: SpecialType = {
  toProto: (json, path) => {
    if (typeof json !== 'string' && typeof json !== 'number') throw new ProtobufMappingError(path, json, 'a quantity such as "500m" or "1Gi"');
    return { string: String(json) };
  },
  fromProto: (m) => String(m.string ?? ''),
};

/** Embedded JSON kept as bytes (runtime.RawExtension, metav1.FieldsV1): the document in JSON, its bytes in protobuf. */
function embeddedJson(field: string): SpecialType {
  return {
    toProto: (json) => ({ [field]: Buffer.from(JSON.stringify(json)) }),
    fromProto: (m, decodeRaw) => {
      const raw = m[field] as Uint8Array | undefined;
      return raw === undefined || raw.length === 0 ? undefined : decodeRaw(raw);
    },
  };
}

/** metav1.Verbs: a []string wrapped in a message (go-to-protobuf's form for a named slice type). */
const verbs: SpecialType = {
  toProto: (json) => ({ items: Array.isArray(json) ? json.map(String) : [] }),
  fromProto: (m) => (Array.isArray(m.items) ? [...(m.items as string[])] : []),
};

/** The special types by their fully qualified message name (protobufjs's `fullName`). */
export const specialTypes: ReadonlyMap<string, SpecialType> = new Map([
  [`.${meta}.Time`, time],
  [`.${meta}.MicroTime`, microTime],
  [`.${meta}.Duration`, duration],
  [`.${meta}.FieldsV1`, embeddedJson('Raw')],
  [`.${meta}.Verbs`, verbs],
  ['.k8s.io.apimachinery.pkg.runtime.RawExtension', embeddedJson('raw')],
  ['.k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrString],
  ['.k8s.io.apimachinery.pkg.api.resource.Quantity', quantity],
]);
