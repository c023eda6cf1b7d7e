import type { parse } from '@bufbuild/cel';
import { dyn, listOf, mapOf, primitive, typeName, type CelDeclType } from './decl-types.ts';
import { receiverKind, signatures } from './function-signatures.ts';

// @bufbuild/cel parses and evaluates but does not export its type checker, and Kubernetes rejects at CRD
// creation a rule that names a field the schema lacks or a function that does not exist. This checker
// walks the parsed rule with the schema's types and reports what cel-go would report for those mistakes,
// worded as cel-go words them. Where a type is known only at run time (dyn) it accepts, so it never
// rejects a rule a real server compiles.

export type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];

/** One problem in a rule: where (offset into the text) and what. */
export interface CheckIssue {
  offset: number;
  message: string;
}

/** The result type of a rule, the issues found, and whether it reads `oldSelf`. */
export interface CheckResult {
  type: CelDeclType;
  issues: CheckIssue[];
  readsVariables: Set<string>;
}

const typeIdentifiers = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);
// Operators (and the macros' internal helper) whose result is a bool whatever their operands.
const booleanOperators = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '@in', '_&&_', '_||_', '!_', '@not_strictly_false']);

/** Checks a parsed expression against the declared variables. */
export function checkExpression(parsed: ParsedExpr, variables: Map<string, CelDeclType>): CheckResult {
  const issues: CheckIssue[] = [];
  const readsVariables = new Set<string>();
  const positions = parsed.sourceInfo?.positions ?? {};
  const issue = (e: Expr, message: string) => issues.push({ offset: Number(positions[String(e.id)] ?? 0), message });

  /** The dotted name of `a.b.c` when it is made of identifiers that are not variables. */
  const qualifiedName = (e: Expr | undefined, scope: Map<string, CelDeclType>): string | undefined => {
    if (!e) return undefined;
    if (e.exprKind.case === 'identExpr') return scope.has(e.exprKind.value.name) ? undefined : e.exprKind.value.name;
    if (e.exprKind.case === 'selectExpr' && !e.exprKind.value.testOnly) {
      const prefix = qualifiedName(e.exprKind.value.operand, scope);
      return prefix === undefined ? undefined : `${prefix}.${e.exprKind.value.field}`;
    }
    return undefined;
  };

  const selectField = (e: Expr, operand: CelDeclType, field: string): CelDeclType => {
    switch (operand.kind) {
      case 'object': {
        const t = operand.fields.get(field);
        if (t === undefined) issue(e, `undefined field '${field}'`);
        return t ?? dyn;
      }
      case 'map':
        return operand.value;
      case 'dyn':
        return dyn;
      default:
        issue(e, `type '${typeName(operand)}' does not support field selection`);
        return dyn;
    }
  };

  const call = (e: Expr, fn: string, target: CelDeclType | undefined, args: CelDeclType[]): CelDeclType => {
    if (booleanOperators.has(fn)) return primitive('bool');
    switch (fn) {
      case '_?_:_':
        return args[1].kind === 'dyn' ? args[2] : args[1];
      case '_[_]':
        return args[0].kind === 'list' ? args[0].element : args[0].kind === 'map' ? args[0].value : dyn;
      case '_+_':
        if (args[0].kind === 'list' && args[1].kind === 'list') return args[0].element.kind === 'dyn' ? args[1] : args[0];
        if (args.some((a) => a.kind === 'primitive' && a.name === 'timestamp')) return primitive('timestamp');
        return args[0].kind === 'dyn' ? args[1] : args[0];
      case '_-_':
        if (args.every((a) => a.kind === 'primitive' && a.name === 'timestamp')) return primitive('duration');
        return args[0];
      case '_*_':
      case '_/_':
      case '_%_':
      case '-_':
        return args[0];
    }
    const overloads = signatures[fn];
    if (!overloads) {
      issue(e, `undeclared reference to '${fn}' (in container '')`);
      return dyn;
    }
    const match = overloads.find((o) => {
      if ((o.receiver !== undefined) !== (target !== undefined)) return false;
      if (args.length < o.arity[0] || args.length > o.arity[1]) return false;
      if (target !== undefined && target.kind !== 'dyn' && !(o.receiver ?? []).includes(receiverKind(target))) return false;
      return args.every((a, i) => a.kind === 'dyn' || o.params?.[i] === undefined || o.params[i] === receiverKind(a));
    });
    if (!match) {
      const shown = `${target ? `${typeName(target)}.` : ''}(${args.map(typeName).join(', ')})`;
      issue(e, `found no matching overload for '${fn}' applied to '${shown}'`);
      return dyn;
    }
    return match.result(target, args);
  };

  const check = (e: Expr | undefined, scope: Map<string, CelDeclType>): CelDeclType => {
    if (!e) return dyn;
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        switch (k.value.constantKind.case) {
          case 'boolValue':
            return primitive('bool');
          case 'int64Value':
            return primitive('int');
          case 'uint64Value':
            return primitive('uint');
          case 'doubleValue':
            return primitive('double');
          case 'stringValue':
            return primitive('string');
          case 'bytesValue':
            return primitive('bytes');
          case 'nullValue':
            return primitive('null_type');
          default:
            return dyn;
        }
      case 'identExpr': {
        const t = scope.get(k.value.name);
        if (t !== undefined) {
          readsVariables.add(k.value.name);
          return t;
        }
        if (typeIdentifiers.has(k.value.name)) return primitive('type');
        issue(e, `undeclared reference to '${k.value.name}' (in container '')`);
        return dyn;
      }
      case 'selectExpr': {
        const operand = check(k.value.operand, scope);
        const t = selectField(e, operand, k.value.field);
        return k.value.testOnly ? primitive('bool') : t;
      }
      case 'callExpr': {
        const qualified = qualifiedName(k.value.target, scope);
        const namespaced = qualified === undefined ? undefined : `${qualified}.${k.value.function}`;
        const args = k.value.args.map((a) => check(a, scope));
        if (namespaced !== undefined && signatures[namespaced]) return call(e, namespaced, undefined, args);
        const target = k.value.target ? check(k.value.target, scope) : undefined;
        return call(e, k.value.function, target, args);
      }
      case 'listExpr': {
        const elements = k.value.elements.map((x) => check(x, scope));
        return listOf(elements.length > 0 && elements.every((x) => typeName(x) === typeName(elements[0])) ? elements[0] : dyn);
      }
      case 'structExpr': {
        if (k.value.messageName !== '') {
          issue(e, `undeclared reference to '${k.value.messageName}' (in container '')`);
          return dyn;
        }
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') check(entry.keyKind.value, scope);
          check(entry.value, scope);
        }
        return mapOf(dyn);
      }
      case 'comprehensionExpr': {
        const c = k.value;
        const range = check(c.iterRange, scope);
        let iterType: CelDeclType = dyn;
        if (range.kind === 'list') iterType = range.element;
        else if (range.kind === 'map') iterType = primitive('string');
        else if (range.kind !== 'dyn') {
          issue(c.iterRange ?? e, `expression of type '${typeName(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`);
        }
        const accuType = check(c.accuInit, scope);
        const loopScope = new Map(scope).set(c.accuVar, accuType).set(c.iterVar, iterType);
        check(c.loopCondition, loopScope);
        const stepType = check(c.loopStep, loopScope);
        const resultType = accuType.kind === 'list' && accuType.element.kind === 'dyn' && stepType.kind === 'list' ? stepType : accuType;
        return check(c.result, new Map(scope).set(c.accuVar, resultType));
      }
      default:
        return dyn;
    }
  };

  const type = check(parsed.expr, variables);
  return { type, issues, readsVariables };
}

/** cel-go's rendering of issues: "ERROR: <input>:1:5: message", the line, and a caret under the column. */
export function formatIssues(source: string, issues: CheckIssue[]): string {
  return issues
    .map(({ offset, message }) => {
      const chars = [...source];
      const before = chars.slice(0, offset);
      const line = before.filter((c) => c === '\n').length + 1;
      const lineStart = before.lastIndexOf('\n') + 1;
      const column = offset - lineStart;
      const text = chars.slice(lineStart).join('').split('\n')[0];
      return `ERROR: <input>:${line}:${column + 1}: ${message}\n | ${text}\n | ${'.'.repeat(column)}^`;
    })
    .join('\n');
}
