import { isCelError } from '@bufbuild/cel';
import type { StatusCause } from '../api-error.ts';
import { isObject, jsonEqual, type JsonObject } from '../json.ts';
import type { CompiledRule, RuleNode } from './rule-compiler.ts';
import { optionalOf } from './opaque-types.ts';
import { CelValueConverter } from './values.ts';

// Evaluates compiled rules over an object the way apiextensions' CEL validator walks it: rules of a node
// with `self` bound to the value there, then the node's properties, map values and list items. Old values
// follow along where they correlate (properties, map keys, items of map lists by their keys), which gives
// transition rules their `oldSelf` and lets unchanged values keep passing (validation ratcheting).

/** A field path as kube's field.Path prints it; the root is the nil path. */
type FieldPath = string | undefined;
const child = (p: FieldPath, name: string): string => (p === undefined ? name : `${p}.${name}`);
const index = (p: FieldPath, i: number | string): string => `${p ?? ''}[${i}]`;
const shown = (p: FieldPath): string => p ?? '<nil>';

/** Validates `obj` (with `old` on updates) against the rules; one cause per failed rule. */
export function evaluateRules(root: RuleNode, obj: JsonObject, old: JsonObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const current = new CelValueConverter();
  const previous = new CelValueConverter();

  const walk = (node: RuleNode, value: unknown, oldValue: unknown, path: FieldPath): void => {
    if (value === null || value === undefined) return;
    if (oldValue === null) oldValue = undefined;
    if (node.rules.length > 0) {
      const self = current.convert(node.schema, value, node.isResourceRoot);
      const oldSelf = oldValue === undefined ? undefined : previous.convert(node.schema, oldValue, node.isResourceRoot);
      const unchanged = oldValue !== undefined && jsonEqual(value, oldValue);
      for (const compiled of node.rules) {
        const cause = evaluateRule(compiled, node, self, oldSelf, unchanged, path);
        if (cause) causes.push(cause);
      }
    }
    if (Array.isArray(value)) {
      if (!node.items) return;
      const oldItems = node.listMapKeys && Array.isArray(oldValue) ? oldValue : [];
      const keys = node.listMapKeys;
      value.forEach((item, i) => {
        const oldItem = keys ? oldItems.find((o) => isObject(o) && isObject(item) && keys.every((k) => jsonEqual(o[k], item[k]))) : undefined;
        walk(node.items as RuleNode, item, oldItem, index(path, i));
      });
      return;
    }
    if (!isObject(value)) return;
    const oldObj = isObject(oldValue) ? oldValue : undefined;
    for (const [key, v] of Object.entries(value)) {
      const prop = node.properties.get(key);
      if (prop) walk(prop, v, oldObj?.[key], child(path, key));
      else if (node.additionalProperties && !node.schema.properties?.[key]) walk(node.additionalProperties, v, oldObj?.[key], index(path, key));
    }
  };

  walk(root, obj, old, undefined);
  return causes;
}

function evaluateRule(compiled: CompiledRule, node: RuleNode, self: unknown, oldSelf: unknown, unchanged: boolean, path: FieldPath): StatusCause | undefined {
  const { rule } = compiled;
  const optionalOldSelf = rule.optionalOldSelf === true;
  if (compiled.usesOldSelf && oldSelf === undefined && !optionalOldSelf) return undefined;
  const bindings: Record<string, unknown> = { self };
  if (compiled.usesOldSelf) bindings.oldSelf = optionalOldSelf ? optionalOf(oldSelf) : oldSelf;
  const typeShown = JSON.stringify(node.schema['x-kubernetes-int-or-string'] ? '' : (node.schema.type ?? ''));
  const result = compiled.program(bindings);
  if (isCelError(result)) {
    const err = celGoWording(result.message);
    const detail = err.startsWith('no such overload')
      ? `'${err}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(compiled)}`
      : `${err} evaluating rule: ${ruleErrorString(compiled)}`;
    return { reason: 'FieldValueInvalid', message: `Invalid value: ${typeShown}: ${detail}`, field: shown(path) };
  }
  if (result === true) return undefined;
  // Ratcheting: a value the update left as it was may keep failing a rule that does not read oldSelf.
  if (!compiled.usesOldSelf && unchanged) return undefined;
  const field = compiled.fieldPath === '' ? shown(path) : child(path, compiled.fieldPath);
  const detail = messageOf(compiled, bindings);
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
    case 'FieldValueRequired':
      return { reason: 'FieldValueRequired', message: `Required value: ${detail}`, field };
    case 'FieldValueDuplicate':
      return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${typeShown}`, field };
    default:
      return { reason: 'FieldValueInvalid', message: `Invalid value: ${typeShown}: ${detail}`, field };
  }
}

/** messageExpression's result when it is a usable one-line string, else the rule's message (or default). */
function messageOf(compiled: CompiledRule, bindings: Record<string, unknown>): string {
  if (compiled.messageProgram) {
    const msg = compiled.messageProgram(bindings);
    if (typeof msg === 'string' && msg.trim() !== '' && !/[\n\r]/.test(msg.trim())) return msg.trim();
  }
  const message = compiled.rule.message ?? '';
  return message === '' ? `failed rule: ${ruleErrorString(compiled)}` : message.trim();
}

function ruleErrorString(compiled: CompiledRule): string {
  const message = compiled.rule.message ?? '';
  return message.trim() !== '' ? message.trim() : compiled.rule.rule.trim();
}

/** cel-go's wording of the run-time errors @bufbuild/cel words differently. */
function celGoWording(message: string): string {
  const noField = /^field not found: (.*)$/.exec(message);
  if (noField) return `no such key: ${noField[1]}`;
  const outOfBounds = /^index (-?\d+) out of bounds/.exec(message);
  if (outOfBounds) return `index out of bounds: ${outOfBounds[1]}`;
  if (/divide by zero/.test(message)) return 'division by zero';
  if (/modulus by zero/.test(message)) return 'modulus by zero';
  if (/^(unbound function|no matching overload|found no matching overload|no such overload)/.test(message)) return 'no such overload';
  return message;
}
