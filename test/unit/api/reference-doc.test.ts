import { readFileSync, readdirSync } from 'node:fs';
import { parseYamlDocuments } from '../../../src/api/yaml-documents.ts';
import { resourceQuery } from '../../../src/metrics/mesh-queries.ts';
import { MESHES } from '../../../src/api/canary.ts';
import { CanarySchema } from '../../../src/api/canary.ts';
import { MetricTemplateSchema } from '../../../src/api/metric-template.ts';
import { AlertProviderSchema } from '../../../src/api/alert-provider.ts';
import { EXTRA_DESCRIPTIONS, documentedRules, fieldRows, renderReference } from '../../../src/api/reference-doc.ts';
import { createValidator } from '../../../src/api/validation.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const page = new URL('../../../docs/canary-reference.md', import.meta.url);
const schemas: Record<string, unknown> = { Canary: CanarySchema, MetricTemplate: MetricTemplateSchema, AlertProvider: AlertProviderSchema };

describe('docs/canary-reference.md', () => {
  test('holds exactly what `npm run generate:reference` writes from the schemas', () => {
    // On a difference: run `npm run generate:reference` and commit docs/canary-reference.md.
    expect(readFileSync(page, 'utf8')).toBe(renderReference());
  });

  test('every spec field of every kind has a row', () => {
    const text = renderReference();
    for (const [kind, schema] of Object.entries(schemas)) {
      for (const row of fieldRows(schema, kind)) expect([kind, text.includes(`| \`${row.path}\` |`)]).toEqual([kind, true]);
    }
  });

  test('every extra description names a field that exists and has no description of its own', () => {
    const stale = Object.keys(EXTRA_DESCRIPTIONS).filter((key) => {
      const [kind, path] = key.split(':');
      const row = fieldRows(schemas[kind], kind).find((r) => r.path === path);
      return row === undefined || row.description !== EXTRA_DESCRIPTIONS[key];
    });
    expect(stale).toEqual([]);
  });

  test('rows carry type, default and allowed values from the schema', () => {
    const rows = fieldRows(CanarySchema, 'Canary');
    const find = (path: string) => rows.find((r) => r.path === path);
    expect(find('spec.analysis.interval')).toMatchObject({ type: 'duration', default: '`"1m"`', required: false });
    expect(find('spec.analysis.stepWeight')).toMatchObject({ type: 'integer', allowed: '1–100' });
    expect(find('spec.service.port')).toMatchObject({ required: true, allowed: '1–65535' });
    expect(find('spec.service.targetPort')).toMatchObject({ type: 'int-or-string' });
    expect(find('spec.analysis.webhooks[].type')?.allowed).toContain('`confirm-promotion`');
    expect(find('spec.analysis.match[].headers.<key>.exact')).toMatchObject({ type: 'string' });
    expect(find('status.trackedConfigs')).toMatchObject({ type: 'map[string]string' });
  });
});

/** A validator error path in the documented form: list indices `[]`, map keys `<key>`, uri/method like headers. */
function documentedForm(path: string): string {
  return path
    .replace(/\[\d+\]/g, '[]')
    .replace(/\.headers\.[\w-]+/g, '.headers.<key>')
    .replace(/\.match\[\]\.(uri|method|queryParams\.[\w-]+)/g, '.match[].headers.<key>');
}

function canary(): Json {
  return {
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { name: 'podinfo' },
      service: { port: 9898 },
      analysis: { interval: '30s', threshold: 2, stepWeight: 10, maxWeight: 50, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }] },
    },
  };
}

// One object per rule the validator checks beyond the schema; a new rule belongs here and on the page.
const brokenCanaries: Array<(c: Json) => void> = [
  (c) => delete c.metadata.name,
  (c) => (c.spec.provider = 'gatewayapi:v2'),
  (c) => (c.spec.metricsServer = 'prometheus:9090'),
  (c) => (c.spec.service.targetPort = ''),
  (c) => (c.spec.autoscalerRef = { name: 'hpa', primaryScalerReplicas: { minReplicas: 3, maxReplicas: 2 } }),
  (c) => (c.spec.analysis.interval = '0s'),
  (c) => (c.spec.analysis.iterations = 3),
  (c) => delete c.spec.analysis.stepWeight,
  (c) => (delete c.spec.analysis.stepWeight, (c.spec.analysis.stepWeights = [10, 5])),
  (c) => ((c.spec.provider = 'kubernetes'), (c.spec.targetRef.kind = 'DaemonSet'), (c.spec.autoscalerRef = { name: 'hpa' })),
  (c) => (c.spec.analysis.match = [{ headers: { x: { exact: 'a' } } }]),
  (c) => (delete c.spec.analysis.stepWeight, delete c.spec.analysis.maxWeight, (c.spec.analysis.iterations = 2), (c.spec.analysis.match = [{}])),
  (c) => (delete c.spec.analysis.stepWeight, delete c.spec.analysis.maxWeight, (c.spec.analysis.iterations = 2), (c.spec.analysis.match = [{ headers: { x: { exact: 'a', prefix: 'b' } }, uri: { regex: '(' } }])),
  (c) => c.spec.analysis.metrics.push({ name: 'errors', thresholdRange: { max: 1 } }),
  (c) => c.spec.analysis.metrics.push({ name: 'request-success-rate', thresholdRange: { min: 1 } }),
  (c) => (c.spec.analysis.metrics[0].interval = '0s'),
  (c) => delete c.spec.analysis.metrics[0].thresholdRange,
  (c) => (c.spec.analysis.metrics[0].thresholdRange = {}),
  (c) => (c.spec.analysis.metrics[0].thresholdRange = { min: 2, max: 1 }),
  (c) => (c.spec.analysis.webhooks = [{ name: 'a', url: 'loadtester/', timeout: '0s' }, { name: 'a', url: 'http://x/' }]),
  (c) => (c.spec.analysis.alerts = [{ name: 'a', providerRef: { name: 'p' } }, { name: 'a', providerRef: { name: 'p' } }]),
  (c) => (c.spec.analysis.window = { schedules: ['not cron'], timezone: 'Mars/Olympus' }),
  (c) => (delete c.spec.analysis.stepWeight, delete c.spec.analysis.maxWeight, (c.spec.provider = 'gatewayapi'), (c.spec.analysis.iterations = 2), (c.spec.analysis.match = [{ queryParams: { x: { exact: 'a', regex: 'b' } } }]), (c.spec.analysis.mirror = true)),
  (c) => {
    c.spec.service = { ...c.spec.service, gatewayRefs: [{ name: 'public' }], timeout: '10s', backendTimeout: '5s', headers: { request: { set: { a: 'b' } } }, rewrite: { uri: '/' } };
    c.spec.analysis = { ...c.spec.analysis, mirror: true, mirrorWeight: 10, sessionAffinity: { cookieName: 'a' } };
  },
  (c) => (delete c.spec.analysis.stepWeight, delete c.spec.analysis.maxWeight, (c.spec.analysis.iterations = 2), (c.spec.analysis.match = [{ queryParams: { x: { exact: 'a' } } }])),
  (c) => (delete c.spec.analysis.stepWeight, delete c.spec.analysis.maxWeight, (c.spec.analysis.iterations = 2), (c.spec.analysis.sessionAffinity = { cookieName: 'a' })),
  (c) => (c.spec.analysis.sessionAffinity = { cookieName: 'a', primaryCookieName: 'a' }),
  (c) => (c.spec.service.rewrite = {}),
  (c) => (c.spec.service.rewrite = { uri: 'v2' }),
  (c) => ((c.spec.service.gatewayRefs = [{ name: 'public' }]), (c.spec.service.hosts = ['App.example.com'])),
];

describe('the documented rules', () => {
  const validator = createValidator();
  const rules = documentedRules();

  test('cover every rule the validator reports beyond the schema', () => {
    expect(validator.validateCanary(canary()).valid).toBe(true);
    const undocumented: string[] = [];
    const reported = new Set<string>();
    for (const breakIt of brokenCanaries) {
      const object = canary();
      breakIt(object);
      const result = validator.validateCanary(object);
      expect(result.valid).toBe(false);
      for (const error of result.errors) {
        const path = documentedForm(error.path);
        reported.add(path);
        if (!rules.Canary.some((rule) => rule.path === path)) undocumented.push(`${error.path}: ${error.message}`);
      }
    }
    expect(undocumented).toEqual([]);
    // And the page documents no rule the validator never reports.
    expect(rules.Canary.map((rule) => rule.path).filter((path) => !reported.has(path))).toEqual([]);
  });

  test('cover the MetricTemplate and AlertProvider rules', () => {
    const template = { apiVersion: 'kanari.dev/v1alpha1', kind: 'MetricTemplate', metadata: {}, spec: { provider: { type: 'prometheus' }, query: 'up{job="{{ job }}"}' } };
    const provider = { apiVersion: 'kanari.dev/v1alpha1', kind: 'AlertProvider', metadata: {}, spec: { type: 'slack', address: 'hooks', proxy: 'proxy', template: '{{ score }}' } };
    const noAddress = { ...provider, metadata: { name: 'a' }, spec: { type: 'slack' } };
    const badUrl = { ...template, metadata: { name: 'a' }, spec: { ...template.spec, provider: { type: 'prometheus', address: 'prom' } } };
    const paths = (kind: string, object: unknown) => createValidator().validate(object).errors.map((e) => [kind, e.path]);
    const reported = [...paths('MetricTemplate', template), ...paths('MetricTemplate', badUrl), ...paths('AlertProvider', provider), ...paths('AlertProvider', noAddress)];
    const undocumented = reported.filter(([kind, path]) => !rules[kind].some((rule) => rule.path === path));
    expect(undocumented).toEqual([]);
    for (const kind of ['MetricTemplate', 'AlertProvider']) {
      expect(rules[kind].filter((rule) => !reported.some(([k, p]) => k === kind && p === rule.path))).toEqual([]);
    }
  });
});

const root = new URL('../../../', import.meta.url);
const readDoc = (name: string) => readFileSync(new URL(`docs/${name}`, root), 'utf8');

/** Every reason string the controller puts into a condition or an Event, found in its sources. */
function reasonsInSources(): Set<string> {
  const reasons = new Set<string>();
  const patterns = [
    /event\('(?:Normal|Warning)', '(\w+)'/g,
    /(?:blocked|rollback)\((?:tick, )?'(\w+)'/g,
    /'(FailedCheck|NoTraffic)'/g,
    /super\('(\w+)'/g,
    /readonly reason = '(\w+)'/g,
    /\? reason : '(\w+)'/g,
  ];
  for (const directory of ['src/engine', 'src/controller', 'src/router', 'src/workload', 'src/metrics']) {
    for (const file of readdirSync(new URL(directory, root), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(`${directory}/${file}`, root), 'utf8');
      for (const pattern of patterns) for (const match of text.matchAll(pattern)) reasons.add(match[1]);
      // Condition reasons: literals, and the fallbacks of reasons taken from status (`failureReason ?? 'Failed'`).
      if (file.endsWith('conditions.ts')) for (const match of text.matchAll(/(?:reason: |\?\? |\|\| )'([A-Z]\w+)'/g)) reasons.add(match[1]);
      // Metric error reasons reach the Ready condition prefixed with "Metrics".
      if (file.endsWith('metrics-error.ts')) for (const match of text.matchAll(/\| '(\w+)'/g)) reasons.add(match[1].startsWith('Metrics') ? match[1] : `Metrics${match[1]}`);
    }
  }
  // Metric error reasons reach conditions and Events only with the "Metrics" prefix.
  const metricReasons = [...readFileSync(new URL('src/metrics/metrics-error.ts', root), 'utf8').matchAll(/\| '(\w+)'/g)].map((m) => m[1]);
  return new Set([...reasons].map((reason) => (metricReasons.includes(reason) && !reason.startsWith('Metrics') ? `Metrics${reason}` : reason)));
}

describe('docs/troubleshooting.md', () => {
  test('lists every condition and Event reason the controller sets', () => {
    const reasons = reasonsInSources();
    // Guards the grep itself: these must be found, or the patterns stopped matching the sources.
    for (const known of ['InvalidSpec', 'NoTraffic', 'FailedChecks', 'TrafficSplitNotServed', 'MetricsUnauthorized', 'ReconcileError', 'Advance']) expect(reasons).toContain(known);
    const page = readDoc('troubleshooting.md');
    expect([...reasons].filter((reason) => !page.includes(`\`${reason}\``)).sort()).toEqual([]);
  });
});

describe('docs/metrics.md', () => {
  test('shows the exact PromQL Kanari runs for each mesh', () => {
    const page = readDoc('metrics.md');
    for (const mesh of MESHES) {
      for (const metric of ['success_count', 'failure_count', 'p99_response_latency'] as const) {
        expect(page).toContain(resourceQuery(mesh, metric, { kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 60));
      }
    }
  });
});

describe('YAML in the docs', () => {
  const pages = readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md'));
  const validator = createValidator();
  const blocks = pages.flatMap((page) => [...readDoc(page).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => [`${page} #${i + 1}`, m[1]] as const));

  test('every complete Kanari object validates', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [where, text] of blocks) {
      for (const document of parseYamlDocuments(text)) {
        if (!document.ok) continue;
        const object = document.value as Json | null;
        if (!object || typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith('kanari.dev/')) continue;
        checked += 1;
        const result = validator.validate(object);
        if (!result.valid) problems.push(`${where} ${String(object.kind)}: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
