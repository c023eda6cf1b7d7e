import fc from 'fast-check';
import { ALERT_SEVERITIES, CANARY_API_VERSION, MESHES, WEBHOOK_TYPES } from '../../../src/api/canary.ts';
import { ALERT_PROVIDER_TYPES, ALERT_TEMPLATE_VARIABLES } from '../../../src/api/alert-provider.ts';
import { METRIC_PROVIDER_TYPES } from '../../../src/api/metric-template.ts';

/**
 * Generators of Kanari objects for property-based tests: `valid*` always pass validation (a test
 * checks that), `odd*` are well-formed JSON with semantically odd values (huge numbers, unicode, empty
 * lists and strings, durations at the limits, unknown enums, bad URLs and crons), and `broken` mutates
 * one field of a valid object (another type, removed, or an unknown key beside it).
 */

/** A credential planted in URLs: no validation message may ever repeat it. */
export const SECRET = 'SEKRET-8a7f3c';
const NAMESPACE = 'test';

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/);
const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', 'ä', '🐤', 'Ωmega', '\u0000', '\u202e', 'a'.repeat(300), '../..', '${x}', '{{ name }}'),
);
const hugeNumber = fc.constantFrom(0, -1, 0.5, 100, 101, 65535, 65536, 2 ** 31, 2 ** 53, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE);

/** Durations Kanari accepts, with the limits: the smallest unit, Go's largest, fractions. */
const validDuration = fc.oneof(
  fc.constantFrom('1s', '30s', '1m', '1m30s', '1h', '500ms', '0.5s', '1ns', '2562047h', '1h0m0s', '90m'),
  fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, unit]) => `${n}${unit}`),
);
const oddDuration = fc.oneof(validDuration, fc.constantFrom('0s', '0', '-1s', '', '1', '1d', '1e3s', 'forever', '99999999999999999999999h', '1.5.5s', ' 1s', 'µs', '1µs'));

const goodUrl = fc.constantFrom('http://hooks.test/approve', `https://hooks.test/gate?token=${SECRET}`, 'http://127.0.0.1:8080/', `https://user:${SECRET}@prom.test:9090`);
const oddUrl = fc.oneof(goodUrl, fc.constantFrom('', 'not a url', 'ftp://files.test/x', `hooks.test/${SECRET}`, 'http://', '/relative', `mailto:${SECRET}@x`), oddText);

const thresholdRange = fc.oneof(
  fc.record({ min: fc.double({ min: 0, max: 99, noNaN: true }) }),
  fc.record({ max: fc.integer({ min: 1, max: 10_000 }) }),
  fc.integer({ min: 0, max: 500 }).map((min) => ({ min, max: min + 1000 })),
);

const builtinMetric = (name: string) =>
  fc.record({ name: fc.constant(name), interval: fc.option(validDuration, { nil: undefined }), thresholdRange }, { requiredKeys: ['name', 'thresholdRange'] });
const templatedMetric = fc.record(
  { thresholdRange, templateRef: fc.record({ name: dnsLabel }), templateVariables: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 12 }), { maxKeys: 3 }), { nil: undefined }) },
  { requiredKeys: ['thresholdRange', 'templateRef'] },
);
/** Each built-in metric at most once, and MetricTemplate checks with distinct names. */
const validMetrics = fc
  .record({ successRate: fc.option(builtinMetric('request-success-rate'), { nil: undefined }), duration: fc.option(builtinMetric('request-duration'), { nil: undefined }), templated: fc.array(templatedMetric, { maxLength: 2 }) })
  .map((m) => [...(m.successRate ? [m.successRate] : []), ...(m.duration ? [m.duration] : []), ...named(m.templated, 'metric')]);

const gateType = fc.constantFrom(...WEBHOOK_TYPES);
const validWebhook = fc.record({ type: gateType, url: goodUrl, timeout: fc.option(validDuration, { nil: undefined }), retries: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }) }, { requiredKeys: ['url'] });
const validAlert = fc.record({ severity: fc.constantFrom(...ALERT_SEVERITIES), providerRef: fc.record({ name: dnsLabel }) });

/** Gives each item of a list a distinct name, as validation requires. */
function named<T>(items: T[], prefix: string): (T & { name: string })[] {
  return items.map((item, i) => ({ ...item, name: `${prefix}-${i}` }));
}

/** One of Flagger's three strategies, always consistent. */
const validStrategy = fc.oneof(
  fc.integer({ min: 1, max: 100 }).chain((stepWeight) => fc.record({ stepWeight: fc.constant(stepWeight), maxWeight: fc.option(fc.integer({ min: stepWeight, max: 100 }), { nil: undefined }) }, { requiredKeys: ['stepWeight'] })),
  fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }).map((weights) => ({ stepWeights: [...weights].sort((a, b) => a - b) })),
  fc.record({ iterations: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ iterations: fc.integer({ min: 1, max: 20 }), match: fc.constant([{ headers: { 'x-canary': { exact: 'insider' } } }]) }),
);

/** A Canary validation accepts, over the whole range of what the schema and rules allow. */
export const validCanary = fc
  .record({
    name: dnsLabel,
    strategy: validStrategy,
    interval: fc.option(validDuration, { nil: undefined }),
    threshold: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    metrics: validMetrics,
    webhooks: fc.array(validWebhook, { maxLength: 3 }),
    alerts: fc.array(validAlert, { maxLength: 2 }),
    provider: fc.option(fc.constantFrom('smi', 'smi:v1alpha1', 'smi:v1alpha4', 'linkerd', 'osm'), { nil: undefined }),
    mesh: fc.option(fc.constantFrom(...MESHES), { nil: undefined }),
    port: fc.integer({ min: 1, max: 65535 }),
    progressDeadlineSeconds: fc.option(fc.integer({ min: 1, max: 2 ** 31 }), { nil: undefined }),
    flags: fc.record({ skipAnalysis: fc.boolean(), suspend: fc.boolean(), revertOnDeletion: fc.boolean() }, { requiredKeys: [] }),
    window: fc.option(fc.record({ schedules: fc.constant(['* * * * *']), timezone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata') }), { nil: undefined }),
  })
  .map((c) => ({
    apiVersion: CANARY_API_VERSION,
    kind: 'Canary',
    metadata: { name: c.name, namespace: NAMESPACE },
    spec: {
      ...(c.provider === undefined ? {} : { provider: c.provider }),
      ...(c.mesh === undefined ? {} : { mesh: c.mesh }),
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: c.name },
      service: { port: c.port },
      ...(c.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: c.progressDeadlineSeconds }),
      ...c.flags,
      analysis: {
        ...c.strategy,
        ...(c.interval === undefined ? {} : { interval: c.interval }),
        ...(c.threshold === undefined ? {} : { threshold: c.threshold }),
        metrics: c.metrics,
        webhooks: named(c.webhooks, 'hook'),
        alerts: named(c.alerts, 'alert'),
        ...(c.window === undefined ? {} : { window: c.window }),
      },
    },
  }));

/** Canaries whose values are odd everywhere: many are invalid, each for reasons validation must name. */
export const oddCanary = fc
  .record({
    name: fc.oneof(dnsLabel, oddText),
    strategy: fc.record({ stepWeight: fc.oneof(fc.integer({ min: 1, max: 100 }), hugeNumber), maxWeight: hugeNumber, stepWeights: fc.array(fc.oneof(fc.integer({ min: 1, max: 100 }), hugeNumber), { maxLength: 5 }), iterations: hugeNumber }, { requiredKeys: [] }),
    interval: oddDuration,
    threshold: fc.oneof(fc.integer({ min: 1, max: 10 }), hugeNumber),
    metrics: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('request-success-rate', 'request-duration'), oddText), interval: oddDuration, thresholdRange: fc.record({ min: hugeNumber, max: hugeNumber }, { requiredKeys: [] }), threshold: hugeNumber }, { requiredKeys: ['name'] }), { maxLength: 3 }),
    webhooks: fc.array(fc.record({ name: fc.oneof(dnsLabel, oddText), type: fc.oneof(gateType, oddText), url: oddUrl, timeout: oddDuration, retries: hugeNumber }, { requiredKeys: ['name', 'url'] }), { maxLength: 3 }),
    match: fc.array(fc.record({ headers: fc.dictionary(oddText, fc.record({ exact: oddText, regex: fc.constantFrom('(', '^a$', '[z-a]', '') }, { requiredKeys: [] }), { maxKeys: 2 }) }, { requiredKeys: [] }), { maxLength: 2 }),
    window: fc.record({ schedules: fc.array(fc.constantFrom('* * * * *', '* 9-16 * * 1-5', 'every day', '', '61 * * * *', '* * * * * * *'), { maxLength: 3 }), timezone: fc.oneof(fc.constantFrom('UTC', 'Mars/Olympus_Mons', ''), oddText) }, { requiredKeys: [] }),
    provider: fc.oneof(fc.constantFrom('smi', 'smi:v1alpha9', 'istio', 'gatewayapi', 'smi:', ''), oddText),
    metricsServer: oddUrl,
    targetPort: fc.oneof(hugeNumber, oddText),
    port: fc.oneof(fc.integer({ min: 1, max: 65535 }), hugeNumber),
    progressDeadlineSeconds: hugeNumber,
    readiness: fc.record({ primaryReadyThreshold: hugeNumber, canaryReadyThreshold: hugeNumber, stepWeightPromotion: hugeNumber }, { requiredKeys: [] }),
    include: fc.record({ interval: fc.boolean(), metricsServer: fc.boolean(), targetPort: fc.boolean(), deadline: fc.boolean(), match: fc.boolean(), window: fc.boolean(), provider: fc.boolean() }),
  })
  .map((c) => ({
    apiVersion: CANARY_API_VERSION,
    kind: 'Canary',
    metadata: { name: c.name, namespace: NAMESPACE },
    spec: {
      ...(c.include.provider ? { provider: c.provider } : {}),
      ...(c.include.metricsServer ? { metricsServer: c.metricsServer } : {}),
      targetRef: { kind: 'Deployment', name: c.name },
      service: { port: c.port, ...(c.include.targetPort ? { targetPort: c.targetPort } : {}) },
      ...(c.include.deadline ? { progressDeadlineSeconds: c.progressDeadlineSeconds } : {}),
      analysis: {
        ...c.strategy,
        ...c.readiness,
        ...(c.include.interval ? { interval: c.interval } : {}),
        threshold: c.threshold,
        metrics: c.metrics,
        webhooks: c.webhooks,
        ...(c.include.match ? { match: c.match } : {}),
        ...(c.include.window ? { window: c.window } : {}),
      },
    },
  }));

export const validMetricTemplate = fc
  .record({ name: dnsLabel, type: fc.constantFrom(...METRIC_PROVIDER_TYPES), address: goodUrl, query: fc.constantFrom('sum(rate(x{ns="{{ namespace }}"}[{{ interval }}]))', 'up{job="{{ variables.job }}"}', '{{ target }}'), secret: fc.boolean() })
  .map((t) => ({
    apiVersion: CANARY_API_VERSION,
    kind: 'MetricTemplate',
    metadata: { name: t.name, namespace: NAMESPACE },
    spec: { provider: { type: t.type, address: t.address, ...(t.secret ? { secretRef: { name: `${t.name}-auth` } } : {}) }, query: t.query },
  }));

export const oddMetricTemplate = fc
  .record({ name: fc.oneof(dnsLabel, oddText), type: fc.oneof(fc.constantFrom(...METRIC_PROVIDER_TYPES), oddText), address: fc.option(oddUrl, { nil: undefined }), query: fc.oneof(oddText, fc.constantFrom('{{ nope }}', '{{', '{{ variables. }}', '{{ variables.ok }}')), headers: fc.option(fc.dictionary(oddText, fc.array(oddText, { maxLength: 2 }), { maxKeys: 2 }), { nil: undefined }) })
  .map((t) => ({
    apiVersion: CANARY_API_VERSION,
    kind: 'MetricTemplate',
    metadata: { name: t.name, namespace: NAMESPACE },
    spec: { provider: { type: t.type, ...(t.address === undefined ? {} : { address: t.address }), ...(t.headers === undefined ? {} : { headers: t.headers }) }, query: t.query },
  }));

export const validAlertProvider = fc
  .record({ name: dnsLabel, type: fc.constantFrom(...ALERT_PROVIDER_TYPES), address: goodUrl, channel: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: undefined }), template: fc.option(fc.constantFrom(...ALERT_TEMPLATE_VARIABLES).map((v) => `{{ ${v} }} shipped`), { nil: undefined }) })
  .map((p) => ({
    apiVersion: CANARY_API_VERSION,
    kind: 'AlertProvider',
    metadata: { name: p.name, namespace: NAMESPACE },
    spec: { type: p.type, address: p.address, ...(p.channel === undefined ? {} : { channel: p.channel }), ...(p.template === undefined ? {} : { template: p.template }) },
  }));

export const oddAlertProvider = fc
  .record({ name: fc.oneof(dnsLabel, oddText), type: fc.oneof(fc.constantFrom(...ALERT_PROVIDER_TYPES), oddText), address: fc.option(oddUrl, { nil: undefined }), secretRef: fc.option(fc.record({ name: oddText }), { nil: undefined }), proxy: fc.option(oddUrl, { nil: undefined }), template: fc.option(oddText, { nil: undefined }) })
  .map((p) => ({
    apiVersion: CANARY_API_VERSION,
    kind: 'AlertProvider',
    metadata: { name: p.name, namespace: NAMESPACE },
    spec: Object.fromEntries(Object.entries({ type: p.type, address: p.address, secretRef: p.secretRef, proxy: p.proxy, template: p.template }).filter(([, v]) => v !== undefined)),
  }));

/** One change to a valid object: a field replaced by another JSON value, removed, or an unknown key added beside it. */
export interface Mutation {
  path: (string | number)[];
  kind: 'replace' | 'remove' | 'add-unknown';
}

/** `valid` with one field broken; the mutation says where, so a test can check the errors name it. */
export function broken<T extends object>(valid: fc.Arbitrary<T>): fc.Arbitrary<{ object: T; mutation: Mutation }> {
  return valid.chain((object) => {
    const paths = fieldPaths(object);
    return fc.record({ path: fc.constantFrom(...paths), kind: fc.constantFrom('replace', 'remove', 'add-unknown') as fc.Arbitrary<Mutation['kind']>, value: fc.jsonValue({ maxDepth: 2 }) }).map(({ path, kind, value }) => ({
      object: mutate(object, path, kind, value),
      mutation: { path, kind },
    }));
  });
}

/** Every field path of a JSON object, below the root (the root's own keys included). */
function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => [[...prefix, i], ...fieldPaths(item, [...prefix, i])]);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...fieldPaths(item, [...prefix, key])]);
}

function mutate<T>(object: T, path: (string | number)[], kind: Mutation['kind'], value: unknown): T {
  const copy = structuredClone(object) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (kind === 'replace') parent[last] = value;
  else if (kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) parent['fuzzUnknownField'] = value;
  else parent[last] = { ...(parent[last] as object), fuzzUnknownField: value };
  return copy as T;
}

type CanaryDoc = typeof validCanary extends fc.Arbitrary<infer T> ? T : never;
type Analysis = Record<string, unknown> & { metrics: Record<string, unknown>[]; webhooks: Record<string, unknown>[] };

/** Changes the schema allows and Kanari's rules refuse: what reaches the controller past an API server. */
const RULE_BREAKAGES: ((spec: Record<string, unknown> & { analysis: Analysis; service: Record<string, unknown> }) => void)[] = [
  (s) => (s.analysis.interval = '0s'),
  (s) => Object.assign(s.analysis, { stepWeight: 10, iterations: 3, stepWeights: undefined }),
  (s) => Object.assign(s.analysis, { stepWeight: undefined, stepWeights: undefined, iterations: undefined, match: undefined }),
  (s) => Object.assign(s.analysis, { stepWeight: undefined, iterations: undefined, match: undefined, stepWeights: [30, 10], maxWeight: undefined }),
  (s) => Object.assign(s.analysis, { stepWeight: 50, stepWeights: undefined, iterations: undefined, match: undefined, maxWeight: 20 }),
  (s) => s.analysis.metrics.push({ name: 'error-budget', thresholdRange: { max: 1 } }),
  (s) => s.analysis.metrics.push({ name: 'request-duration-p50' }),
  (s) => s.analysis.metrics.push({ name: 'fuzz-range', templateRef: { name: 'x' }, thresholdRange: { min: 10, max: 1 } }),
  (s) => s.analysis.webhooks.push({ name: 'fuzz-hook', url: `hooks.test/${SECRET}` }),
  (s) => s.analysis.webhooks.push({ name: 'fuzz-timeout', url: 'http://hooks.test/', timeout: '0s' }),
  (s) => s.analysis.webhooks.push({ name: 'dup', url: 'http://a.test/' }, { name: 'dup', url: 'http://b.test/' }),
  (s) => (s.analysis.window = { schedules: ['every day at nine'], timezone: 'Mars/Olympus_Mons' }),
  (s) => (s.provider = 'smi:v1alpha9'),
  (s) => (s.metricsServer = `prometheus.monitoring:9090/${SECRET}`),
  (s) => (s.service.targetPort = 0),
  (s) => Object.assign(s.analysis, { stepWeight: undefined, stepWeights: undefined, iterations: 2, maxWeight: 50, match: [{ headers: { 'x-user': { exact: 'a', regex: '(' } } }] }),
];

/** A valid Canary with one to three of the rule breakages above: schema-valid, refused by Kanari's rules. */
export const ruleBrokenCanary = validCanary.chain((canary) =>
  fc.subarray(RULE_BREAKAGES, { minLength: 1, maxLength: 3 }).map((breakages) => {
    const copy = structuredClone(canary) as unknown as { spec: Parameters<(typeof RULE_BREAKAGES)[number]>[0] };
    for (const breakage of breakages) breakage(copy.spec);
    return JSON.parse(JSON.stringify(copy)) as CanaryDoc;
  }),
);
