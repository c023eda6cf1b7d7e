import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart, renderContext } from './chart-render.ts';

export const REPO = new URL('../../../', import.meta.url).pathname;
export const CHART_DIR = join(REPO, 'charts/kanari');
export const DEPLOY_DIR = join(REPO, 'deploy');

/** The release deploy/ stands for: `helm install kanari charts/kanari -n kanari-system`. */
export const DEPLOY_RELEASE = { name: 'kanari', namespace: 'kanari-system' };

/** Templates that have no place in the plain manifests (a CRD most clusters lack; Grafana's sidecar, which
 * kustomize users feed with a configMapGenerator over dashboards/kanari.json). */
const CHART_ONLY = new Set(['servicemonitor.yaml', 'grafana-dashboard.yaml']);
/** Templates that go to their own optional kustomization in deploy/, as `<dir>/<rest of the name>`. */
const OPTIONAL_PARTS = ['metrics-server', 'dashboard'];

export const GRAFANA_DASHBOARD_JSON = join(CHART_DIR, 'dashboards/kanari.json');
export const GRAFANA_DASHBOARD_TEMPLATE = join(CHART_DIR, 'templates/grafana-dashboard.yaml');

/** The chart's Grafana ConfigMap template, embedding dashboards/kanari.json (the file people edit). */
export function grafanaDashboardTemplate(): string {
  const json = readFileSync(GRAFANA_DASHBOARD_JSON, 'utf8').trimEnd().split('\n').map((line) => (line === '' ? '' : `    ${line}`)).join('\n');
  return [
    '{{- if .Values.grafanaDashboard.enabled }}',
    '# Generated from charts/kanari/dashboards/kanari.json by test/integration/deploy/write-deploy-manifests.ts: edit the JSON.',
    "# Grafana's dashboard sidecar (kube-prometheus-stack) loads ConfigMaps carrying its label.",
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ .Release.Name }}-grafana-dashboard',
    '  namespace: {{ .Release.Namespace }}',
    '  labels:',
    '    app.kubernetes.io/name: kanari',
    '    app.kubernetes.io/instance: {{ .Release.Name }}',
    '    {{ .Values.grafanaDashboard.label }}: "{{ .Values.grafanaDashboard.labelValue }}"',
    'data:',
    '  kanari.json: |',
    json,
    '{{- end }}',
    '',
  ].join('\n');
}

/** Every generated file of deploy/ (relative path → text), rendered from the chart with its default values. */
export function expectedDeployFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const context = renderContext(CHART_DIR, DEPLOY_RELEASE, { metricsServer: { enabled: true }, dashboard: { enabled: true } });
  for (const { file, text } of renderChart(CHART_DIR, context)) {
    if (CHART_ONLY.has(file)) continue;
    const part = OPTIONAL_PARTS.find((prefix) => file.startsWith(`${prefix}-`));
    const target = part ? `${part}/${file.slice(part.length + 1)}` : file;
    files.set(target, `# Generated from charts/kanari/templates/${file} by test/integration/deploy/write-deploy-manifests.ts: edit the chart, not this file.\n${text}`);
  }
  // kustomize refuses files outside the kustomization root, so deploy/ carries its own copy of the CRDs.
  for (const crd of readdirSync(join(REPO, 'crds')).filter((f) => f.endsWith('.yaml')).sort()) {
    files.set(`crds/${crd}`, readFileSync(join(REPO, 'crds', crd), 'utf8'));
  }
  return files;
}
