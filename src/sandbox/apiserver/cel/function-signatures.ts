import { dyn, listOf, mapOf, opaque, primitive, type CelDeclType } from './decl-types.ts';

// What the rule checker knows of each function: which receivers (for methods), how many arguments and
// the result type. It mirrors CEL's standard library, the strings extension and kubernetes-library.ts;
// argument types are left to run time, so the checker never rejects a rule a real server accepts for them.

/** The kind of receiver an overload accepts: a primitive name, list, map, an opaque type's name, or any. */
export type ReceiverKind = string;

export interface Overload {
  /** Present for methods (`x.f()`), absent for global functions (`f(x)`). */
  receiver?: ReceiverKind[];
  /** Inclusive bounds on the argument count. */
  arity: [number, number];
  /** The kinds of the arguments where only one kind is accepted (checked when the argument's type is known). */
  params?: ReceiverKind[];
  result: (target: CelDeclType | undefined, args: CelDeclType[]) => CelDeclType;
}

const str = primitive('string');
const int = primitive('int');
const bool = primitive('bool');
const double = primitive('double');
const URL = opaque('kubernetes.URL');
const QUANTITY = opaque('kubernetes.Quantity');

const is = (t: CelDeclType) => () => t;
const method = (receiver: ReceiverKind[], arity: number | [number, number], result: Overload['result'], params?: ReceiverKind[]): Overload => ({
  receiver,
  arity: typeof arity === 'number' ? [arity, arity] : arity,
  params,
  result,
});
const global = (arity: number | [number, number], result: Overload['result'], params?: ReceiverKind[]): Overload => ({
  arity: typeof arity === 'number' ? [arity, arity] : arity,
  params,
  result,
});

const elementOf = (t: CelDeclType | undefined): CelDeclType => (t?.kind === 'list' ? t.element : dyn);
const optionalOf = (t: CelDeclType | undefined): CelDeclType => opaque('optional_type', t ?? dyn);
const optionalContents = (t: CelDeclType | undefined): CelDeclType => (t?.kind === 'opaque' && t.parameter ? t.parameter : dyn);

const timeAccessors = ['getFullYear', 'getMonth', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear'];
const clockAccessors = ['getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'];

export const signatures: Record<string, Overload[]> = {
  size: [global(1, is(int)), method(['string', 'bytes', 'list', 'map'], 0, is(int))],
  contains: [method(['string'], 1, is(bool), ['string'])],
  startsWith: [method(['string'], 1, is(bool), ['string'])],
  endsWith: [method(['string'], 1, is(bool), ['string'])],
  matches: [method(['string'], 1, is(bool), ['string']), global(2, is(bool), ['string', 'string'])],
  int: [global(1, is(int))],
  uint: [global(1, is(primitive('uint')))],
  double: [global(1, is(double))],
  string: [global(1, is(str))],
  bool: [global(1, is(bool))],
  bytes: [global(1, is(primitive('bytes')))],
  dyn: [global(1, is(dyn))],
  type: [global(1, is(primitive('type')))],
  duration: [global(1, is(primitive('duration')))],
  timestamp: [global(1, is(primitive('timestamp')))],
  ...Object.fromEntries(timeAccessors.map((name) => [name, [method(['timestamp'], [0, 1], is(int))]])),
  ...Object.fromEntries(clockAccessors.map((name) => [name, [method(['timestamp'], [0, 1], is(int)), method(['duration'], 0, is(int))]])),
  // strings extension
  charAt: [method(['string'], 1, is(str), ['int'])],
  indexOf: [method(['string'], [1, 2], is(int), ['string', 'int']), method(['list'], 1, is(int))],
  lastIndexOf: [method(['string'], [1, 2], is(int), ['string', 'int']), method(['list'], 1, is(int))],
  lowerAscii: [method(['string'], 0, is(str))],
  upperAscii: [method(['string'], 0, is(str))],
  replace: [method(['string'], [2, 3], is(str), ['string', 'string', 'int'])],
  split: [method(['string'], [1, 2], is(listOf(str)), ['string', 'int'])],
  substring: [method(['string'], [1, 2], is(str), ['int', 'int'])],
  trim: [method(['string'], 0, is(str))],
  join: [method(['list'], [0, 1], is(str), ['string'])],
  format: [method(['string'], 1, is(str))],
  'strings.quote': [global(1, is(str))],
  // Kubernetes lists library
  isSorted: [method(['list'], 0, is(bool))],
  sum: [method(['list'], 0, (t) => elementOf(t))],
  min: [method(['list'], 0, (t) => elementOf(t))],
  max: [method(['list'], 0, (t) => elementOf(t))],
  // Kubernetes regex library
  find: [method(['string'], 1, is(str), ['string'])],
  findAll: [method(['string'], [1, 2], is(listOf(str)), ['string', 'int'])],
  // Kubernetes URL library
  url: [global(1, is(URL), ['string'])],
  isURL: [global(1, is(bool), ['string'])],
  getScheme: [method(['kubernetes.URL'], 0, is(str))],
  getHost: [method(['kubernetes.URL'], 0, is(str))],
  getHostname: [method(['kubernetes.URL'], 0, is(str))],
  getPort: [method(['kubernetes.URL'], 0, is(str))],
  getEscapedPath: [method(['kubernetes.URL'], 0, is(str))],
  getQuery: [method(['kubernetes.URL'], 0, is(mapOf(listOf(str))))],
  // Kubernetes quantity library
  quantity: [global(1, is(QUANTITY), ['string'])],
  isQuantity: [global(1, is(bool), ['string'])],
  sign: [method(['kubernetes.Quantity'], 0, is(int))],
  isInteger: [method(['kubernetes.Quantity'], 0, is(bool))],
  asInteger: [method(['kubernetes.Quantity'], 0, is(int))],
  asApproximateFloat: [method(['kubernetes.Quantity'], 0, is(double))],
  compareTo: [method(['kubernetes.Quantity'], 1, is(int), ['kubernetes.Quantity'])],
  isGreaterThan: [method(['kubernetes.Quantity'], 1, is(bool), ['kubernetes.Quantity'])],
  isLessThan: [method(['kubernetes.Quantity'], 1, is(bool), ['kubernetes.Quantity'])],
  add: [method(['kubernetes.Quantity'], 1, is(QUANTITY))],
  sub: [method(['kubernetes.Quantity'], 1, is(QUANTITY))],
  // sets extension
  'sets.contains': [global(2, is(bool), ['list', 'list'])],
  'sets.equivalent': [global(2, is(bool), ['list', 'list'])],
  'sets.intersects': [global(2, is(bool), ['list', 'list'])],
  // optional values (oldSelf with optionalOldSelf)
  'optional.of': [global(1, (_t, [a]) => optionalOf(a))],
  'optional.none': [global(0, () => optionalOf(dyn))],
  'optional.ofNonZeroValue': [global(1, (_t, [a]) => optionalOf(a))],
  hasValue: [method(['optional_type'], 0, is(bool))],
  value: [method(['optional_type'], 0, (t) => optionalContents(t))],
  orValue: [method(['optional_type'], 1, (t) => optionalContents(t))],
  or: [method(['optional_type'], 1, (t) => t ?? dyn)],
};

/** The receiver kind of a type, as signatures name it. */
export function receiverKind(t: CelDeclType): ReceiverKind {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'opaque':
      return t.name;
    default:
      return t.kind;
  }
}
