import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderReference } from './reference-doc.ts';

// `npm run generate:reference`: rewrites docs/canary-reference.md from the schemas; a test fails when the committed page differs.
const file = fileURLToPath(new URL('../../docs/canary-reference.md', import.meta.url));
writeFileSync(file, renderReference());
console.log('wrote docs/canary-reference.md');
