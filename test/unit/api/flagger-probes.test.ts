import { CANARY_API_VERSION } from '../../../src/api/canary.ts';
import { convertFlaggerDocuments, formatConversionNote } from '../../../src/api/flagger-convert.ts';
import { GATEWAY_ONLY_FIELDS } from '../../../src/api/flagger-field-values.ts';
import { lookupFlaggerField, pathTokens } from '../../../src/api/flagger-fields.ts';
import { createValidator } from '../../../src/api/validation.ts';
import { childPath, formatValidationError } from '../../../src/api/validation-error.ts';
import { flaggerCrdPaths } from './flagger-crd-paths.ts';

/**
 * One probe per field path of Flagger's Canary CRD: a working Flagger Canary that also sets that one
 * field, tried as a migrating user would (only apiVersion changed, and through `kanari convert`). Each
 * must do what the field table says: a field read the same is kept and validates; a dropped one is left
 * out with a note naming it and refused by validate with the same words; a refused one stops convert.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Segment = string | number;

// What a list item needs besides the probed field to be a complete entry.
const ITEM_BASES: Record<string, () => Json> = {
  'spec.analysis.metrics': () => ({ name: 'request-duration', thresholdRange: { max: 500 } }),
  'spec.analysis.webhooks': () => ({ name: 'probe', url: 'http://flagger-loadtester.test/' }),
  'spec.analysis.alerts': () => ({ name: 'probe', providerRef: { name: 'slack' } }),
  'spec.analysis.match': () => ({ headers: { 'x-canary': { exact: 'insider' } } }),
  'spec.service.gatewayRefs': () => ({ name: 'gateway' }),
  'spec.service.mirror': () => ({ backendRef: { name: 'shadow', port: 80 } }),
};
const OBJECT_BASES: Record<string, () => Json> = {
  'spec.autoscalerRef': () => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' }),
  'spec.analysis.sessionAffinity': () => ({ cookieName: 'flagger-cookie' }),
  'spec.analysis.metrics[].templateRef': () => ({ name: 'latency' }),
  'spec.service.rewrite': () => ({ uri: '/' }),
};

function baseCanary(): Json {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'probe', namespace: 'test' },
    spec: {
      provider: 'smi',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50 },
    },
  };
}

/** The probe for `path`: the base Canary with the path set to `sample`, and where the sample went. */
function probe(path: string, sample: unknown): { canary: Json; segments: Segment[] } {
  const canary = baseCanary();
  const analysis = canary.spec.analysis;
  // Strategies are exclusive: a probe of one takes the place of the base's stepWeight.
  if (path.startsWith('spec.analysis.stepWeights') || path === 'spec.analysis.iterations') delete analysis.stepWeight;
  if (path.startsWith('spec.analysis.match')) {
    delete analysis.stepWeight;
    analysis.iterations = 5;
  }
  // A field only the Gateway API router reads is probed on a Canary of that router (on SMI it is dropped).
  if (GATEWAY_ONLY_FIELDS.some((field) => path === field.path || path.startsWith(`${field.path}.`) || path.startsWith(`${field.path}[]`))) canary.spec.provider = 'gatewayapi:v1';
  const segments: Segment[] = [];
  let node: Json = canary;
  let written = '';
  const tokens = pathTokens(path);
  tokens.forEach((token, i) => {
    const last = i === tokens.length - 1;
    const tablePath = written;
    written = token === '[]' ? `${written}[]` : written ? `${written}.${token}` : token;
    if (token === '[]') {
      segments.push(0);
      if (last) (node as unknown as unknown[])[0] = sample;
      else node = ((node as unknown as Json[])[0] ??= ITEM_BASES[tablePath]?.() ?? {});
      return;
    }
    const key = token === '*' ? 'x' : token;
    segments.push(key);
    if (last) node[key] = sample;
    else node = node[key] ??= tokens[i + 1] === '[]' ? [] : (OBJECT_BASES[written]?.() ?? {});
  });
  return { canary, segments };
}

function valueAt(object: unknown, segments: Segment[]): unknown {
  return segments.reduce<unknown>((node, segment) => (node as Json | undefined)?.[segment], object);
}

const validator = createValidator();

describe('one Flagger Canary per field path of the CRD', () => {
  test.each(flaggerCrdPaths().map((p) => [p.path, p.sample] as const))('%s', (path, sample) => {
    const { canary, segments } = probe(path, sample);
    const { row } = lookupFlaggerField(segments);
    expect(row).toBeDefined();
    const outcome = row!.outcome;
    const shown = segments.reduce<string>((p, s) => childPath(p, s), '');
    const named = (line: string) => line.includes(`: ${shown}: `) || (row!.subtree && line.includes(`: ${row!.path.replace(/\[\]/g, '[0]')}`));

    // Only apiVersion changed.
    const asKanari = validator.validate({ ...structuredClone(canary), apiVersion: CANARY_API_VERSION }).errors.map(formatValidationError);
    // Through kanari convert.
    const result = convertFlaggerDocuments([canary]);
    const notes = result.notes.map(formatConversionNote);
    const converted = result.documents[0].converted;

    if (outcome === 'same') {
      expect(asKanari).toEqual([]);
      expect(notes).toEqual([]);
      expect(valueAt(converted, segments)).toEqual(sample);
      expect(validator.validate(converted).errors.map(formatValidationError)).toEqual([]);
    } else if (outcome === 'dropped' || outcome === 'rewritten') {
      expect(asKanari.some((line) => line.includes(row!.text))).toBe(true);
      expect(notes.some(named)).toBe(true);
      expect(valueAt(converted, segments)).toBeUndefined();
      expect(validator.validate(converted).errors.map(formatValidationError)).toEqual([]);
    } else {
      expect(asKanari.some((line) => line.includes(row!.text))).toBe(true);
      expect(converted).toBeUndefined();
      expect(result.refused).toEqual(['Canary/probe']);
      expect(notes.some((line) => named(line) && line.includes(row!.text))).toBe(true);
    }
  });
});
