import { createValidator } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';

// A person fixing a file wants every problem in one run: the schema's (types, ranges, required fields)
// and the rules only code can check (cron, providers, unique names), each with the value given.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function canary(): Json {
  return {
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: {
        interval: '30s',
        threshold: 5,
        maxWeight: 50,
        stepWeight: 10,
        metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' }],
        webhooks: [
          { name: 'load-test', url: 'http://loadtester.test/' },
          { name: 'acceptance', type: 'pre-rollout', url: 'http://loadtester.test/check' },
        ],
      },
    },
  };
}

type Break = [title: string, change: (c: Json) => void, expected: string];

// Problems the schema finds, in different parts of the object.
const schemaBreaks: Break[] = [
  ['stepWeight not a number', (c) => (c.spec.analysis.stepWeight = 'ten'), 'spec.analysis.stepWeight = "ten": must be a whole number'],
  ['port out of range', (c) => (c.spec.service.port = 70000), 'spec.service.port = 70000: must be between 1 and 65535'],
  ['webhook type unknown', (c) => (c.spec.analysis.webhooks[1].type = 'pre-promotion'), 'spec.analysis.webhooks[1].type = "pre-promotion": must be one of: "", confirm-rollout, pre-rollout, rollout, confirm-traffic-increase, confirm-promotion, post-rollout, rollback, event'],
  ['interval not a duration', (c) => (c.spec.analysis.metrics[0].interval = '1 minute'), 'spec.analysis.metrics[0].interval = "1 minute": must be a duration: a number with a unit, e.g. 30s, 1m30s, 1h, 500ms'],
  ['alerts not a list', (c) => (c.spec.analysis.alerts = 'slack'), 'spec.analysis.alerts = "slack": must be a list'],
  ['threshold a map', (c) => (c.spec.analysis.threshold = { max: 5 }), 'spec.analysis.threshold = a map: must be a whole number'],
  ['targetRef without name', (c) => delete c.spec.targetRef.name, 'spec.targetRef.name: is required'],
  ['unknown field', (c) => (c.spec.service.portNmae = 'http'), 'spec.service.portNmae = "http": is not a known field'],
];

// Problems only the rules find, in parts no schema break above touches.
const ruleBreaks: Break[] = [
  ['provider istio', (c) => (c.spec.provider = 'istio'), `spec.provider = "istio": Kanari has no istio router: kanari convert writes provider: smi (the cluster must then serve the SMI TrafficSplit API) and drops the router's own fields; write provider: kubernetes to route nothing`],
  ['bad cron', (c) => (c.spec.analysis.window = { schedules: ['* 25 * * *'] }), 'spec.analysis.window.schedules[0] = "* 25 * * *": is not a valid cron expression: five fields (minute hour day-of-month month day-of-week), e.g. "* 9-16 * * 1-5"'],
  ['duplicate webhook name', (c) => (c.spec.analysis.webhooks[1].name = 'load-test'), 'spec.analysis.webhooks[1].name = "load-test": duplicates the name of webhooks[0]: names must be unique'],
  ['zero interval', (c) => (c.spec.analysis.interval = '0s'), 'spec.analysis.interval = "0s": must be longer than 0s'],
  ['relative webhook url', (c) => (c.spec.analysis.webhooks[0].url = 'loadtester/token-s3cr3t'), 'spec.analysis.webhooks[0].url: must be an absolute http:// or https:// URL'],
];

describe('validation reports all of an object’s problems at once', () => {
  const validator = createValidator();
  const lines = (object: Json) => validator.validate(object).errors.map(formatValidationError);

  test.each(schemaBreaks.flatMap((s) => ruleBreaks.map((r) => [s[0], r[0], s, r] as const)))('%s with %s: both reported', (_s, _r, schemaBreak, ruleBreak) => {
    const object = canary();
    schemaBreak[1](object);
    ruleBreak[1](object);
    expect(lines(object)).toEqual([schemaBreak[2], ruleBreak[2]]);
  });

  test('every break above in one object: every one reported, each once', () => {
    const object = canary();
    for (const [, change] of [...schemaBreaks, ...ruleBreaks]) change(object);
    expect(lines(object).sort()).toEqual([...schemaBreaks, ...ruleBreaks].map(([, , expected]) => expected).sort());
  });

  test('a list that is not a list: its items are not judged, the rest is', () => {
    const object = canary();
    object.spec.analysis.metrics = 'request-success-rate';
    object.spec.provider = 'istio';
    expect(lines(object)).toEqual(['spec.analysis.metrics = "request-success-rate": must be a list', ruleBreaks[0][2]]);
  });

  test('a value the schema rejects is not compared with others: no second message derived from it', () => {
    const object = canary();
    object.spec.analysis.stepWeight = 101; // also above maxWeight 50, but that is the same mistake
    expect(lines(object)).toEqual(['spec.analysis.stepWeight = 101: must be between 1 and 100']);
    const noSpec = canary();
    noSpec.spec.analysis = 'canary';
    expect(lines(noSpec)).toEqual(['spec.analysis = "canary": must be an object']);
  });

  test('a missing map the schema requires does not hide the rules of the rest', () => {
    const object = canary();
    delete object.spec.service;
    object.spec.analysis.window = { schedules: ['* 25 * * *'] };
    expect(lines(object)).toEqual(['spec.service: is required', ruleBreaks[1][2]]);
  });

  test('any field given any wrong shape: validation answers with an error at that field, never throws', () => {
    const paths: string[][] = [];
    const walk = (value: unknown, path: string[]) => {
      if (path.length > 0) paths.push(path);
      if (typeof value === 'object' && value !== null) for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
    };
    walk(canary(), []);
    for (const path of paths) {
      for (const wrong of [null, 7, 'x', [], {}, [{}], true]) {
        const object = canary();
        const parent = path.slice(0, -1).reduce((o: Json, key) => o[key], object);
        parent[path.at(-1)!] = wrong;
        const result = validator.validate(object);
        const shown = path.map((key) => (/^\d+$/.test(key) ? `[${key}]` : `.${key}`)).join('').replace(/^\./, '');
        // Some replacements are valid (a list for a list, a string for a name); the rest name the field or one inside it.
        if (!result.valid) expect(result.errors.map((e) => e.path).some((p) => p === shown || p.startsWith(shown))).toBe(true);
      }
    }
  });
});
