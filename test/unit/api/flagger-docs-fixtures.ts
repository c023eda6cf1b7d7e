import { readdirSync, readFileSync } from 'node:fs';
import { objectLabel, parseYamlDocuments } from '../../../src/api/yaml-documents.ts';

/**
 * The Flagger objects of test/fixtures/flagger/docs: one file per documentation page, each Canary preceded
 * by a `# § <section>` line (see the folder's README). Pages show several Canaries of the same name, so a
 * Canary is known by its page and section, not by its name.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DocsCanary {
  /** `<page> § <section>`. */
  key: string;
  file: string;
  document: Json;
}

export interface DocsObject {
  file: string;
  /** `Kind/name` */
  label: string;
  document: Json;
}

export const DOCS_FIXTURES = new URL('../../fixtures/flagger/docs/', import.meta.url);

/** Every document of every fixture file, in file order; Canaries with their section. */
export function readDocsFixtures(dir: URL = DOCS_FIXTURES): { canaries: DocsCanary[]; others: DocsObject[] } {
  const canaries: DocsCanary[] = [];
  const others: DocsObject[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort()) {
    const page = file.replace(/\.yaml$/, '');
    for (const chunk of readFileSync(new URL(file, dir), 'utf8').split(/^---[ \t]*$/m)) {
      const parsed = parseYamlDocuments(chunk);
      if (parsed.length === 0) continue;
      const [first] = parsed;
      if (parsed.length > 1 || !first.ok) throw new Error(`${file}: a document that is not one YAML object: ${chunk.slice(0, 80)}`);
      const document = first.value as Json;
      if (document.kind !== 'Canary') {
        others.push({ file, label: objectLabel(document), document });
        continue;
      }
      const section = /^#\s*§\s*(.+)$/m.exec(chunk)?.[1].trim();
      if (!section) throw new Error(`${file}: a Canary without a "# § <section>" line: ${objectLabel(document)}`);
      canaries.push({ key: `${page} § ${section}`, file, document });
    }
  }
  return { canaries, others };
}
