import { readdirSync, readFileSync } from 'node:fs';
import type { Canary } from '../../../src/api/canary.ts';
import { CANARY_API_VERSION } from '../../../src/api/canary.ts';
import { convertFlaggerDocuments, formatConversionNote } from '../../../src/api/flagger-convert.ts';
import { createValidator } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';
import { objectLabel, parseYamlDocuments } from '../../../src/api/yaml-documents.ts';
import { describeRun, type RunMeaning } from './flagger-run-meaning.ts';

/**
 * Every Canary of Flagger's documentation and e2e tests (test/fixtures/flagger/docs), through `kanari
 * convert`: what the converted Canary runs must be what Flagger runs for it (weights, iterations,
 * matches, ports, hooks, metrics, alerts), and every difference must have been named in a note. The
 * expected runs are written from Flagger's behaviour, its weights computed by Flagger's own stepping rule
 * (scheduler.go's maxWeight and nextStepWeight) rather than Kanari's.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The canary weights of a full Flagger run: step while below the max weight; the step that crosses it is taken whole. */
function flaggerWeights(analysis: { stepWeight?: number; stepWeights?: number[]; maxWeight?: number }): number[] {
  const steps = analysis.stepWeights ?? [];
  const max = steps.length > 0 ? Math.min(100, steps[steps.length - 1]) : (analysis.maxWeight ?? 100);
  const next = (current: number): number => {
    if (analysis.stepWeight || steps.length === 0) return analysis.stepWeight ?? 0;
    const maxStep = 100 - current;
    if (current === 0) return Math.min(maxStep, steps[0]);
    const i = steps.indexOf(current);
    return i >= 0 && i < steps.length - 1 ? Math.min(maxStep, steps[i + 1] - current) : maxStep;
  };
  const weights = [0];
  for (let w = 0; w < max; ) weights.push((w = Math.min(100, w + next(w))));
  return weights;
}

const builtins = (durationWindow = '30s') => ['request-success-rate ≥ 99 over 1m', `request-duration ≤ 500 over ${durationWindow}`];
const loadTests = { 'pre-rollout': ['acceptance-test'], rollout: ['load-test'] };
const hpa = 'HorizontalPodAutoscaler/podinfo';
const base = { target: 'Deployment/podinfo', alerts: [] as string[], progressDeadlineSeconds: 60, ports: ['http 9898→9898'] };
const canaryRun = (step: { stepWeight?: number; stepWeights?: number[]; maxWeight?: number }) => ({ strategy: 'canary' as const, weights: flaggerWeights(step) });
// Flagger's podinfo serves http on 9898, and http-metrics (9797) and grpc (9999) that portDiscovery adds.
const discovered = ['grpc 9999→9999', 'http-metrics 9797→9797'];

/** Per Canary: what Flagger runs (or why Kanari refuses it), and the fields convert must have noted. */
const EXPECTED: Record<string, { run?: RunMeaning; refused?: string; noted: string[] }> = {
  'how-it-works/Canary/podinfo': {
    run: { ...base, router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '1m', threshold: 10, ports: ['http 9898→9898', ...discovered], hooks: { rollout: ['load-test'] }, metrics: builtins('1m'), autoscaler: hpa },
    noted: ['spec.provider'],
  },
  'deployment-strategies/Canary/canary-release': {
    run: { ...base, progressDeadlineSeconds: 600, router: 'smi', ...canaryRun({ stepWeight: 2, maxWeight: 50 }), interval: '1m', threshold: 10, hooks: {}, metrics: [] },
    noted: ['spec.provider'],
  },
  'deployment-strategies/Canary/ab-testing': {
    run: {
      ...base, progressDeadlineSeconds: 600, router: 'smi', strategy: 'ab-testing', iterations: 10, interval: '1m', threshold: 2, hooks: {}, metrics: [],
      matches: [{ headers: { 'x-canary': { regex: '.*insider.*' } } }, { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }],
    },
    noted: ['spec.provider'],
  },
  'deployment-strategies/Canary/blue-green': {
    run: { ...base, progressDeadlineSeconds: 600, router: 'smi', strategy: 'blue-green', iterations: 10, interval: '1m', threshold: 2, hooks: {}, metrics: [] },
    noted: ['spec.provider'],
  },
  'deployment-strategies/Canary/blue-green-mirroring': {
    run: { ...base, progressDeadlineSeconds: 600, router: 'smi', strategy: 'blue-green', iterations: 10, interval: '1m', threshold: 2, hooks: {}, metrics: [] },
    noted: ['spec.analysis.mirror', 'spec.analysis.mirrorWeight', 'spec.provider'],
  },
  'deployment-strategies/Canary/session-affinity': {
    run: { ...base, progressDeadlineSeconds: 600, router: 'smi', ...canaryRun({ stepWeight: 2, maxWeight: 50 }), interval: '1m', threshold: 10, hooks: {}, metrics: [] },
    noted: ['spec.analysis.sessionAffinity', 'spec.provider'],
  },
  'metrics/Canary/podinfo': {
    run: { ...base, progressDeadlineSeconds: 600, router: 'smi', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: {}, metrics: ['404s percentage (template istio-system/not-found-percentage) ≤ 5 over 1m'] },
    noted: ['spec.provider'],
  },
  'webhooks/Canary/podinfo': {
    run: {
      ...base, progressDeadlineSeconds: 600, router: 'linkerd', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, metrics: [],
      hooks: {
        'confirm-rollout': ['start gate'],
        'pre-rollout': ['helm test'],
        rollout: ['load test'],
        'confirm-traffic-increase': ['traffic increase gate'],
        'confirm-promotion': ['promotion gate'],
        'post-rollout': ['notify'],
        rollback: ['rollback gate'],
        event: ['send to Slack'],
      },
    },
    noted: [],
  },
  'alerting/Canary/podinfo': {
    // Flagger sends nothing to the alert whose severity is empty: convert leaves it out.
    run: {
      ...base, progressDeadlineSeconds: 600, router: 'linkerd', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: {}, metrics: [],
      alerts: ['on-call Slack: error → flagger/on-call', 'qa Discord: warn → test/qa-discord', 'dev MS Teams: info → flagger/msteams'],
    },
    noted: ['spec.analysis.alerts[3].severity'],
  },
  'istio-progressive-delivery/Canary/podinfo': {
    run: { ...base, router: 'smi', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: loadTests, metrics: builtins(), autoscaler: hpa },
    noted: ['spec.service.gateways', 'spec.service.trafficPolicy', 'spec.service.retries', 'spec.provider', 'spec.service.hosts'],
  },
  'istio-ab-testing/Canary/podinfo': {
    run: {
      ...base, router: 'smi', strategy: 'ab-testing', iterations: 10, interval: '1m', threshold: 2, hooks: { rollout: ['load-test'] }, metrics: builtins(), autoscaler: hpa,
      matches: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } } }, { headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } }],
    },
    noted: ['spec.service.gateways', 'spec.service.trafficPolicy', 'spec.provider', 'spec.service.hosts'],
  },
  'alibabacloud-servicemesh-progressive-delivery/Canary/podinfo': {
    run: { ...base, router: 'smi', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: loadTests, metrics: builtins(), autoscaler: hpa },
    noted: ['spec.service.gateways', 'spec.service.trafficPolicy', 'spec.service.retries', 'spec.provider', 'spec.service.hosts'],
  },
  'linkerd-progressive-delivery/Canary/podinfo': {
    run: {
      ...base, router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: loadTests, autoscaler: hpa,
      metrics: ['success-rate (template test/success-rate) ≥ 99 over 1m', 'latency (template test/latency) ≤ 500 over 30s'],
    },
    noted: ['spec.service.gatewayRefs', 'spec.provider'],
  },
  'appmesh-progressive-delivery/Canary/podinfo': {
    run: { ...base, router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: loadTests, metrics: builtins(), autoscaler: hpa },
    noted: ['spec.service.timeout', 'spec.service.retries', 'spec.service.match', 'spec.service.rewrite', 'spec.provider', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'nginx-progressive-delivery/Canary/podinfo': {
    run: { ...base, ports: ['http 80→9898'], router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '10s', threshold: 10, hooks: loadTests, metrics: ['request-success-rate ≥ 99 over 1m'], autoscaler: hpa },
    noted: ['spec.ingressRef', 'spec.provider', 'spec.analysis.metrics[0].name'],
  },
  'contour-progressive-delivery/Canary/podinfo': {
    run: { ...base, ports: ['http 80→9898'], router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: loadTests, metrics: builtins(), autoscaler: hpa },
    noted: ['spec.service.retries', 'spec.service.timeout', 'spec.provider', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'gloo-progressive-delivery/Canary/podinfo': {
    run: { ...base, router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '10s', threshold: 5, hooks: loadTests, metrics: builtins(), autoscaler: hpa },
    noted: ['spec.upstreamRef', 'spec.provider', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'skipper-progressive-delivery/Canary/podinfo': {
    run: {
      ...base, ports: ['http 80→http'], router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '10s', threshold: 10, metrics: builtins('1m'), autoscaler: hpa,
      hooks: { 'confirm-rollout': ['gate'], ...loadTests },
    },
    noted: ['spec.ingressRef', 'spec.provider', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'traefik-progressive-delivery/Canary/podinfo': {
    run: { ...base, ports: ['http 80→http'], router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '10s', threshold: 10, hooks: loadTests, metrics: builtins('1m'), autoscaler: hpa },
    noted: ['spec.provider', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'apisix-progressive-delivery/Canary/podinfo': {
    run: { ...base, ports: ['http 80→9898'], router: 'smi', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '10s', threshold: 10, hooks: { rollout: ['load-test'] }, metrics: builtins() },
    noted: ['spec.routeRef', 'spec.provider', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'osm-progressive-delivery/Canary/podinfo': {
    run: { ...base, router: 'osm', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: loadTests, metrics: builtins(), autoscaler: hpa },
    noted: [],
  },
  'kuma-progressive-delivery/Canary/podinfo': {
    // Flagger's deprecated single threshold: the minimum of the success rate, the maximum of the duration.
    run: { ...base, router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: loadTests, metrics: builtins(), autoscaler: hpa },
    noted: ['spec.provider', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'gatewayapi-progressive-delivery/Canary/podinfo': {
    run: {
      ...base, router: 'smi', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, autoscaler: hpa,
      hooks: { 'pre-rollout': ['smoke-test'], rollout: ['load-test'] },
      metrics: ['error-rate (template flagger-system/error-rate) ≤ 1 over 1m', 'latency (template flagger-system/latency) ≤ 0.5 over 30s'],
    },
    noted: ['spec.service.gatewayRefs', 'spec.provider', 'spec.service.hosts'],
  },
  'gatewayapi-progressive-delivery/Canary/podinfo-session-affinity': {
    run: { ...base, progressDeadlineSeconds: 600, router: 'smi', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: {}, metrics: ['error-rate (template flagger-system/error-rate) ≤ 1 over 1m'] },
    noted: ['spec.service.gatewayRefs', 'spec.analysis.sessionAffinity', 'spec.provider', 'spec.service.hosts'],
  },
  'gatewayapi-progressive-delivery/Canary/podinfo-ab': {
    run: {
      ...base, progressDeadlineSeconds: 600, router: 'smi', strategy: 'ab-testing', iterations: 10, interval: '1m', threshold: 5, hooks: {}, metrics: ['error-rate (template flagger-system/error-rate) ≤ 1 over 1m'],
      matches: [{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { exact: 'canary' } } }],
    },
    noted: ['spec.service.gatewayRefs', 'spec.provider', 'spec.service.hosts'],
  },
  'knative-progressive-delivery/Canary/podinfo': { refused: 'Knative Service targets', noted: ['spec.provider', 'spec.targetRef.kind', 'spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'] },
  'kubernetes-blue-green/Canary/podinfo': {
    run: { ...base, ports: ['http 9898→9898', ...discovered], router: 'kubernetes', strategy: 'blue-green', iterations: 10, interval: '30s', threshold: 2, hooks: { 'pre-rollout': ['smoke-test'], rollout: ['load-test'] }, metrics: builtins(), autoscaler: hpa },
    noted: ['spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'prometheus-operator/Canary/podinfo': {
    run: {
      ...base, ports: ['http 80→http'], router: 'kubernetes', strategy: 'blue-green', iterations: 10, interval: '30s', threshold: 2, hooks: { rollout: ['load-test'] },
      metrics: ['error-rate (template test/request-success-rate) ≥ 99 over 1m', 'latency (template test/request-duration) ≤ 0.5 over 1m'],
    },
    noted: [],
  },
  'keda-scaledobject/Canary/podinfo': { refused: 'KEDA', noted: ['spec.autoscalerRef.primaryScalerQueries', 'spec.autoscalerRef.kind', 'spec.analysis.metrics[0].name'] },
  'rollout-weights/Canary/podinfo': {
    run: { ...base, progressDeadlineSeconds: 600, router: 'linkerd', ...canaryRun({ stepWeights: [1, 2, 10, 80] }), interval: '1m', threshold: 5, hooks: {}, metrics: ['request-success-rate ≥ 99 over 1m'] },
    noted: [],
  },
  'canary-helm-gitops/Canary/frontend': {
    run: { ...base, target: 'Deployment/frontend', router: 'smi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '15s', threshold: 10, hooks: { rollout: ['load-test'] }, metrics: builtins('1m'), autoscaler: 'HorizontalPodAutoscaler/frontend' },
    noted: ['spec.canaryAnalysis', 'spec.service.gateways', 'spec.provider', 'spec.service.hosts'],
  },
  'e2e-kubernetes-daemonset/Canary/podinfo-ds': {
    run: {
      ...base, target: 'DaemonSet/podinfo-ds', ports: ['http 80→9898', ...discovered], router: 'kubernetes', strategy: 'blue-green', iterations: 5, interval: '15s', threshold: 10, metrics: builtins(),
      hooks: { 'confirm-rollout': ['gate'], 'pre-rollout': ['acceptance-test'], rollout: ['load-test'] },
    },
    noted: ['spec.analysis.metrics[0].name', 'spec.analysis.metrics[1].name'],
  },
  'e2e-linkerd-steps/Canary/podinfo': {
    // maxWeight 50 is ignored beside stepWeights; the deprecated threshold of a template is its maximum, as in Flagger.
    run: {
      ...base, ports: ['http 80→http', ...discovered], router: 'smi', ...canaryRun({ stepWeights: [10, 20, 30, 40, 50, 60], maxWeight: 50 }), interval: '15s', threshold: 15, hooks: { rollout: ['load-test'] },
      metrics: ['success-rate (template linkerd/success-rate) ≤ 99 over 1m', 'latency (template linkerd/latency) ≤ 500 over 30s'],
    },
    noted: ['spec.service.gatewayRefs', 'spec.provider'],
  },
};

const validator = createValidator();
const dir = new URL('../../fixtures/flagger/docs/', import.meta.url);
const cases = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .flatMap((file) => {
    const documents = parseYamlDocuments(readFileSync(new URL(file, dir), 'utf8')).flatMap((d) => (d.ok ? [d.value as Json] : []));
    return documents.flatMap((document, index) => (document.kind === 'Canary' ? [{ key: `${file.replace(/\.yaml$/, '')}/${objectLabel(document)}`, documents, index }] : []));
  });

describe("Flagger's documented Canaries through kanari convert", () => {
  test('every Canary of the fixtures has an expectation, and every expectation a Canary', () => {
    expect(cases.map((c) => c.key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(cases.map((c) => [c.key, c] as const))('%s', (key, { documents, index }) => {
    const expected = EXPECTED[key];
    const label = objectLabel(documents[index]);
    const result = convertFlaggerDocuments(documents);
    const notes = result.notes.map(formatConversionNote).filter((note) => note.startsWith(`${label}: `));
    expect(notes.map((note) => note.slice(label.length + 2).split(': ')[0])).toEqual(expected.noted);
    const converted = result.documents[index].converted;
    if (expected.refused) {
      expect(converted).toBeUndefined();
      expect(result.refused).toContain(label);
      expect(notes.some((note) => note.includes(expected.refused!) && note.endsWith('not converted'))).toBe(true);
      return;
    }
    const validated = validator.validateCanary(converted);
    expect(validated.errors.map(formatValidationError)).toEqual([]);
    expect(describeRun((validated as { value: Canary }).value)).toEqual(expected.run);
  });

  test('a Canary Kanari takes as it is needs no convert and runs the same either way', () => {
    for (const { key, documents, index } of cases) {
      const asIs = validator.validateCanary({ ...structuredClone(documents[index]), apiVersion: CANARY_API_VERSION });
      if (!asIs.valid) continue;
      expect([key, describeRun(asIs.value)]).toEqual([key, EXPECTED[key].run]);
    }
  });
});
