import { celEnv, parse, plan, type CelResult } from '@bufbuild/cel';
import type { StatusCause } from '../api-error.ts';
import { isObject } from '../json.ts';
import type { SchemaProps } from '../structural-schema.ts';
import { opaque, schemaDeclType, type CelDeclType } from './decl-types.ts';
import { kubernetesFunctions } from './kubernetes-library.ts';
import { opaqueRegistry } from './opaque-types.ts';
import { checkExpression, formatIssues, type ParsedExpr } from './type-check.ts';
import { ruleFieldPath } from './rule-field-path.ts';

/** One entry of `x-kubernetes-validations`. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** A compiled program: evaluate with `self` (and `oldSelf`) bound. */
export type RuleProgram = (bindings: Record<string, unknown>) => CelResult;

export interface CompiledRule {
  rule: ValidationRule;
  program: RuleProgram;
  messageProgram: RuleProgram | undefined;
  /** Transition rule: evaluated only on update, when the old value exists (unless optionalOldSelf). */
  usesOldSelf: boolean;
  /** fieldPath relative to the rule's node, normalised for error paths ("x.y", "m[key]"), or "". */
  fieldPath: string;
}

/**
 * The compiled rules of one schema node and of the nodes below it that hold rules; nodes without rules
 * beneath them are left out, so validation walks only the parts of an object that rules read.
 */
export interface RuleNode {
  schema: SchemaProps;
  isResourceRoot: boolean;
  rules: CompiledRule[];
  properties: Map<string, RuleNode>;
  additionalProperties: RuleNode | undefined;
  items: RuleNode | undefined;
  /** x-kubernetes-list-map-keys when the list is a map list: items correlate with old items by these keys. */
  listMapKeys: string[] | undefined;
}

/** The rules of one CRD version's schema, or the reasons the CRD is invalid. */
export interface CompiledSchema {
  root: RuleNode | undefined;
  causes: StatusCause[];
}

const env = celEnv({ registry: opaqueRegistry, funcs: kubernetesFunctions });
const supportedReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const reasonsList = supportedReasons.map((r) => JSON.stringify(r)).join(', ');

/** Go's %#v of a ValidationRule, as the real server prints the offending rule. */
function goRule(rule: ValidationRule): string {
  const ptr = (type: string, v: unknown) => (v === undefined ? `(*${type})(nil)` : `(*${type})(0xc000000000)`);
  return `apiextensions.ValidationRule{Rule:${JSON.stringify(rule.rule ?? '')}, Message:${JSON.stringify(rule.message ?? '')}, MessageExpression:${JSON.stringify(rule.messageExpression ?? '')}, Reason:${ptr('apiextensions.FieldValueErrorReason', rule.reason)}, FieldPath:${JSON.stringify(rule.fieldPath ?? '')}, OptionalOldSelf:${ptr('bool', rule.optionalOldSelf)}}`;
}

type Compiled = { program: RuleProgram; usesOldSelf: boolean } | { error: string };

/** Parses, checks and plans one expression that must yield `expect`. */
function compileExpression(text: string, variables: Map<string, CelDeclType>, expect: 'bool' | 'string'): Compiled {
  let parsed: ParsedExpr;
  try {
    parsed = parse(text);
  } catch (err) {
    return { error: `ERROR: ${(err as Error).message}` };
  }
  const checked = checkExpression(parsed, variables);
  if (checked.issues.length > 0) return { error: formatIssues(text, checked.issues) };
  const t = checked.type;
  if (t.kind !== 'dyn' && !(t.kind === 'primitive' && t.name === expect)) return { error: `must evaluate to a ${expect}` };
  const program = plan(env, parsed) as unknown as RuleProgram;
  return { program, usesOldSelf: checked.readsVariables.has('oldSelf') };
}

/** A schema extension the structural-schema code does not model. */
const extension = <T>(s: SchemaProps, key: string): T | undefined => (s as Record<string, unknown>)[key] as T | undefined;

/** Compiles every rule of a schema, reporting what kube-apiserver reports when a CRD's rules are wrong. */
export function compileSchema(schema: SchemaProps, basePath: string): CompiledSchema {
  const causes: StatusCause[] = [];

  const visit = (s: SchemaProps, path: string, isResourceRoot: boolean, uncorrelatable: string | undefined): RuleNode | undefined => {
    const node: RuleNode = {
      schema: s,
      isResourceRoot,
      rules: [],
      properties: new Map(),
      additionalProperties: undefined,
      items: undefined,
      listMapKeys: undefined,
    };
    const declared = extension<unknown>(s, 'x-kubernetes-validations');
    const rules = (Array.isArray(declared) ? declared : []).map((r) => (isObject(r) ? r : {})) as unknown as ValidationRule[];
    rules.forEach((rule, i) => {
      const compiled = compileRule(rule, s, isResourceRoot, `${path}.x-kubernetes-validations[${i}]`, uncorrelatable, causes);
      if (compiled) node.rules.push(compiled);
    });
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      if (isResourceRoot && name === 'metadata') continue;
      const child = visit(prop, `${path}.properties[${name}]`, prop['x-kubernetes-embedded-resource'] === true, uncorrelatable);
      if (child) node.properties.set(name, child);
    }
    if (isObject(s.additionalProperties)) {
      const ap = s.additionalProperties as SchemaProps;
      node.additionalProperties = visit(ap, `${path}.additionalProperties`, ap['x-kubernetes-embedded-resource'] === true, uncorrelatable);
    }
    if (s.items) {
      const keys = extension<string[]>(s, 'x-kubernetes-list-map-keys');
      if (extension<string>(s, 'x-kubernetes-list-type') === 'map' && Array.isArray(keys)) node.listMapKeys = keys;
      const itemsPath = `${path}.items`;
      node.items = visit(s.items, itemsPath, s.items['x-kubernetes-embedded-resource'] === true, uncorrelatable ?? (node.listMapKeys ? undefined : itemsPath));
    }
    const empty = node.rules.length === 0 && node.properties.size === 0 && !node.additionalProperties && !node.items;
    return empty ? undefined : node;
  };

  const root = visit(schema, basePath, true, undefined);
  return { root, causes };
}

function compileRule(rule: ValidationRule, s: SchemaProps, isResourceRoot: boolean, path: string, uncorrelatable: string | undefined, causes: StatusCause[]): CompiledRule | undefined {
  const invalid = (field: string, value: string, message: string) => causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${message}`, field: `${path}.${field}` });
  const text = typeof rule.rule === 'string' ? rule.rule.trim() : '';
  const message = typeof rule.message === 'string' ? rule.message : '';
  const before = causes.length;
  if (text === '') causes.push({ reason: 'FieldValueRequired', message: 'Required value: rule is not specified', field: `${path}.rule` });
  else if (message !== '' && message.trim() === '') invalid('message', JSON.stringify(message), 'message must be non-empty if specified');
  else if (/[\n\r]/.test(message.trim())) invalid('message', JSON.stringify(message), 'message must not contain line breaks');
  else if (/[\n\r]/.test(text) && message.trim() === '') causes.push({ reason: 'FieldValueRequired', message: 'Required value: message must be specified if rule contains line breaks', field: `${path}.message` });
  if (typeof rule.messageExpression === 'string' && rule.messageExpression !== '' && rule.messageExpression.trim() === '') {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value: messageExpression must be non-empty if specified', field: `${path}.messageExpression` });
  }
  if (rule.reason !== undefined && !supportedReasons.includes(rule.reason)) {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(rule.reason)}: supported values: ${reasonsList}`, field: `${path}.reason` });
  }
  let fieldPath = '';
  if (typeof rule.fieldPath === 'string' && rule.fieldPath !== '') {
    const resolved = ruleFieldPath(rule.fieldPath, s);
    if (resolved === undefined) invalid('fieldPath', JSON.stringify(rule.fieldPath), 'fieldPath must be a valid path');
    else fieldPath = resolved;
  }
  if (causes.length > before) return undefined;

  const selfType = schemaDeclType(s, isResourceRoot);
  if (!selfType) {
    invalid('rule', goRule(rule), 'compilation failed: the schema has no type CEL can read (give it a type)');
    return undefined;
  }
  const oldSelfType = rule.optionalOldSelf === true ? opaque('optional_type', selfType) : selfType;
  const variables = new Map<string, CelDeclType>([['self', selfType], ['oldSelf', oldSelfType]]);
  const compiled = compileExpression(text, variables, 'bool');
  if ('error' in compiled) {
    invalid('rule', goRule(rule), compiled.error.startsWith('must') ? `cel expression ${compiled.error}` : `compilation failed: ${compiled.error}`);
    return undefined;
  }
  let messageProgram: RuleProgram | undefined;
  if (typeof rule.messageExpression === 'string' && rule.messageExpression.trim() !== '') {
    const msg = compileExpression(rule.messageExpression, variables, 'string');
    if ('error' in msg) {
      invalid('messageExpression', goRule(rule), msg.error.startsWith('must') ? `messageExpression ${msg.error}` : `messageExpression compilation failed: ${msg.error}`);
      return undefined;
    }
    messageProgram = msg.program;
  }
  const usesOldSelf = compiled.usesOldSelf;
  if (usesOldSelf && uncorrelatable !== undefined) {
    invalid('rule', JSON.stringify(rule.rule), `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}`);
    return undefined;
  }
  if (!usesOldSelf && rule.optionalOldSelf !== undefined) {
    invalid('optionalOldSelf', String(rule.optionalOldSelf), 'may not be set if oldSelf is not used in rule');
    return undefined;
  }
  return { rule, program: compiled.program, messageProgram, usesOldSelf, fieldPath };
}
