import { FLAGGER_FIELDS } from './flagger-field-table.ts';
import { FLAGGER_VALUES } from './flagger-field-values.ts';

/**
 * What Kanari does with each field of Flagger's Canary: the one source of truth that `kanari validate`
 * (messages for Flagger fields Kanari refuses), `kanari convert` (what it copies, rewrites, drops or
 * refuses, and the note it prints) and docs/migrating-from-flagger.md (the field table) are made from.
 * A test checks the table covers every field path of Flagger's Canary CRD and agrees with Kanari's schema.
 */

/**
 * - `same`: Kanari's Canary has the field and reads it as Flagger does.
 * - `rewritten`: Kanari says the same thing another way; convert writes that way with a note, validate
 *   refuses the Flagger form with the text.
 * - `dropped`: no effect Kanari can give it; convert leaves it out with a note, validate refuses it.
 * - `refused`: leaving it out would change the rollout; convert does not write the Canary, validate
 *   refuses it. The text says what to write instead.
 * - `noted` (values only): Kanari accepts it but reads it differently; convert says how in a note.
 */
export type FlaggerOutcome = 'same' | 'rewritten' | 'dropped' | 'refused' | 'noted';

/** One field path of Flagger's Canary (`[]` a list item, `*` a map key) and its outcome in Kanari. */
export interface FlaggerField {
  path: string;
  outcome: FlaggerOutcome;
  /** The meaning in Kanari (`same`), or why and what to write instead: the note and the validation message. */
  text: string;
  /** The row stands for every field under `path` too (an Istio policy, a Gateway API filter…). */
  subtree?: boolean;
  /** Not in Flagger's current CRD, but still read by Flagger's code (deprecated names). */
  deprecated?: boolean;
}

/** An outcome that depends on a field's value or on other fields (a provider, a severity…). */
export interface FlaggerValue {
  path: string;
  /** The value as written in YAML, or the condition in words. */
  value: string;
  outcome: FlaggerOutcome;
  text: string;
}

/** A path as tokens: `spec.analysis.metrics[].query` → spec, analysis, metrics, [], query. */
export function pathTokens(path: string): string[] {
  return path.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part]));
}

interface TableNode {
  row?: FlaggerField;
  children: Map<string, TableNode>;
}

function buildTree(rows: readonly FlaggerField[]): TableNode {
  const root: TableNode = { children: new Map() };
  for (const row of rows) {
    let node = root;
    for (const token of pathTokens(row.path)) {
      let child = node.children.get(token);
      if (!child) {
        child = { children: new Map() };
        node.children.set(token, child);
      }
      node = child;
    }
    if (node.row) throw new Error(`the Flagger field table lists ${row.path} twice`);
    node.row = row;
  }
  return root;
}

const TREE = buildTree(FLAGGER_FIELDS);

/** Where a field of a Flagger object sits in the table. */
export interface FieldLookup {
  /** The row for the field itself, or for the subtree it belongs to. */
  row?: FlaggerField;
  /** The table knows fields below this one (an object or list to walk into). */
  hasChildren: boolean;
}

/**
 * The row of a field given its place in an object: list indices as numbers, map keys as they are
 * (`['spec', 'analysis', 'match', 0, 'headers', 'x-canary', 'exact']`). Unknown paths have no row.
 */
export function lookupFlaggerField(segments: ReadonlyArray<string | number>): FieldLookup {
  let node: TableNode | undefined = TREE;
  let subtree: FlaggerField | undefined;
  for (const segment of segments) {
    if (node.row?.subtree) subtree = node.row;
    const token = typeof segment === 'number' ? '[]' : segment;
    const next: TableNode | undefined = node.children.get(token) ?? node.children.get('*');
    // A row for a list of plain values (`hosts`, `stepWeights`) stands for its items too.
    if (!next && token === '[]' && node.row) continue;
    if (!next) return { row: subtree, hasChildren: false };
    node = next;
  }
  return { row: node.row ?? subtree, hasChildren: node.children.size > 0 };
}

/** The value rule of `path` for `value`, for messages and notes; throws when the table lacks it (a bug). */
export function flaggerValue(path: string, value: string): FlaggerValue {
  const found = FLAGGER_VALUES.find((row) => row.path === path && row.value === value);
  if (!found) throw new Error(`the Flagger value table has no ${path} = ${value}`);
  return found;
}

export { FLAGGER_FIELDS, FLAGGER_VALUES };
