import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

// Runs the real `kanari` binary the way a user does, on the pinned Node.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const node = join(root, 'node_modules/.bin/node');
const fixtures = join(root, 'test/fixtures/flagger');
// Generous: each test starts the CLI once or twice, and other suites load the 2 cores meanwhile.
const CLI_TEST_TIMEOUT = 90_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kanari(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(node, [join(root, 'bin/kanari.js'), ...args], { cwd: root, timeout: 40_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

describe('kanari convert and kanari validate', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'kanari-cli-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  test("Flagger's documented podinfo Canary converts to a Canary that validate accepts", async () => {
    const converted = await kanari(['convert', join(fixtures, 'podinfo-canary.yaml')]);
    expect(converted.stderr).toBe('');
    expect(converted.code).toBe(0);
    const [canary] = parseAllDocuments(converted.stdout).map((d) => d.toJS());
    expect(canary).toMatchObject({ apiVersion: 'kanari.dev/v1alpha1', kind: 'Canary', metadata: { name: 'podinfo', namespace: 'test' } });
    expect(canary.spec.analysis).toMatchObject({ interval: '30s', threshold: 5, maxWeight: 50, stepWeight: 5 });
    expect(canary.spec.analysis.webhooks.map((h: { name: string }) => h.name)).toEqual(['acceptance-test', 'load-test']);

    const file = join(workDir, 'podinfo.yaml');
    writeFileSync(file, converted.stdout);
    const validated = await kanari(['validate', file]);
    expect(validated).toEqual({ code: 0, stdout: 'OK: 1 Kanari object valid\n', stderr: '' });
  }, CLI_TEST_TIMEOUT);

  test('convert names each Flagger field it drops, reads stdin, and its output validates', async () => {
    const { readFileSync } = await import('node:fs');
    const converted = await kanari(['convert', '-'], readFileSync(join(fixtures, 'podinfo-templates.yaml'), 'utf8'));
    expect(converted.code).toBe(0);
    expect(converted.stderr.trim().split('\n')).toEqual([
      'AlertProvider/rocket: spec.type: rocket is not supported (slack, msteams, discord, googlechat, webhook): not converted',
      'AlertProvider/chat: spec.type: gchat → googlechat',
      'Canary/podinfo: spec.provider: linkerd → smi with mesh: linkerd (linkerd routes with SMI TrafficSplit; mesh selects its metric names)',
      'Canary/podinfo: spec.service.gatewayRefs: Gateway API only: Kanari routes with SMI TrafficSplit',
      'Canary/podinfo: spec.service.gateways: Istio-only: not used with SMI TrafficSplit',
      'Canary/podinfo: spec.analysis.mirror: traffic mirroring is not expressible with SMI TrafficSplit',
      'Canary/podinfo: spec.analysis.metrics[1].query: inline queries are not supported: metric "404s percentage" dropped; move the query to a MetricTemplate and set templateRef',
    ]);
    expect(parseAllDocuments(converted.stdout).map((d) => d.toJS().kind)).toEqual(['MetricTemplate', 'AlertProvider', 'Canary']);
    const validated = await kanari(['validate', '-'], converted.stdout);
    expect(validated).toEqual({ code: 0, stdout: 'OK: 3 Kanari objects valid\n', stderr: '' });
  }, CLI_TEST_TIMEOUT);

  test('convert exits non-zero when nothing could be converted', async () => {
    const result = await kanari(['convert', '-'], 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: ds}\nspec:\n  targetRef: {kind: DaemonSet, name: ds}\n');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Canary/ds: spec.targetRef.kind: DaemonSet targets are not supported (Deployment only): not converted');
    expect(result.stderr).toContain('nothing converted');
  }, CLI_TEST_TIMEOUT);

  test('validate prints file: Kind/name: path: message per problem, skips other kinds, exits 1', async () => {
    const file = join(workDir, 'broken.yaml');
    const badYaml = join(workDir, 'bad.yaml');
    const missing = join(workDir, 'missing.yaml');
    writeFileSync(badYaml, 'kind: [unclosed\n');
    writeFileSync(
      file,
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}',
        'apiVersion: kanari.dev/v1alpha1\nkind: Canary\nmetadata: {name: web}\nspec:\n  targetRef: {name: web}\n  service: {port: 80}\n  analysis:\n    stepWeights: [10, 5]\n    webhooks: [{name: gate, url: "gate.internal/token-abc"}]',
        'apiVersion: kanari.dev/v1alpha1\nkind: AlertProvider\nmetadata: {name: slack}\nspec: {type: slack}',
      ].join('\n---\n'),
    );
    // One run for all cases: each start of the CLI costs a second or more of CPU on a busy machine.
    const result = await kanari(['validate', file, badYaml, missing]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[3].startsWith(`${badYaml}: document 1: not valid YAML: `)).toBe(true);
    expect(lines[4]).toBe(`${missing}: cannot read: ENOENT`);
    expect(lines.slice(0, 3)).toEqual([
      `${file}: Canary/web: spec.analysis.stepWeights[1]: must be greater than the step before it (10): steps must be strictly ascending`,
      `${file}: Canary/web: spec.analysis.webhooks[0].url: must be an absolute http:// or https:// URL`,
      `${file}: AlertProvider/slack: spec: must set address or secretRef (a Secret with the key "address")`,
    ]);
    expect(result.stdout).not.toContain('token-abc');
    expect(result.stderr).toBe(`${file}: ConfigMap/settings: skipped, not a Kanari object (apiVersion v1)\n`);
  }, CLI_TEST_TIMEOUT);
  test('validate refuses compare on a MetricTemplate that returns a value instead of counts, saying why', async () => {
    const file = join(workDir, 'compare.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: kanari.dev/v1alpha1\nkind: MetricTemplate\nmetadata: {name: error-rate, namespace: shop}\nspec:\n  provider: {type: prometheus, address: "http://prometheus:9090"}\n  query: sum(rate(errors{deployment="{{ target }}"}[{{ interval }}]))',
        'apiVersion: kanari.dev/v1alpha1\nkind: MetricTemplate\nmetadata: {name: errors, namespace: shop}\nspec:\n  provider: {type: prometheus, address: "http://prometheus:9090"}\n  query: sum(rate(errors{deployment="{{ target }}"}[{{ interval }}]))\n  counts:\n    requests: sum(requests_total{deployment="{{ workload }}"})\n    failures: sum(errors_total{deployment="{{ workload }}"})',
        'apiVersion: kanari.dev/v1alpha1\nkind: Canary\nmetadata: {name: web, namespace: shop}\nspec:\n  targetRef: {name: web}\n  service: {port: 80}\n  analysis:\n    stepWeight: 10\n    metrics:\n    - {name: rate, templateRef: {name: error-rate}, compare: {maxIncrease: 20%}}\n    - {name: counted, templateRef: {name: errors}, compare: {maxIncrease: 20%}}',
      ].join('\n---\n'),
    );
    const result = await kanari(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${file}: Canary/web: spec.analysis.metrics[0].compare: cannot be used with MetricTemplate shop/error-rate: it returns a value, not counts, and a rate cannot be judged against the primary: add spec.counts.requests and spec.counts.failures (cumulative counters of {{ workload }}) to the template`,
    ]);
  }, CLI_TEST_TIMEOUT);
});
