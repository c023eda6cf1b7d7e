// Regenerates deploy/ from charts/kanari: node_modules/.bin/node test/integration/deploy/write-deploy-manifests.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEPLOY_DIR, expectedDeployFiles } from './deploy-manifests.ts';

for (const [file, text] of expectedDeployFiles()) {
  mkdirSync(dirname(join(DEPLOY_DIR, file)), { recursive: true });
  writeFileSync(join(DEPLOY_DIR, file), text);
}
