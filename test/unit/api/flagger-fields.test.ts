import { readFileSync } from 'node:fs';
import { CanarySchema } from '../../../src/api/canary.ts';
import { renderFlaggerFieldTables } from '../../../src/api/flagger-field-doc.ts';
import { FLAGGER_FIELDS, FLAGGER_VALUES, lookupFlaggerField, pathTokens } from '../../../src/api/flagger-fields.ts';
import { flaggerCrdPaths } from './flagger-crd-paths.ts';

type Node = Record<string, unknown>;

/** The schema node at a table path in Kanari's Canary schema, or undefined when Kanari has no such field. */
function kanariNode(path: string): Node | undefined {
  let node: Node | undefined = CanarySchema as unknown as Node;
  for (const token of pathTokens(path)) {
    if (!node) return undefined;
    if (token === '[]') node = node.items as Node | undefined;
    else if (token === '*') {
      const patterns = node.patternProperties as Record<string, Node> | undefined;
      node = patterns ? Object.values(patterns)[0] : (node.additionalProperties as Node | undefined);
    } else node = (node.properties as Record<string, Node> | undefined)?.[token];
  }
  return node;
}

const crdPaths = flaggerCrdPaths().map((entry) => entry.path);

describe("the Flagger field table (src/api/flagger-field-table.ts)", () => {
  test("covers every field path of Flagger's Canary CRD", () => {
    const uncovered = crdPaths.filter((path) => lookupFlaggerField(pathTokens(path).map((t) => (t === '[]' ? 0 : t === '*' ? 'x' : t))).row === undefined);
    expect(uncovered).toEqual([]);
  });

  test("lists no field Flagger's CRD does not have (deprecated names aside)", () => {
    const known = (path: string) => crdPaths.some((crd) => crd === path || crd.startsWith(`${path}.`) || crd.startsWith(`${path}[]`));
    expect(FLAGGER_FIELDS.filter((row) => !row.deprecated && !known(row.path)).map((row) => row.path)).toEqual([]);
  });

  test("says `same` exactly for the fields Kanari's schema has", () => {
    const sameButMissing = FLAGGER_FIELDS.filter((row) => row.outcome === 'same' && !kanariNode(row.path)).map((row) => row.path);
    const otherButPresent = FLAGGER_FIELDS.filter((row) => row.outcome !== 'same' && kanariNode(row.path)).map((row) => row.path);
    expect({ sameButMissing, otherButPresent }).toEqual({ sameButMissing: [], otherButPresent: [] });
  });

  test('gives every value rule a field of the table', () => {
    const paths = new Set(FLAGGER_FIELDS.map((row) => row.path));
    const lookup = (path: string) => {
      const found = lookupFlaggerField(pathTokens(path).map((t) => (t === '[]' ? 0 : t)));
      return paths.has(path) || found.row !== undefined || found.hasChildren;
    };
    expect(FLAGGER_VALUES.filter((row) => !lookup(row.path)).map((row) => `${row.path} = ${row.value}`)).toEqual([]);
  });

  test('is what docs/migrating-from-flagger.md shows (npm run generate:reference)', () => {
    const page = readFileSync(new URL('../../../docs/migrating-from-flagger.md', import.meta.url), 'utf8');
    expect(page).toContain(renderFlaggerFieldTables());
  });
});
