import { parseAllDocuments } from 'yaml';

/** One document of a multi-document YAML text, or why it could not be read. */
export type YamlDocument = { ok: true; index: number; value: unknown } | { ok: false; index: number; error: string };

/** Splits and parses a multi-document YAML text; empty documents (a trailing `---`) are left out. */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const result: YamlDocument[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    if ('empty' in document) return;
    if (document.errors.length > 0) {
      result.push({ ok: false, index, error: document.errors[0].message.split('\n')[0] });
      return;
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) result.push({ ok: true, index, value });
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
