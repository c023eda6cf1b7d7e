/**
 * How much of Flagger's own material Kanari takes as it is: every Canary of test/fixtures/flagger/docs
 * (one file per page of Flagger's docs and per e2e test), tried as a migrating user would. Prints, per
 * Canary, whether it validates with only `apiVersion` changed, whether `kanari convert` writes it and the
 * result validates, and how many notes convert printed; then the totals.
 *
 *   node_modules/.bin/node bench/flagger-compat.bench.ts [fixtures dir]
 *
 * It reads only the CLI's building blocks (parse, convert, validate), so it runs on older trees as well.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertFlaggerDocuments, formatConversionNote } from '../src/api/flagger-convert.ts';
import { createValidator } from '../src/api/validation.ts';
import { objectLabel, parseYamlDocuments } from '../src/api/yaml-documents.ts';

type Json = Record<string, unknown>;

const dir = process.argv[2] ?? fileURLToPath(new URL('../test/fixtures/flagger/docs/', import.meta.url));
const validator = createValidator();
const rows: Array<{ file: string; canary: string; asIs: boolean; converted: boolean; notes: number }> = [];

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const documents = parseYamlDocuments(readFileSync(join(dir, file), 'utf8')).flatMap((d) => (d.ok ? [d.value as Json] : []));
  const conversion = convertFlaggerDocuments(documents);
  documents.forEach((document, i) => {
    if (document.kind !== 'Canary') return;
    const label = objectLabel(document);
    const asIs = validator.validate({ ...structuredClone(document), apiVersion: 'kanari.dev/v1alpha1' }).errors.length === 0;
    const converted = conversion.documents[i].converted;
    const notes = conversion.notes.filter((note) => formatConversionNote(note).startsWith(`${label}:`)).length;
    rows.push({ file, canary: label, asIs, converted: converted !== undefined && validator.validate(converted).errors.length === 0, notes });
  });
}

const mark = (ok: boolean) => (ok ? 'yes' : 'no ');
console.log('page | Canary | valid as is | converted and valid | notes');
for (const row of rows) console.log(`${row.file.replace(/\.yaml$/, '')} | ${row.canary} | ${mark(row.asIs)} | ${mark(row.converted)} | ${row.notes}`);
const count = (key: 'asIs' | 'converted') => rows.filter((row) => row[key]).length;
console.log(`\n${rows.length} Canaries from ${new Set(rows.map((r) => r.file)).size} pages`);
console.log(`valid with only apiVersion changed: ${count('asIs')} of ${rows.length}`);
console.log(`converted by kanari convert and valid: ${count('converted')} of ${rows.length}`);
console.log(`not converted (refused, with the reason in a note): ${rows.length - count('converted')} of ${rows.length}`);
