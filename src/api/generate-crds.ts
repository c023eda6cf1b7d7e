import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crdFileName, customResourceDefinitions, renderCrdYaml } from './crd.ts';

// `npm run generate`: rewrites crds/ from the schemas; a test fails when the committed files differ.
const directory = fileURLToPath(new URL('../../crds/', import.meta.url));
mkdirSync(directory, { recursive: true });
for (const crd of customResourceDefinitions()) {
  const file = crdFileName(crd);
  writeFileSync(`${directory}${file}`, renderCrdYaml(crd));
  console.log(`wrote crds/${file}`);
}
