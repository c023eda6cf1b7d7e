import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { pathSegments } from './field-path.ts';

/** A place in the text, both counted from 1. */
export interface YamlPlace {
  line: number;
  column: number;
}

/** Why part of a text is not YAML: where, what, and the lines around it with a caret under the spot. */
export interface YamlProblem extends YamlPlace {
  message: string;
  excerpt: string[];
}

/** One document of a multi-document YAML text, or why it could not be read (every problem, not the first). */
export type YamlDocument =
  | { ok: true; index: number; value: unknown; line: number; locate(path: string): YamlPlace | undefined }
  | { ok: false; index: number; line: number; problems: YamlProblem[] };

/** Splits and parses a multi-document YAML text; empty documents (a trailing `---`) are left out. */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const lines = new LineCounter();
  const result: YamlDocument[] = [];
  parseAllDocuments(text, { lineCounter: lines }).forEach((document, index) => {
    if ('empty' in document) return;
    // The document's first line of content, not the `---` before it.
    const line = lines.linePos((document.contents as Node | null)?.range?.[0] ?? document.range[0]).line;
    if (document.errors.length > 0) {
      const problems = document.errors.map((error) => yamlProblem(error.message, error.linePos?.[0] ?? lines.linePos(error.pos[0])));
      result.push({ ok: false, index, line, problems });
      return;
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) result.push({ ok: true, index, value, line, locate: (path) => locate(document, lines, path) });
  });
  return result;
}

/** `Kind/name` for messages, with placeholders when either is missing. */
export function objectLabel(object: unknown): string {
  const o = (object ?? {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const kind = typeof o.kind === 'string' && o.kind ? o.kind : '<no kind>';
  const name = typeof o.metadata?.name === 'string' && o.metadata.name ? o.metadata.name : '<no name>';
  return `${kind}/${name}`;
}

// The yaml library ends a message with " at line L, column C:" and an excerpt; the place is kept as
// numbers and the excerpt as lines, so no caller prints a sentence cut off after the colon.
function yamlProblem(text: string, place: { line: number; col: number }): YamlProblem {
  const [head, ...rest] = text.split('\n');
  const message = head.replace(/ at line \d+, column \d+:?$/, '').trim();
  const excerpt = rest.join('\n').replace(/^\n+|\n+$/g, '');
  return { line: place.line, column: place.col, message, excerpt: excerpt === '' ? [] : excerpt.split('\n') };
}

// The line of the field a path names: its key's line when it is there, else that of the nearest
// enclosing field that is (a missing field is reported where it belongs).
function locate(document: Document, lines: LineCounter, path: string): YamlPlace | undefined {
  let node: unknown = document.contents;
  let offset = (document.contents as Node | null)?.range?.[0];
  for (const segment of pathSegments(path)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment);
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
