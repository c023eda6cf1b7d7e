// Regenerates deploy/ from charts/kanari, and the chart's Grafana ConfigMap from dashboards/kanari.json:
// node_modules/.bin/node test/integration/deploy/write-deploy-manifests.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEPLOY_DIR, GRAFANA_DASHBOARD_TEMPLATE, expectedDeployFiles, grafanaDashboardTemplate } from './deploy-manifests.ts';

writeFileSync(GRAFANA_DASHBOARD_TEMPLATE, grafanaDashboardTemplate());

for (const [file, text] of expectedDeployFiles()) {
  mkdirSync(dirname(join(DEPLOY_DIR, file)), { recursive: true });
  writeFileSync(join(DEPLOY_DIR, file), text);
}
