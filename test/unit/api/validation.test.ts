import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createValidator, isKanariDocument } from '../../../src/api/validation.ts';
import { webhookTypeOf } from '../../../src/api/canary-settings.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';

// Each case starts from a valid object, breaks one thing, and states the exact line a user would read.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function canary(): Json {
  return {
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898, targetPort: 9898 },
      analysis: {
        interval: '30s',
        threshold: 5,
        maxWeight: 50,
        stepWeight: 5,
        metrics: [
          { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
          { name: 'latency', templateRef: { name: 'latency' }, thresholdRange: { max: 500 } },
        ],
        webhooks: [{ name: 'load-test', type: 'rollout', url: 'http://flagger-loadtester.test/' }],
        alerts: [{ name: 'on-call', severity: 'error', providerRef: { name: 'slack' } }],
      },
    },
  };
}

function metricTemplate(): Json {
  return {
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'MetricTemplate',
    metadata: { name: 'latency' },
    spec: { provider: { type: 'prometheus', address: 'http://prometheus:9090' }, query: 'sum(rate(x{namespace="{{ namespace }}"}[{{ interval }}]))' },
  };
}

function alertProvider(): Json {
  return {
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'AlertProvider',
    metadata: { name: 'slack' },
    spec: { type: 'slack', channel: 'releases', secretRef: { name: 'slack-url' } },
  };
}

const SECRET_URL = 'https://hooks.slack.example/services/T000/B000/s3cr3t-token';

const invalid: Array<[string, () => Json, string[]]> = [
  ['stepWeight above 100', () => set(canary(), (c) => (c.spec.analysis.stepWeight = 101)), ['spec.analysis.stepWeight = 101: must be between 1 and 100']],
  ['stepWeight zero', () => set(canary(), (c) => (c.spec.analysis.stepWeight = 0)), ['spec.analysis.stepWeight = 0: must be between 1 and 100']],
  ['stepWeight not a number', () => set(canary(), (c) => (c.spec.analysis.stepWeight = 'ten')), ['spec.analysis.stepWeight = "ten": must be a whole number']],
  [
    'stepWeights not ascending',
    () => set(canary(), (c) => { delete c.spec.analysis.stepWeight; delete c.spec.analysis.maxWeight; c.spec.analysis.stepWeights = [10, 20, 20, 50]; }),
    ['spec.analysis.stepWeights[2] = 20: must be greater than the step before it (20): steps must be strictly ascending'],
  ],
  [
    'stepWeights entry above 100',
    () => set(canary(), (c) => { delete c.spec.analysis.stepWeight; delete c.spec.analysis.maxWeight; c.spec.analysis.stepWeights = [10, 120]; }),
    ['spec.analysis.stepWeights[1] = 120: must be between 1 and 100'],
  ],
  [
    'stepWeights empty',
    () => set(canary(), (c) => { delete c.spec.analysis.stepWeight; c.spec.analysis.stepWeights = []; }),
    ['spec.analysis.stepWeights: must not be an empty list'],
  ],
  [
    'no strategy',
    () => set(canary(), (c) => { delete c.spec.analysis.stepWeight; delete c.spec.analysis.maxWeight; }),
    ['spec.analysis: must set one of iterations (blue/green, or A/B testing with match), stepWeight or stepWeights (canary)'],
  ],
  [
    'iterations and stepWeight together',
    () => set(canary(), (c) => (c.spec.analysis.iterations = 10)),
    ['spec.analysis: must set only one of iterations, stepWeight and stepWeights (found iterations and stepWeight)'],
  ],
  [
    'match without iterations',
    () => set(canary(), (c) => (c.spec.analysis.match = [{ headers: { 'x-canary': { exact: 'always' } } }])),
    ['spec.analysis.match: is only used with iterations (A/B testing): weighted canaries route by weight, not by request'],
  ],
  [
    'header match with two kinds',
    () => set(abTest(), (c) => (c.spec.analysis.match = [{ headers: { 'x-canary': { exact: 'always', prefix: 'a' } } }])),
    ['spec.analysis.match[0].headers.x-canary: must set exactly one of exact, prefix, suffix, regex'],
  ],
  [
    'header regex does not compile',
    () => set(abTest(), (c) => (c.spec.analysis.match = [{ headers: { cookie: { regex: '^(canary' } } }])),
    ['spec.analysis.match[0].headers.cookie.regex: is not a valid regular expression'],
  ],
  ['unknown metric without templateRef', () => set(canary(), (c) => (c.spec.analysis.metrics[0].name = 'error-rate')), [
    'spec.analysis.metrics[0].name = "error-rate": is not a built-in metric (request-success-rate, request-duration): set templateRef to a MetricTemplate for a custom query',
  ]],
  ['builtin metric without threshold', () => set(canary(), (c) => delete c.spec.analysis.metrics[0].thresholdRange), [
    'spec.analysis.metrics[0].thresholdRange: is required: set min and/or max to judge the value against, or compare to judge the canary against the primary',
  ]],
  ['compare: maxIncrease not a percentage', () => set(canary(), (c) => (c.spec.analysis.metrics[0].compare = { maxIncrease: '0.2' })), [
    'spec.analysis.metrics[0].compare.maxIncrease = "0.2": must be a percentage, e.g. 20% or 99.5%',
  ]],
  ['compare: confidence of 100%', () => set(canary(), (c) => (c.spec.analysis.metrics[0].compare = { confidence: '100%' })), [
    'spec.analysis.metrics[0].compare.confidence = "100%": must be at least 50% and below 100% (95% rolls back a canary within the tolerance in at most 5 % of runs)',
  ]],
  ['compare: maxIncrease beyond the grid', () => set(canary(), (c) => (c.spec.analysis.metrics[0].compare = { maxIncrease: '2000%' })), [
    'spec.analysis.metrics[0].compare.maxIncrease = "2000%": must be at most 1000% (a canary failing 11× as often as the primary)',
  ]],
  ['baseline with blue/green', () => set(canary(), (c) => {
    delete c.spec.analysis.stepWeight;
    delete c.spec.analysis.maxWeight;
    c.spec.analysis.iterations = 3;
    c.spec.analysis.baseline = true;
    c.spec.analysis.metrics[0].compare = {};
  }), [
    'spec.analysis.baseline = true: is only used with stepWeight or stepWeights: blue/green and A/B route all or nothing, so a baseline cannot get the same share as the canary',
  ]],
  ['baseline for a DaemonSet', () => set(canary(), (c) => {
    c.spec.targetRef.kind = 'DaemonSet';
    c.spec.analysis.baseline = true;
    c.spec.analysis.metrics[0].compare = {};
  }), ['spec.analysis.baseline = true: is for Deployment targets: a DaemonSet runs on every node and has no size a baseline could copy']],
  ['baseline without a compared metric', () => set(canary(), (c) => (c.spec.analysis.baseline = true)), [
    'spec.analysis.baseline = true: needs at least one metric with compare: the baseline is only there to be compared with',
  ]],
  ['judge interval longer than the analysis interval', () => set(canary(), (c) => {
    c.spec.analysis.metrics[0].compare = {};
    c.spec.analysis.judge = { interval: '5m' };
  }), ['spec.analysis.judge.interval = "5m": must be at most analysis.interval (30s): the judge already looks at every step']],
  ['judge without a compared metric', () => set(canary(), (c) => (c.spec.analysis.judge = { earlyPromotion: true })), ['spec.analysis.judge: needs at least one metric with compare']],
  ['empty thresholdRange', () => set(canary(), (c) => (c.spec.analysis.metrics[0].thresholdRange = {})), ['spec.analysis.metrics[0].thresholdRange: must set min, max or both']],
  ['thresholdRange min above max', () => set(canary(), (c) => (c.spec.analysis.metrics[0].thresholdRange = { min: 99, max: 50 })), [
    'spec.analysis.metrics[0].thresholdRange.min = 99: must not be greater than max (50)',
  ]],
  ['metric interval not a duration', () => set(canary(), (c) => (c.spec.analysis.metrics[0].interval = '1 minute')), [
    'spec.analysis.metrics[0].interval = "1 minute": must be a duration: a number with a unit, e.g. 30s, 1m30s, 1h, 500ms',
  ]],
  ['zero analysis interval', () => set(canary(), (c) => (c.spec.analysis.interval = '0s')), ['spec.analysis.interval = "0s": must be longer than 0s']],
  ['duplicate metric names', () => set(canary(), (c) => (c.spec.analysis.metrics[1].name = 'request-success-rate')), [
    'spec.analysis.metrics[1].name = "request-success-rate": duplicates the name of metrics[0]: names must be unique',
  ]],
  ['duplicate webhook names', () => set(canary(), (c) => c.spec.analysis.webhooks.push({ name: 'load-test', url: 'http://other/' })), [
    'spec.analysis.webhooks[1].name = "load-test": duplicates the name of webhooks[0]: names must be unique',
  ]],
  ['relative webhook url', () => set(canary(), (c) => (c.spec.analysis.webhooks[0].url = '/hooks/gate')), ['spec.analysis.webhooks[0].url: must be an absolute http:// or https:// URL']],
  ['ftp webhook url', () => set(canary(), (c) => (c.spec.analysis.webhooks[0].url = 'ftp://user:pw@host/')), ['spec.analysis.webhooks[0].url: must be an absolute http:// or https:// URL']],
  ['unknown webhook type', () => set(canary(), (c) => (c.spec.analysis.webhooks[0].type = 'pre-promotion')), [
    'spec.analysis.webhooks[0].type = "pre-promotion": must be one of: "", confirm-rollout, pre-rollout, rollout, confirm-traffic-increase, confirm-promotion, post-rollout, rollback, event',
  ]],
  ['webhook without url', () => set(canary(), (c) => delete c.spec.analysis.webhooks[0].url), ['spec.analysis.webhooks[0].url: is required']],
  ['webhook retries below 0', () => set(canary(), (c) => (c.spec.analysis.webhooks[0].retries = -1)), ['spec.analysis.webhooks[0].retries = -1: must be at least 0']],
  ['webhook metadata not strings', () => set(canary(), (c) => (c.spec.analysis.webhooks[0].metadata = { 'kanari.dev/retry': 5 })), [
    'spec.analysis.webhooks[0].metadata["kanari.dev/retry"]: must be a string',
  ]],
  ['alert severity unknown', () => set(canary(), (c) => (c.spec.analysis.alerts[0].severity = 'critical')), ['spec.analysis.alerts[0].severity = "critical": must be one of: info, warn, error']],
  ['alert without providerRef', () => set(canary(), (c) => delete c.spec.analysis.alerts[0].providerRef), ['spec.analysis.alerts[0].providerRef: is required']],
  ['provider istio', () => set(canary(), (c) => (c.spec.provider = 'istio')), [
    `spec.provider = "istio": Kanari has no istio router: kanari convert writes provider: smi (the cluster must then serve the SMI TrafficSplit API) and drops the router's own fields; write provider: kubernetes to route nothing`,
  ]],
  ['provider gatewayapi with an unknown version', () => set(canary(), (c) => (c.spec.provider = 'gatewayapi:v1alpha2')), ['spec.provider = "gatewayapi:v1alpha2": must name an HTTPRoute version: gatewayapi, gatewayapi:v1beta1 or gatewayapi:v1']],
  ['provider kubernetes with weights', () => set(canary(), (c) => (c.spec.provider = 'kubernetes')), [
    'spec.analysis.stepWeight = 5: is not used by provider: kubernetes: the kubernetes provider routes no traffic, so Flagger runs 10 blue/green iterations instead (with a warning Event): write iterations: 10 (kanari convert does)',
  ]],
  ['provider unknown SMI version', () => set(canary(), (c) => (c.spec.provider = 'smi:v1beta1')), [
    'spec.provider = "smi:v1beta1": must name an SMI TrafficSplit version: one of smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, smi:v1alpha4',
  ]],
  ['service without port', () => set(canary(), (c) => delete c.spec.service.port), ['spec.service.port: is required']],
  ['service port out of range', () => set(canary(), (c) => (c.spec.service.port = 70000)), ['spec.service.port = 70000: must be between 1 and 65535']],
  ['targetPort boolean', () => set(canary(), (c) => (c.spec.service.targetPort = true)), ['spec.service.targetPort = true: must be a whole number or a string']],
  ['targetPort out of range', () => set(canary(), (c) => (c.spec.service.targetPort = 0)), ['spec.service.targetPort = 0: must be a port number between 1 and 65535 or a port name']],
  ['Istio-only service field', () => set(canary(), (c) => (c.spec.service.gateways = ['public-gateway'])), [
    "spec.service.gateways: Istio gateways: Kanari's routers write no Istio VirtualService or DestinationRule. Remove them",
  ]],
  ['Knative Service target', () => set(canary(), (c) => (c.spec.targetRef.kind = 'Service')), [
    'spec.targetRef.kind = "Service": Knative Service targets: Kanari releases Deployments and DaemonSets. Keep this workload on Flagger, or release its Deployment',
  ]],
  ['StatefulSet target', () => set(canary(), (c) => (c.spec.targetRef.kind = 'StatefulSet')), ['spec.targetRef.kind = "StatefulSet": must be one of: Deployment, DaemonSet']],
  ['DaemonSet with an HPA', () => set(canary(), (c) => ((c.spec.targetRef.kind = 'DaemonSet'), (c.spec.autoscalerRef = { name: 'podinfo' }))), [
    'spec.autoscalerRef: cannot scale a DaemonSet (it runs one pod per node): remove autoscalerRef or target a Deployment',
  ]],
  ["alert with Flagger's empty severity", () => set(canary(), (c) => (c.spec.analysis.alerts = [{ name: 'team', severity: '', providerRef: { name: 'slack' } }])), [
    'spec.analysis.alerts[0].severity = "": Flagger sends nothing to an alert with an empty severity (no message has one). Write info for every message, warn or error for fewer, or remove the alert (kanari convert removes it)',
  ]],
  ["Flagger's deprecated canaryAnalysis", () => set(canary(), (c) => ((c.spec.canaryAnalysis = c.spec.analysis), delete c.spec.analysis)), [
    'spec.analysis: is required',
    "spec.canaryAnalysis: Flagger's deprecated name of `analysis`: write `analysis` (kanari convert renames it)",
  ]],
  ['target without name', () => set(canary(), (c) => delete c.spec.targetRef.name), ['spec.targetRef.name: is required']],
  ['no analysis', () => set(canary(), (c) => delete c.spec.analysis), ['spec.analysis: is required']],
  ['autoscaler min above max', () => set(canary(), (c) => (c.spec.autoscalerRef = { name: 'podinfo', primaryScalerReplicas: { minReplicas: 5, maxReplicas: 2 } })), [
    'spec.autoscalerRef.primaryScalerReplicas.minReplicas = 5: must not be greater than maxReplicas (2)',
  ]],
  ['bad cron in window', () => set(canary(), (c) => (c.spec.analysis.window = { schedules: ['* 25 * * *'] })), [
    'spec.analysis.window.schedules[0] = "* 25 * * *": is not a valid cron expression: five fields (minute hour day-of-month month day-of-week), e.g. "* 9-16 * * 1-5"',
  ]],
  ['unknown time zone', () => set(canary(), (c) => (c.spec.analysis.window = { schedules: ['* 9-16 * * 1-5'], timezone: 'Mars/Olympus' })), [
    'spec.analysis.window.timezone = "Mars/Olympus": is not a known IANA time zone, e.g. Europe/Berlin or UTC',
  ]],
  ['progressDeadlineSeconds zero', () => set(canary(), (c) => (c.spec.progressDeadlineSeconds = 0)), ['spec.progressDeadlineSeconds = 0: must be at least 1']],
  ['wrong apiVersion', () => set(canary(), (c) => (c.apiVersion = 'flagger.app/v1beta1')), ['apiVersion = "flagger.app/v1beta1": must be kanari.dev/v1alpha1']],
  ['no name', () => set(canary(), (c) => (c.metadata = {})), ['metadata.name: is required']],
  ['metricsServer with a secret in it', () => set(canary(), (c) => (c.spec.metricsServer = 'prometheus.linkerd-viz:9090')), ['spec.metricsServer: must be an absolute http:// or https:// URL']],
  ['template: unknown variable', () => set(metricTemplate(), (t) => (t.spec.query = 'rate(x{pod="{{ pod }}"}[{{ interval }}])')), [
    'spec.query: uses unknown template variable "pod"; known: name, namespace, target, service, interval, workload, variables.<name>',
  ]],
  ['template: counts with the smi provider', () => set(metricTemplate(), (t) => {
    t.spec.provider = { type: 'smi' };
    t.spec.counts = { requests: 'a', failures: 'b' };
  }), ['spec.counts: needs the prometheus provider: the smi provider answers windowed values, not the cumulative counters a comparison differences']],
  ['template: counts with an unknown variable', () => set(metricTemplate(), (t) => (t.spec.counts = { requests: 'sum(x{deployment="{{ workload }}"})', failures: 'sum(y{pod="{{ pod }}"})' })), [
    'spec.counts.failures = "sum(y{pod=\\"{{ pod }}\\"})": uses unknown template variable "pod"; known: name, namespace, target, service, interval, workload, variables.<name>',
  ]],
  ['template: provider type unknown', () => set(metricTemplate(), (t) => (t.spec.provider.type = 'datadog')), ['spec.provider.type = "datadog": must be one of: prometheus, smi']],
  ['template: no query', () => set(metricTemplate(), (t) => delete t.spec.query), ['spec.query: is required']],
  ['template: prometheus without address', () => set(metricTemplate(), (t) => delete t.spec.provider.address), ['spec.provider.address: is required for the prometheus provider']],
  ['template: relative address', () => set(metricTemplate(), (t) => (t.spec.provider.address = 'prometheus:9090')), ['spec.provider.address: must be an absolute http:// or https:// URL']],
  ['template: header values not a list', () => set(metricTemplate(), (t) => (t.spec.provider.headers = { 'X-Scope-OrgID': 'tenant' })), [
    'spec.provider.headers.X-Scope-OrgID: must be a list',
  ]],
  ['provider: neither address nor secretRef', () => set(alertProvider(), (p) => delete p.spec.secretRef), ['spec: must set address or secretRef (a Secret with the key "address")']],
  ['provider: both address and secretRef', () => set(alertProvider(), (p) => (p.spec.address = SECRET_URL)), ['spec: must set only one of address and secretRef']],
  ['provider: address not a URL', () => set(alertProvider(), (p) => { delete p.spec.secretRef; p.spec.address = 'hooks.slack.example/T000/s3cr3t-token'; }), [
    'spec.address: must be an absolute http:// or https:// URL',
  ]],
  ['provider: proxy not a URL', () => set(alertProvider(), (p) => (p.spec.proxy = 'proxy:3128')), ['spec.proxy: must be an absolute http:// or https:// URL']],
  ['provider: rocket', () => set(alertProvider(), (p) => (p.spec.type = 'rocket')), ['spec.type = "rocket": must be one of: slack, msteams, discord, googlechat, webhook']],
  ['provider: typo field', () => set(alertProvider(), (p) => (p.spec.chanel = 'x')), ['spec.chanel = "x": is not a known field']],
];

function abTest(): Json {
  return set(canary(), (c) => {
    delete c.spec.analysis.stepWeight;
    delete c.spec.analysis.maxWeight;
    c.spec.analysis.iterations = 10;
  });
}

function set(object: Json, change: (o: Json) => unknown): Json {
  change(object);
  return object;
}

describe('validating Kanari objects', () => {
  const validator = createValidator();

  test('has at least 30 invalid cases', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(30);
  });

  test.each(invalid)('%s', (_title, build, expected) => {
    const result = validator.validate(build());
    expect(result.valid).toBe(false);
    expect(result.errors.map(formatValidationError)).toEqual(expected);
  });

  test('never echoes an address, URL, header or webhook metadata value in a message', () => {
    const cases = [
      set(alertProvider(), (p) => (p.spec.address = SECRET_URL)),
      set(alertProvider(), (p) => { delete p.spec.secretRef; p.spec.address = 'slack.example/s3cr3t-token'; }),
      set(canary(), (c) => (c.spec.analysis.webhooks[0].url = 'gate.example/s3cr3t-token')),
      set(metricTemplate(), (t) => (t.spec.provider.address = 'user:s3cr3t-token@prometheus')),
      set(metricTemplate(), (t) => (t.spec.provider.headers = { Authorization: 'Bearer s3cr3t-token' })),
      set(canary(), (c) => (c.spec.analysis.webhooks[0].metadata = { token: 's3cr3t-token', retries: 5 })),
      set(alertProvider(), (p) => (p.spec.proxy = 's3cr3t-token')),
    ];
    for (const object of cases) {
      const text = validator.validate(object).errors.map(formatValidationError).join('\n');
      expect(text).not.toBe('');
      expect(text).not.toContain('s3cr3t');
    }
  });

  test('a valid Canary gets Flagger defaults and the input is left untouched', () => {
    const input = canary();
    delete input.spec.analysis.interval;
    const before = JSON.stringify(input);
    const result = validator.validateCanary(input);
    expect(result.errors).toEqual([]);
    if (!result.valid) return;
    expect(JSON.stringify(input)).toBe(before);
    expect(result.value.spec.provider).toBe('smi');
    expect(result.value.spec.progressDeadlineSeconds).toBe(600);
    expect(result.value.spec.service.portName).toBe('http');
    expect(result.value.spec.analysis).toMatchObject({ interval: '1m', threshold: 5, primaryReadyThreshold: 100, canaryReadyThreshold: 100 });
    expect(result.value.spec.analysis.webhooks?.[0]).toMatchObject({ timeout: '10s', type: 'rollout' });
    expect(result.value.spec.analysis.alerts?.[0].severity).toBe('error');
  });

  test('blue/green, A/B testing and stepWeights canaries are each accepted', () => {
    const blueGreen = set(canary(), (c) => { delete c.spec.analysis.stepWeight; delete c.spec.analysis.maxWeight; c.spec.analysis.iterations = 10; });
    const ab = set(abTest(), (c) => (c.spec.analysis.match = [{ headers: { 'x-canary': { exact: 'always' } } }, { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }]));
    const steps = set(canary(), (c) => { delete c.spec.analysis.stepWeight; c.spec.analysis.stepWeights = [1, 5, 10, 50]; });
    const windowed = set(canary(), (c) => (c.spec.analysis.window = { schedules: ['* 9-16 * * 1-5'], timezone: 'Europe/Berlin' }));
    for (const object of [blueGreen, ab, steps, windowed]) expect(validator.validate(object).errors).toEqual([]);
  });

  test('a rollout window is judged the same on every reconcile, though its checks are remembered', () => {
    const bad = () => set(canary(), (c) => (c.spec.analysis.window = { schedules: ['* 9-16 * * 1-5'], timezone: 'Mars/Olympus' }));
    const first = validator.validate(bad()).errors.map(formatValidationError);
    expect(validator.validate(bad()).errors.map(formatValidationError)).toEqual(first);
    expect(first).toEqual(['spec.analysis.window.timezone = "Mars/Olympus": is not a known IANA time zone, e.g. Europe/Berlin or UTC']);
    const good = set(canary(), (c) => (c.spec.analysis.window = { schedules: ['* 9-16 * * 1-5'], timezone: 'UTC' }));
    expect(validator.validate(good).errors).toEqual([]);
  });

  test("Flagger's documented podinfo Canary validates after changing only apiVersion", () => {
    const text = readFileSync(new URL('../../fixtures/flagger/podinfo-canary.yaml', import.meta.url), 'utf8');
    const flagger = parse(text.replace('apiVersion: flagger.app/v1beta1', 'apiVersion: kanari.dev/v1alpha1'));
    expect(validator.validate(flagger).errors).toEqual([]);
  });

  test("what Flagger defines is accepted with Flagger's meaning", () => {
    const cases = [
      set(canary(), (c) => (c.spec.analysis.threshold = 0)),
      set(canary(), (c) => { delete c.spec.analysis.stepWeight; c.spec.analysis.stepWeights = [10, 20, 60]; c.spec.analysis.maxWeight = 50; }),
      set(canary(), (c) => { delete c.spec.analysis.stepWeight; c.spec.analysis.iterations = 5; }),
      set(canary(), (c) => (c.spec.analysis.maxWeight = 3)),
      set(canary(), (c) => (c.spec.analysis.metrics[0].threshold = 98)),
      set(canary(), (c) => (c.spec.analysis.metrics[1] = { name: '404s percentage', query: 'sum(rate(x[1m]))', thresholdRange: { max: 5 } })),
      set(canary(), (c) => (c.spec.analysis.metrics[1].query = 'sum(rate(x[1m]))')),
      set(canary(), (c) => (c.spec.analysis.webhooks[0].retries = 25)),
      set(canary(), (c) => (c.spec.analysis.webhooks[0].type = '')),
      set(canary(), (c) => (c.spec.targetRef.kind = 'DaemonSet')),
      set(canary(), (c) => { c.spec.provider = 'kubernetes'; delete c.spec.analysis.stepWeight; c.spec.analysis.iterations = 10; }),
    ];
    for (const object of cases) expect(validator.validate(object).errors.map(formatValidationError)).toEqual([]);
    const emptyType = validator.validateCanary(set(canary(), (c) => (c.spec.analysis.webhooks[0].type = '')));
    if (emptyType.valid) expect(webhookTypeOf(emptyType.value.spec.analysis.webhooks![0])).toBe('rollout');
  });

  test('Flagger SMI providers are accepted as aliases', () => {
    for (const provider of ['smi', 'smi:v1alpha4', 'linkerd', 'osm']) {
      expect(validator.validate(set(canary(), (c) => (c.spec.provider = provider))).errors).toEqual([]);
    }
  });

  test('a MetricTemplate with variables.* and an AlertProvider with an address validate', () => {
    const template = set(metricTemplate(), (t) => (t.spec.query = '{{ variables.direction }} {{ target }} {{ service }} {{ name }}'));
    expect(validator.validate(template).errors).toEqual([]);
    const provider = set(alertProvider(), (p) => { delete p.spec.secretRef; p.spec.address = SECRET_URL; });
    expect(validator.validate(provider).errors).toEqual([]);
  });

  test('an unknown kind in the kanari.dev group is named', () => {
    const result = validator.validate({ apiVersion: 'kanari.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'x' } });
    expect(result.errors.map(formatValidationError)).toEqual(['kind = "Rollout": must be one of: Canary, MetricTemplate, AlertProvider (apiVersion kanari.dev/v1alpha1)']);
    expect(isKanariDocument({ apiVersion: 'kanari.dev/v1alpha1' })).toBe(true);
    expect(isKanariDocument({ apiVersion: 'apps/v1' })).toBe(false);
  });
});
