import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart, renderContext } from './chart-render.ts';

export const REPO = new URL('../../../', import.meta.url).pathname;
export const CHART_DIR = join(REPO, 'charts/kanari');
export const DEPLOY_DIR = join(REPO, 'deploy');

/** The release deploy/ stands for: `helm install kanari charts/kanari -n kanari-system`. */
export const DEPLOY_RELEASE = { name: 'kanari', namespace: 'kanari-system' };

/** Templates that have no place in the plain manifests (they need a CRD most clusters lack). */
const CHART_ONLY = new Set(['servicemonitor.yaml']);

/** Every generated file of deploy/ (relative path → text), rendered from the chart with its default values. */
export function expectedDeployFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const context = renderContext(CHART_DIR, DEPLOY_RELEASE, { metricsServer: { enabled: true } });
  for (const { file, text } of renderChart(CHART_DIR, context)) {
    if (CHART_ONLY.has(file)) continue;
    const target = file.startsWith('metrics-server-') ? `metrics-server/${file.slice('metrics-server-'.length)}` : file;
    files.set(target, `# Generated from charts/kanari/templates/${file} by test/integration/deploy/write-deploy-manifests.ts: edit the chart, not this file.\n${text}`);
  }
  // kustomize refuses files outside the kustomization root, so deploy/ carries its own copy of the CRDs.
  for (const crd of readdirSync(join(REPO, 'crds')).filter((f) => f.endsWith('.yaml')).sort()) {
    files.set(`crds/${crd}`, readFileSync(join(REPO, 'crds', crd), 'utf8'));
  }
  return files;
}
