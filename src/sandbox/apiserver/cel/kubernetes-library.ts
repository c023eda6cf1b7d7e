import { celFunc, celMethod, CelScalar, isCelList, isCelMap, listType, mapType, type CelFunc, type CelList, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { parseQuantity } from '../../../metrics/quantity.ts';
import { OPTIONAL_TYPE, opaqueOf, optionalOf, optionalValue, QUANTITY_TYPE, quantityDesc, rawOf, URL_TYPE, urlDesc } from './opaque-types.ts';

// The functions Kubernetes adds to CEL for validation rules, beyond the standard library that
// @bufbuild/cel provides: the strings extension, and apiserver's lists, regex, URLs, quantity and sets
// libraries, plus the optional values that `optionalOldSelf` binds. function-signatures.ts declares the
// same functions for the rule checker.

const { STRING, INT, DOUBLE, BOOL, DYN } = CelScalar;
const LIST = listType(DYN);
const STRING_LIST = listType(STRING);

/** CEL equality for the values these functions compare (numbers across int and double, lists, maps). */
function celEquals(a: CelValue, b: CelValue): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  if (isCelList(a) && isCelList(b)) {
    if (a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) if (!celEquals(a.get(i) as CelValue, b.get(i) as CelValue)) return false;
    return true;
  }
  if (isCelMap(a) && isCelMap(b)) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !celEquals(v, b.get(k) as CelValue)) return false;
    return true;
  }
  return a === b;
}

/** Ordering of comparable list elements (numbers, strings, booleans); anything else is a run-time error. */
function compare(a: CelValue, b: CelValue): number {
  const numeric = (v: CelValue) => typeof v === 'bigint' || typeof v === 'number';
  if (numeric(a) && numeric(b)) return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  if ((typeof a === 'string' && typeof b === 'string') || (typeof a === 'boolean' && typeof b === 'boolean')) return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`no such overload: comparing ${typeof a} and ${typeof b}`);
}

const lists: CelFunc[] = [
  celMethod('isSorted', LIST, [], BOOL, function () {
    const items = [...this];
    return items.every((v, i) => i === 0 || compare(items[i - 1], v) <= 0);
  }),
  celMethod('sum', LIST, [], DYN, function () {
    const items = [...this];
    if (items.length === 0) return 0n;
    if (items.every((v) => typeof v === 'bigint')) return (items as bigint[]).reduce((s, v) => s + v, 0n);
    return items.reduce<number>((s, v) => s + Number(v), 0);
  }),
  celMethod('min', LIST, [], DYN, function () {
    const items = [...this];
    if (items.length === 0) throw new Error('min called on empty list');
    return items.reduce((m, v) => (compare(v, m) < 0 ? v : m));
  }),
  celMethod('max', LIST, [], DYN, function () {
    const items = [...this];
    if (items.length === 0) throw new Error('max called on empty list');
    return items.reduce((m, v) => (compare(v, m) > 0 ? v : m));
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (x) {
    return BigInt([...this].findIndex((v) => celEquals(v, x)));
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (x) {
    return BigInt([...this].findLastIndex((v) => celEquals(v, x)));
  }),
];

const regex: CelFunc[] = [
  celMethod('find', STRING, [STRING], STRING, function (pattern) {
    return allMatches(this, pattern, 1)[0] ?? '';
  }),
  celMethod('findAll', STRING, [STRING], STRING_LIST, function (pattern) {
    return allMatches(this, pattern, -1);
  }),
  celMethod('findAll', STRING, [STRING, INT], STRING_LIST, function (pattern, limit) {
    return allMatches(this, pattern, Number(limit));
  }),
];

/**
 * The leftmost non-overlapping matches, at most `limit` (all when negative). JavaScript's RegExp finds
 * them: RE2's syntax is nearly a subset of it; its leading inline flags (?i), (?s), (?m) become RegExp flags.
 */
function allMatches(text: string, pattern: string, limit: number): string[] {
  const inline = /^\(\?([ism]+)\)/.exec(pattern);
  const re = new RegExp(inline ? pattern.slice(inline[0].length) : pattern, `gu${inline ? inline[1] : ''}`);
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    if (limit >= 0 && out.length >= limit) break;
    out.push(m[0]);
  }
  return out;
}

/** Go's url.ParseRequestURI: an absolute URI or an absolute path. */
function parseRequestUri(text: string): URL | undefined {
  try {
    if (text.startsWith('/')) return new URL(text, 'relative:///');
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text)) return undefined;
    return new URL(text);
  } catch {
    return undefined;
  }
}

function urlOf(self: unknown): { url: URL; raw: string } {
  const raw = rawOf(self);
  return { url: parseRequestUri(raw) as URL, raw };
}

const hostOf = (url: URL, raw: string) => (raw.startsWith('/') ? '' : url.host);

const urls: CelFunc[] = [
  celFunc('url', [STRING], URL_TYPE, (s) => {
    if (!parseRequestUri(s)) throw new Error(`URL parse error during conversion from string: parse "${s}": invalid URI for request`);
    return opaqueOf(urlDesc, s);
  }),
  celFunc('isURL', [STRING], BOOL, (s) => parseRequestUri(s) !== undefined),
  celMethod('getScheme', URL_TYPE, [], STRING, function () {
    const { url, raw } = urlOf(this);
    return raw.startsWith('/') ? '' : url.protocol.replace(/:$/, '');
  }),
  celMethod('getHost', URL_TYPE, [], STRING, function () {
    const { url, raw } = urlOf(this);
    return hostOf(url, raw);
  }),
  celMethod('getHostname', URL_TYPE, [], STRING, function () {
    const { url, raw } = urlOf(this);
    return hostOf(url, raw) === '' ? '' : url.hostname.replace(/^\[(.*)\]$/, '$1');
  }),
  celMethod('getPort', URL_TYPE, [], STRING, function () {
    const { url, raw } = urlOf(this);
    if (raw.startsWith('/')) return '';
    // WHATWG URL hides a scheme's default port; Go keeps whatever the text says.
    const explicit = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/.exec(raw);
    return explicit ? explicit[1] : url.port;
  }),
  celMethod('getEscapedPath', URL_TYPE, [], STRING, function () {
    return urlOf(this).url.pathname;
  }),
  celMethod('getQuery', URL_TYPE, [], mapType(STRING, STRING_LIST), function () {
    const query = new Map<string, string[]>();
    for (const [k, v] of urlOf(this).url.searchParams) query.set(k, [...(query.get(k) ?? []), v]);
    return query;
  }),
];

const quantityValue = (q: unknown): number => parseQuantity(rawOf(q));

const quantities: CelFunc[] = [
  celFunc('quantity', [STRING], QUANTITY_TYPE, (s) => {
    parseQuantity(s);
    return opaqueOf(quantityDesc, s);
  }),
  celFunc('isQuantity', [STRING], BOOL, (s) => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  }),
  celMethod('sign', QUANTITY_TYPE, [], INT, function () {
    return BigInt(Math.sign(quantityValue(this)));
  }),
  celMethod('isInteger', QUANTITY_TYPE, [], BOOL, function () {
    return Number.isSafeInteger(quantityValue(this));
  }),
  celMethod('asInteger', QUANTITY_TYPE, [], INT, function () {
    const v = quantityValue(this);
    if (!Number.isSafeInteger(v)) throw new Error('cannot convert value to integer');
    return BigInt(v);
  }),
  celMethod('asApproximateFloat', QUANTITY_TYPE, [], DOUBLE, function () {
    return quantityValue(this);
  }),
  celMethod('compareTo', QUANTITY_TYPE, [QUANTITY_TYPE], INT, function (other) {
    return BigInt(Math.sign(quantityValue(this) - quantityValue(other)));
  }),
  celMethod('isGreaterThan', QUANTITY_TYPE, [QUANTITY_TYPE], BOOL, function (other) {
    return quantityValue(this) > quantityValue(other);
  }),
  celMethod('isLessThan', QUANTITY_TYPE, [QUANTITY_TYPE], BOOL, function (other) {
    return quantityValue(this) < quantityValue(other);
  }),
  ...(['add', 'sub'] as const).flatMap((name) => {
    const apply = (a: number, b: number) => String(name === 'add' ? a + b : a - b);
    return [
      celMethod(name, QUANTITY_TYPE, [QUANTITY_TYPE], QUANTITY_TYPE, function (other) {
        return opaqueOf(quantityDesc, apply(quantityValue(this), quantityValue(other)));
      }),
      celMethod(name, QUANTITY_TYPE, [INT], QUANTITY_TYPE, function (n) {
        return opaqueOf(quantityDesc, apply(quantityValue(this), Number(n)));
      }),
    ];
  }),
];

const contains = (list: CelList, x: CelValue) => [...list].some((v) => celEquals(v, x));

const sets: CelFunc[] = [
  celFunc('sets.contains', [LIST, LIST], BOOL, (a, b) => [...b].every((x) => contains(a, x))),
  celFunc('sets.equivalent', [LIST, LIST], BOOL, (a, b) => [...b].every((x) => contains(a, x)) && [...a].every((x) => contains(b, x))),
  celFunc('sets.intersects', [LIST, LIST], BOOL, (a, b) => [...a].some((x) => contains(b, x))),
];

const optionals: CelFunc[] = [
  celFunc('optional.of', [DYN], OPTIONAL_TYPE, (v) => optionalOf(v)),
  celFunc('optional.none', [], OPTIONAL_TYPE, () => optionalOf(undefined)),
  celFunc('optional.ofNonZeroValue', [DYN], OPTIONAL_TYPE, (v) => optionalOf(isZeroValue(v) ? undefined : v)),
  celMethod('hasValue', OPTIONAL_TYPE, [], BOOL, function () {
    return optionalValue(this).present;
  }),
  celMethod('value', OPTIONAL_TYPE, [], DYN, function () {
    const { present, value } = optionalValue(this);
    if (!present) throw new Error('optional.none() dereference');
    return value as CelValue;
  }),
  celMethod('orValue', OPTIONAL_TYPE, [DYN], DYN, function (fallback) {
    const { present, value } = optionalValue(this);
    return (present ? value : fallback) as CelValue;
  }),
  celMethod('or', OPTIONAL_TYPE, [OPTIONAL_TYPE], OPTIONAL_TYPE, function (other) {
    return optionalValue(this).present ? (this as never) : (other as never);
  }),
];

function isZeroValue(v: CelValue): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (isCelList(v) || isCelMap(v)) return v.size === 0;
  return v instanceof Uint8Array && v.length === 0;
}

/** Every function a validation rule may call beyond CEL's standard library. */
export const kubernetesFunctions: CelFunc[] = [...strings, ...lists, ...regex, ...urls, ...quantities, ...sets, ...optionals];
