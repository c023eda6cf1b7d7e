import { Type, type Static } from '@sinclair/typebox';
import { ObjectMeta, StringEnum, Struct } from './schema-types.ts';
import { CANARY_API_VERSION } from './canary.ts';

/**
 * The MetricTemplate kind: a query a Canary's metric check runs through a provider, as Flagger's. The
 * query is a `{{ }}` template over the Canary's names and the metric's `templateVariables`.
 */

export const METRIC_PROVIDER_TYPES = ['prometheus', 'smi'] as const;
export type MetricProviderType = (typeof METRIC_PROVIDER_TYPES)[number];

/**
 * The names a query may use besides `variables.*` (the metric's `templateVariables`): the Canary's
 * `name` and `namespace`, its `target` (`spec.targetRef.name`), its `service` (`spec.service.name`),
 * the metric's `interval` as written ("1m"), which PromQL reads as a range, and `workload`: the
 * Deployment measured — the canary (the target) for `query`, and each side in turn (`<target>`,
 * `<target>-primary` or `<target>-baseline`) for the `counts` queries a comparison runs.
 */
export const METRIC_TEMPLATE_VARIABLES = ['name', 'namespace', 'target', 'service', 'interval', 'workload'] as const;
export type MetricTemplateVariable = (typeof METRIC_TEMPLATE_VARIABLES)[number];

export const MetricTemplateProviderSchema = Struct({
  type: StringEnum(METRIC_PROVIDER_TYPES),
  /** HTTP(S) address of the provider; for `smi` the TrafficMetrics API of the cluster is used when omitted. */
  address: Type.Optional(Type.String({ minLength: 1 })),
  /** Secret holding credentials (`username`/`password`, `token`, or `address`), read at query time. */
  secretRef: Type.Optional(Struct({ name: Type.String({ minLength: 1 }) })),
  insecureSkipVerify: Type.Optional(Type.Boolean()),
  /** Extra request headers, each a list of values, as Flagger's. */
  headers: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
});

/**
 * How the template counts one workload's requests, for a Canary metric with `compare`: a rate cannot be
 * judged, counts can. Both queries return cumulative counters of the Deployment named by
 * `{{ workload }}` (no rate() or increase()); Kanari evaluates them at the start and at the end of each
 * judged interval and compares the differences of the canary's and the primary's.
 */
export const MetricTemplateCountsSchema = Struct({
  requests: Type.String({ minLength: 1, description: 'PromQL: the cumulative count of requests served by {{ workload }}.' }),
  failures: Type.String({ minLength: 1, description: 'PromQL: the cumulative count of those requests that went wrong (failed, or slower than a bound you choose).' }),
}, { description: 'Counters for comparing the canary with the primary (Canary metrics with compare); prometheus provider only.' });

export const MetricTemplateSpecSchema = Struct({
  provider: MetricTemplateProviderSchema,
  query: Type.String({ minLength: 1 }),
  counts: Type.Optional(MetricTemplateCountsSchema),
});

export const MetricTemplateSchema = Struct({
  apiVersion: Type.Literal(CANARY_API_VERSION),
  kind: Type.Literal('MetricTemplate'),
  metadata: ObjectMeta,
  spec: MetricTemplateSpecSchema,
});

export type MetricTemplate = Static<typeof MetricTemplateSchema>;
export type MetricTemplateSpec = Static<typeof MetricTemplateSpecSchema>;
export type MetricTemplateProvider = Static<typeof MetricTemplateProviderSchema>;
export type MetricTemplateCounts = Static<typeof MetricTemplateCountsSchema>;
