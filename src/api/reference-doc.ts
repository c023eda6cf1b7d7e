import { CanarySchema } from './canary.ts';
import { MetricTemplateSchema } from './metric-template.ts';
import { AlertProviderSchema } from './alert-provider.ts';
import { DURATION_PATTERN } from './duration.ts';

/**
 * The field reference (`docs/canary-reference.md`), generated from the same TypeBox schemas the CRDs and
 * the validator use, so the page cannot describe a field the API server would reject or miss one it
 * accepts. The rules a schema cannot say are listed by hand beside it; a test checks every rule the
 * validator reports is on that list.
 */

type Node = Record<string, unknown>;

/** One row of a kind's field table. */
export interface FieldRow {
  /** Dotted path; `[]` for list items, `<key>` for map entries. */
  path: string;
  type: string;
  required: boolean;
  default?: string;
  /** Allowed values or range, already rendered as Markdown. */
  allowed?: string;
  description?: string;
}

/** A rule the validator checks beyond the schema, by the field it reports on. */
export interface RuleDoc {
  /** The path the validator's error names, with list indices written `[]` and map keys `<key>`. */
  path: string;
  rule: string;
}

interface KindDoc {
  kind: string;
  intro: string;
  schema: unknown;
  rules: RuleDoc[];
}

/**
 * Descriptions of fields whose schema node carries none (status fields documented only by a source
 * comment). Keyed by path; a test fails when a key names no field, so renamed fields cannot linger here.
 */
export const EXTRA_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'Canary:apiVersion': 'Always `kanari.dev/v1alpha1` (Flagger: `flagger.app/v1beta1`).',
  'Canary:spec.mesh': 'Whose Prometheus metric names the built-in metrics use with `metricsServer` (see metrics.md).',
  'Canary:spec.service': 'The Services and TrafficSplit Kanari generates: `<name>`, `<name>-primary`, `<name>-canary`.',
  'Canary:spec.targetRef.name': 'Name of the Deployment in the Canary\'s namespace.',
  'Canary:spec.analysis.metrics': 'Checks run at every analysis tick; see metrics.md.',
  'Canary:spec.analysis.webhooks': 'Gates and hooks; see gates.md.',
  'Canary:spec.analysis.alerts': 'Where alerts go; see notifications.md.',
  'Canary:spec.analysis.webhooks[].type': 'When the webhook is called and what its answer means; see gates.md.',
  'Canary:spec.analysis.webhooks[].url': 'Where the payload is POSTed.',
  'Canary:spec.service.portName': 'Name of the port on the generated Services.',
  'Canary:spec.service.appProtocol': 'appProtocol of the port on the generated Services.',
  'Canary:spec.service.apex': 'Labels and annotations added to the apex Service.',
  'Canary:spec.service.primary': 'Labels and annotations added to the `<name>-primary` Service.',
  'Canary:spec.service.canary': 'Labels and annotations added to the `<name>-canary` Service.',
  'Canary:spec.analysis.metrics[].name': 'A built-in metric name, or any name when `templateRef` is set.',
  'Canary:spec.analysis.metrics[].thresholdRange': 'The check passes when the value is within [min, max]; either bound may be omitted.',
  'Canary:spec.analysis.metrics[].templateRef': 'The MetricTemplate whose query this check runs.',
  'Canary:spec.analysis.webhooks[].timeout': 'Time allowed for one attempt.',
  'Canary:spec.analysis.webhooks[].metadata': 'Sent as `metadata` in the payload.',
  'Canary:spec.analysis.alerts[].severity': 'Least severity sent to this provider: `info` gets everything, `warn` gets warn and error, `error` only errors.',
  'Canary:spec.analysis.alerts[].providerRef': 'The AlertProvider to send to.',
  'Canary:spec.analysis.match[].headers': 'Request header name → condition.',
  'Canary:status.phase': 'Flagger\'s phases, exactly.',
  'Canary:status.failedChecks': 'Failed checks in the current run; rollback at `analysis.threshold`.',
  'Canary:status.canaryWeight': 'Percent of traffic the canary receives now.',
  'Canary:status.iterations': 'Checks passed in the current run (blue/green, A/B).',
  'Canary:status.trackedConfigs': '`configmap/<name>` or `secret/<name>` → checksum of the ConfigMaps and Secrets the target uses.',
  'Canary:status.lastAppliedSpec': 'Revision (pod template and config hash) of the current run.',
  'Canary:status.lastPromotedSpec': 'Revision the primary runs; rolling the target back to it starts no run.',
  'Canary:status.conditions': '`Ready`, `Reconciling` and `Stalled` (kstatus) and `Promoted`; see gitops.md for what each means in each phase and troubleshooting.md for every reason.',
  'Canary:status.lastAnalysis': 'The last outcome of each metric check: what the step was decided on.',
  'Canary:status.lastAnalysisTime': 'When the last analysis tick ran; the next is due one `analysis.interval` later, across restarts.',
  'Canary:status.waitingSince': 'When the engine began waiting for a Deployment to become ready; the progress deadline counts from here.',
  'Canary:status.runStartTime': 'When the current run started, for the duration in "promotion finished".',
  'Canary:status.preRolloutPassed': 'The pre-rollout hooks of this run passed; later ticks run `rollout` hooks.',
  'Canary:status.paused': 'Set by `kanari pause` / `kanari.dev/pause`: who paused and when; the step is kept.',
  'Canary:status.manualPromotion': 'A manual promote not consumed yet: `next` opens the next closed gate, `full` skips the analysis.',
  'Canary:status.handledRequests': 'Manual request kind → id of the last annotation acted on, so each is handled once.',
  'Canary:status.failureReason': 'Why the last run failed: `FailedChecks`, `ProgressDeadlineExceeded`, `ManualAbort`, `RollbackHook`.',
  'Canary:status.run': 'The current run, or the last one until the next starts: its timeline (see dashboard.md, "Run history").',
  'Canary:status.run.outcome': 'Set when the run ended; `Superseded` when a newer revision replaced it.',
  'Canary:status.run.entries': 'Up to 50 moments of the run, oldest first: the start and the latest are kept.',
  'Canary:status.run.entries[].weight': 'The canary\'s weight after this moment (percent).',
  'Canary:status.run.entries[].events': 'The reasons of the Events of this tick (`Synced`, `Advance`, `FailedCheck`, …).',
  'Canary:status.run.entries[].metrics': 'Each metric\'s value and verdict when it was checked at this moment.',
  'Canary:status.run.entries[].metrics[].interval': 'A judge comparing canary and primary: estimate, confidence interval and the bar.',
  'Canary:status.run.entries[].gates': 'The webhook answers of this tick.',
  'Canary:status.run.entries[].manual': 'Manual requests acted on at this moment, and who made them.',
  'Canary:status.run.entries[].repeats': 'The same moment happened again this many times (a gate still closed), the last at `until`.',
  'Canary:status.run.droppedEntries': 'Entries dropped after the first to stay within 50.',
  'Canary:status.pastRuns': 'The 10 runs before the current one, newest first, one line each.',
  'Canary:status.pastRuns[].steps': 'Weight steps reached (canary) or iterations passed (blue/green, A/B).',
  'MetricTemplate:spec.provider.address': 'HTTP(S) address of the provider; for `smi` the cluster\'s TrafficMetrics API when omitted.',
  'MetricTemplate:spec.provider.secretRef': 'Secret in the template\'s namespace with `username`/`password`, `token` or `address`, read at query time.',
  'MetricTemplate:spec.provider.insecureSkipVerify': 'Skip TLS certificate verification.',
  'MetricTemplate:spec.provider.headers': 'Extra request headers, each a list of values.',
  'MetricTemplate:spec.query': 'A `{{ }}` template: `name`, `namespace`, `target`, `service`, `interval`, `variables.<name>`.',
  'AlertProvider:spec.address': 'Incoming-webhook URL; it is a credential, prefer `secretRef`.',
  'AlertProvider:spec.secretRef': 'Secret in the provider\'s namespace whose key `address` holds the URL.',
  'AlertProvider:spec.channel': 'Channel override (Slack).',
  'AlertProvider:spec.username': 'Sender name override (Slack, Discord).',
  'AlertProvider:spec.proxy': 'HTTP(S) proxy the messages are sent through.',
  'AlertProvider:spec.template': 'Overrides the message text: a `{{ }}` template over the alert\'s fields (see notifications.md).',
};

const URL_RULE = 'must be an absolute `http://` or `https://` URL';

const KINDS: KindDoc[] = [
  {
    kind: 'Canary',
    intro: 'What to release and how to judge it. Field names and meanings are Flagger\'s; `kubectl get canaries` (short name `cd`).',
    schema: CanarySchema,
    rules: [
      { path: 'metadata.name', rule: 'is required (or `generateName`).' },
      { path: 'spec.provider', rule: '`smi`, `smi:v1alpha1` … `smi:v1alpha4`, `linkerd` or `osm` (SMI TrafficSplit); `gatewayapi`, `gatewayapi:v1` or `gatewayapi:v1beta1` (Gateway API HTTPRoute); `kubernetes` (none). Flagger\'s other routers: see migrating-from-flagger.md.' },
      { path: 'spec.autoscalerRef', rule: 'not with a DaemonSet target.' },
      { path: 'spec.metricsServer', rule: URL_RULE + '.' },
      { path: 'spec.service.targetPort', rule: 'a port number 1–65535 or a non-empty port name.' },
      { path: 'spec.autoscalerRef.primaryScalerReplicas.minReplicas', rule: 'must not be greater than `maxReplicas`.' },
      { path: 'spec.analysis', rule: 'exactly one of `iterations` (blue/green, A/B with `match`), `stepWeight` or `stepWeights` (canary).' },
      { path: 'spec.analysis.interval', rule: 'longer than 0s (no lower clamp: Flagger forces ≥ 10s).' },
      { path: 'spec.analysis.stepWeights[]', rule: 'strictly ascending.' },
      { path: 'spec.analysis.stepWeight', rule: 'not with `provider: kubernetes` (no traffic to weigh: use `iterations`); same for `stepWeights`.' },
      { path: 'spec.analysis.match', rule: 'only with `iterations` (A/B testing), and not with `provider: kubernetes`.' },
      { path: 'spec.analysis.match[]', rule: 'at least one condition (`headers`, `uri`, `method` or `queryParams`).' },
      { path: 'spec.analysis.match[].headers.<key>', rule: 'exactly one of `exact`, `prefix`, `suffix`, `regex` (same for `uri`, `method` and `queryParams.<key>`).' },
      { path: 'spec.analysis.match[].headers.<key>.regex', rule: 'must compile as a regular expression (same for `uri`, `method` and `queryParams.<key>`).' },
      { path: 'spec.analysis.metrics[].name', rule: '`request-success-rate` or `request-duration` unless `templateRef` or `query` is set.' },
      { path: 'spec.analysis.metrics[].name', rule: 'unique within `metrics` (also `webhooks[].name`, `alerts[].name`).' },
      { path: 'spec.analysis.metrics[].interval', rule: 'longer than 0s.' },
      { path: 'spec.analysis.metrics[].thresholdRange', rule: 'required (or the deprecated `threshold`) with `min`, `max` or both.' },
      { path: 'spec.analysis.metrics[].thresholdRange.min', rule: 'must not be greater than `max`.' },
      { path: 'spec.analysis.webhooks[].url', rule: URL_RULE + '.' },
      { path: 'spec.analysis.webhooks[].timeout', rule: 'longer than 0s.' },
      { path: 'spec.analysis.webhooks[].name', rule: 'unique within `webhooks`.' },
      { path: 'spec.analysis.alerts[].name', rule: 'unique within `alerts`.' },
      { path: 'spec.analysis.window.schedules[]', rule: 'a five-field cron expression (minute hour day-of-month month day-of-week), e.g. `* 9-16 * * 1-5`.' },
      { path: 'spec.analysis.window.timezone', rule: 'a known IANA time zone, e.g. `Europe/Berlin`.' },
      ...['spec.service.gatewayRefs', 'spec.service.timeout', 'spec.service.backendTimeout', 'spec.service.headers', 'spec.service.rewrite', 'spec.analysis.mirrorWeight', 'spec.analysis.sessionAffinity', 'spec.analysis.match[].queryParams'].map((path) => ({
        path,
        rule: 'only with `provider: gatewayapi` (the Gateway API router): an SMI TrafficSplit cannot express it.',
      })),
      { path: 'spec.analysis.mirror', rule: 'only with `provider: gatewayapi`; not with A/B testing (`match`).' },
      { path: 'spec.analysis.sessionAffinity', rule: 'only with `stepWeight` or `stepWeights`.' },
      { path: 'spec.analysis.sessionAffinity.primaryCookieName', rule: 'must differ from `cookieName`.' },
      { path: 'spec.service.rewrite', rule: 'sets `uri`, `authority` or both.' },
      { path: 'spec.service.rewrite.uri', rule: "an absolute path starting with `/`." },
      { path: 'spec.service.hosts[]', rule: 'with `gatewayRefs`: a DNS hostname in lower case, optionally starting with `*.` (the HTTPRoute\'s hostnames).' },
    ],
  },
  {
    kind: 'MetricTemplate',
    intro: 'A query a Canary metric check runs (`templateRef`). Short name `mt`.',
    schema: MetricTemplateSchema,
    rules: [
      { path: 'metadata.name', rule: 'is required (or `generateName`).' },
      { path: 'spec.provider.address', rule: URL_RULE + '; required for `prometheus`.' },
      { path: 'spec.query', rule: 'uses only the variables `name`, `namespace`, `target`, `service`, `interval` and `variables.<name>`.' },
    ],
  },
  {
    kind: 'AlertProvider',
    intro: 'Where a Canary\'s alerts go. Short name `ap`.',
    schema: AlertProviderSchema,
    rules: [
      { path: 'metadata.name', rule: 'is required (or `generateName`).' },
      { path: 'spec', rule: 'exactly one of `address` and `secretRef` (a Secret with the key `address`).' },
      { path: 'spec.address', rule: URL_RULE + '.' },
      { path: 'spec.proxy', rule: URL_RULE + '.' },
      { path: 'spec.template', rule: 'uses only the message fields listed in notifications.md (`kind`, `headline`, `metric.value`, …).' },
    ],
  },
];

/** The documented rules of each kind, for the test that checks the validator reports nothing else. */
export function documentedRules(): Record<string, RuleDoc[]> {
  return Object.fromEntries(KINDS.map((kind) => [kind.kind, kind.rules]));
}

/** Every field of a schema, depth first in declaration order, as table rows. */
export function fieldRows(schema: unknown, kind: string): FieldRow[] {
  const rows: FieldRow[] = [];
  walk(schema as Node, '', kind, rows);
  return rows;
}

function walk(node: Node, path: string, kind: string, rows: FieldRow[]): void {
  const properties = node.properties as Record<string, Node> | undefined;
  if (properties) {
    const required = new Set((node.required as string[] | undefined) ?? []);
    for (const [name, child] of Object.entries(properties)) {
      const childPath = path ? `${path}.${name}` : name;
      rows.push(row(child, childPath, required.has(name), kind));
      descend(child, childPath, kind, rows);
    }
  }
}

/** Goes into objects, list items and map values that have fields of their own. */
function descend(node: Node, path: string, kind: string, rows: FieldRow[]): void {
  if (node.properties) walk(node, path, kind, rows);
  const items = node.items as Node | undefined;
  if (items?.properties) walk(items, `${path}[]`, kind, rows);
  const values = mapValues(node);
  if (values?.properties) walk(values, `${path}.<key>`, kind, rows);
}

function row(node: Node, path: string, required: boolean, kind: string): FieldRow {
  const description = (node.description as string | undefined) ?? EXTRA_DESCRIPTIONS[`${kind}:${path}`];
  return {
    path,
    type: typeName(node),
    required,
    ...(node.default !== undefined ? { default: `\`${JSON.stringify(node.default)}\`` } : {}),
    ...(allowedValues(node) !== undefined ? { allowed: allowedValues(node) } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

function mapValues(node: Node): Node | undefined {
  const patterns = node.patternProperties as Record<string, Node> | undefined;
  if (patterns) return Object.values(patterns)[0];
  const additional = node.additionalProperties;
  return typeof additional === 'object' && additional !== null ? (additional as Node) : undefined;
}

/** Go/Kubernetes-style type names, as `kubectl explain` prints them. */
function typeName(node: Node): string {
  if (node['x-kubernetes-int-or-string'] === true) return 'int-or-string';
  if (node.pattern === DURATION_PATTERN) return 'duration';
  if (node.const !== undefined) return 'string';
  const values = mapValues(node);
  if (node.type === 'object' && !node.properties && values) return `map[string]${typeName(values)}`;
  if (node.type === 'array') return `[]${typeName(node.items as Node)}`;
  return String(node.type ?? 'any');
}

function allowedValues(node: Node): string | undefined {
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (Array.isArray(node.enum)) return node.enum.map((v) => (v === '' ? '`""`' : `\`${String(v)}\``)).join(', ');
  if (node.pattern === DURATION_PATTERN) return 'e.g. `30s`, `1m30s`, `1h`, `500ms`';
  const items = node.items as Node | undefined;
  const parts: string[] = [];
  if (node.minimum !== undefined && node.maximum !== undefined) parts.push(`${String(node.minimum)}–${String(node.maximum)}`);
  else if (node.minimum !== undefined) parts.push(`≥ ${String(node.minimum)}`);
  else if (node.maximum !== undefined) parts.push(`≤ ${String(node.maximum)}`);
  if (node.minLength !== undefined) parts.push('non-empty');
  if (node.minItems !== undefined) parts.push(`at least ${String(node.minItems)} item${node.minItems === 1 ? '' : 's'}`);
  if (items) {
    const itemAllowed = allowedValues(items);
    if (itemAllowed !== undefined) parts.push(`each ${itemAllowed}`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Escapes what would break a Markdown table cell or be read as HTML. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\n', ' ');
}

/** Escapes a cell that already uses code spans: only pipes and angle brackets outside backticks. */
function prose(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part.replaceAll('|', '\\|') : cell(part)))
    .join('`');
}

function renderTable(rows: FieldRow[]): string {
  const lines = ['| Field | Type | Required | Default | Allowed | Description |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| \`${r.path}\` | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${r.default ?? ''} | ${prose(r.allowed ?? '')} | ${prose(r.description ?? '')} |`);
  }
  return lines.join('\n');
}

function renderKind(kind: KindDoc): string {
  const schema = kind.schema as Node;
  const properties = schema.properties as Record<string, Node>;
  const sections = [`## ${kind.kind}`, '', kind.intro, ''];
  for (const part of ['spec', 'status'] as const) {
    const node = properties[part];
    if (!node) continue;
    const top = fieldRows({ type: 'object', properties: { apiVersion: properties.apiVersion, kind: properties.kind, metadata: properties.metadata }, required: schema.required }, kind.kind);
    const rows = part === 'spec' ? [...top, ...fieldRows({ type: 'object', properties: { spec: node }, required: ['spec'] }, kind.kind)] : fieldRows({ type: 'object', properties: { status: node } }, kind.kind);
    sections.push(`### ${kind.kind} ${part}`, '', part === 'status' ? 'Written by the controller only.\n' : '', renderTable(rows), '');
  }
  sections.push(`### ${kind.kind} rules beyond the schema`, '', 'Checked by `kanari validate` and by the controller (an invalid object gets `Ready=False`, reason `InvalidSpec`):', '');
  for (const rule of kind.rules) sections.push(`- \`${rule.path}\`: ${rule.rule}`);
  sections.push('');
  return sections.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n');
}

/** The whole Markdown page. */
export function renderReference(): string {
  const header = [
    '<!-- Generated from src/api by `npm run generate:reference`; do not edit by hand. -->',
    '# `kanari.dev/v1alpha1` reference',
    '',
    'Every field of the three kinds, generated from the schemas the CRDs in `crds/` and `kanari validate`',
    'are built from. Types are written as `kubectl explain` prints them; `duration` is Go\'s syntax',
    '(`30s`, `1m30s`, `1h`, `500ms`). Paths use `[]` for list items and `<key>` for map entries.',
    'Unknown fields are rejected by `kanari validate` (the API server prunes them). For what Kanari does',
    'with the fields see [metrics](metrics.md), [gates](gates.md), [notifications](notifications.md);',
    'for Flagger differences see [migrating from Flagger](migrating-from-flagger.md).',
    '',
  ].join('\n');
  return `${header}\n${KINDS.map(renderKind).join('\n')}`;
}
