import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withFlaggerFieldTables } from './flagger-field-doc.ts';
import { renderReference } from './reference-doc.ts';

// `npm run generate:reference`: rewrites docs/canary-reference.md from the schemas and the Flagger field
// tables of docs/migrating-from-flagger.md from src/api/flagger-field-table.ts; tests fail when either differs.
const file = fileURLToPath(new URL('../../docs/canary-reference.md', import.meta.url));
writeFileSync(file, renderReference());
console.log('wrote docs/canary-reference.md');
const migration = fileURLToPath(new URL('../../docs/migrating-from-flagger.md', import.meta.url));
writeFileSync(migration, withFlaggerFieldTables(readFileSync(migration, 'utf8')));
console.log('wrote the field tables of docs/migrating-from-flagger.md');
