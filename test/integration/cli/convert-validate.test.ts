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
    // The Canary names no provider: Flagger chose its router by flag, which convert cannot know.
    expect(converted.stderr).toBe(
      'Canary/podinfo: spec.provider: Flagger ran this Canary on the router of its -mesh-provider flag; Kanari routes it with smi (SMI TrafficSplit). Set spec.provider if your Flagger used another router (kubernetes for none)\n',
    );
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

  test('convert names each Flagger field it drops and each object it refuses, reads stdin, and its output validates', async () => {
    const { readFileSync } = await import('node:fs');
    const converted = await kanari(['convert', '-'], readFileSync(join(fixtures, 'podinfo-templates.yaml'), 'utf8'));
    // An object left behind makes the exit status 1 even though others were written.
    expect(converted.code).toBe(1);
    expect(converted.stderr.trim().split('\n')).toEqual([
      'AlertProvider/rocket: spec.type: rocket is not supported (slack, msteams, discord, googlechat, webhook): not converted',
      'AlertProvider/chat: spec.type: gchat → googlechat',
      "Canary/podinfo: spec.service.gateways: dropped: Istio gateways: Kanari's routers write no Istio VirtualService or DestinationRule. Remove them",
      'Canary/podinfo: spec.service.gatewayRefs: dropped: the Gateways of a Gateway API HTTPRoute: an SMI TrafficSplit attaches to no Gateway. Remove them, or set provider: gatewayapi',
      "Canary/podinfo: spec.analysis.mirror: dropped: traffic mirroring needs an Istio or Gateway API router; an SMI TrafficSplit cannot mirror. Remove it (a blue/green run then gives the canary only your load tests' traffic, and a canary run starts without a mirrored first step), or set provider: gatewayapi",
      'not converted (see the notes above): AlertProvider/rocket',
    ]);
    // The inline query is kept: Kanari runs it on the Canary's metricsServer, as Flagger does.
    const canary = parseAllDocuments(converted.stdout).map((d) => d.toJS()).find((o) => o.kind === 'Canary');
    expect(canary.spec.provider).toBe('linkerd');
    expect(canary.spec.analysis.metrics[1]).toMatchObject({ name: '404s percentage', query: expect.stringContaining('response_total') });
    expect(parseAllDocuments(converted.stdout).map((d) => d.toJS().kind)).toEqual(['MetricTemplate', 'AlertProvider', 'Canary']);
    const validated = await kanari(['validate', '-'], converted.stdout);
    expect(validated).toEqual({ code: 0, stdout: 'OK: 3 Kanari objects valid\n', stderr: '' });
  }, CLI_TEST_TIMEOUT);

  test("Flagger's gatewayapi Canaries convert without loss to Canaries that validate accepts", async () => {
    const converted = await kanari(['convert', join(fixtures, 'podinfo-gatewayapi.yaml')]);
    expect(converted.code).toBe(0);
    const canaries = parseAllDocuments(converted.stdout).map((d) => d.toJS());
    expect(canaries.map((c) => [c.metadata.name, c.spec.provider])).toEqual([['podinfo', 'gatewayapi:v1'], ['frontend', 'gatewayapi:v1'], ['checkout', 'gatewayapi:v1beta1'], ['backend', 'gatewayapi']]);
    expect(canaries[1].spec.analysis.sessionAffinity).toEqual({ cookieName: 'flagger-cookie', maxAge: 21600 });
    expect(canaries[2].spec.analysis.match[1]).toEqual({ queryParams: { canary: { exact: 'true' } } });
    const validated = await kanari(['validate', '-'], converted.stdout);
    expect(validated).toEqual({ code: 0, stdout: 'OK: 4 Kanari objects valid\n', stderr: '' });
  }, CLI_TEST_TIMEOUT);

  test('convert exits non-zero when nothing could be converted, and validate fails on its empty output', async () => {
    const result = await kanari(['convert', '-'], 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: kn}\nspec:\n  provider: knative\n  targetRef: {apiVersion: serving.knative.dev/v1, kind: Service, name: kn}\n  service: {port: 80}\n  analysis: {interval: 1m, threshold: 5, stepWeight: 10}\n');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Canary/kn: spec.targetRef.kind: Knative Service targets: Kanari releases Deployments and DaemonSets. Keep this workload on Flagger, or release its Deployment; not converted');
    expect(result.stderr).toContain('nothing converted');
    // `kanari convert x | kanari validate -` must not pass when nothing came through.
    const validated = await kanari(['validate', '-'], result.stdout);
    expect(validated).toEqual({ code: 1, stdout: 'no Kanari objects found: nothing was validated\n', stderr: '' });
  }, CLI_TEST_TIMEOUT);

  test('validate prints every problem of every file in one run, as file:line: Kind/name: field = value: rule, and exits 1', async () => {
    const file = join(workDir, 'broken.yaml');
    const badYaml = join(workDir, 'bad.yaml');
    const missing = join(workDir, 'missing.yaml');
    writeFileSync(badYaml, 'apiVersion: kanari.dev/v1alpha1\nkind: Canary\nmetadata:\n  name: web\nspec: [\n');
    writeFileSync(
      file,
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}',
        [
          'apiVersion: kanari.dev/v1alpha1',
          'kind: Canary',
          'metadata: {name: web}',
          'spec:',
          '  targetRef: {name: web}',
          '  service:',
          '    port: "80"',
          '  analysis:',
          '    stepWeights: [10, 5]',
          '    interval: 1 minute',
          '    webhooks: [{name: gate, url: "gate.internal/token-abc"}]',
        ].join('\n'),
        'apiVersion: kanari.dev/v1alpha1\nkind: AlertProvider\nmetadata: {name: slack}\nspec: {type: slack}',
      ].join('\n---\n'),
    );
    // One run for all cases: each start of the CLI costs a second or more of CPU on a busy machine.
    const result = await kanari(['validate', file, badYaml, missing]);
    expect(result.code).toBe(1);
    // Schema problems (a string for a number, a malformed duration) and rule problems (steps, URL) together, in file order.
    expect(result.stdout.trim().split('\n')).toEqual([
      `${file}:11: Canary/web: spec.service.port = "80": must be a whole number`,
      `${file}:13: Canary/web: spec.analysis.stepWeights[1] = 5: must be greater than the step before it (10): steps must be strictly ascending`,
      `${file}:14: Canary/web: spec.analysis.interval = "1 minute": must be a duration: a number with a unit, e.g. 30s, 1m30s, 1h, 500ms`,
      `${file}:15: Canary/web: spec.analysis.webhooks[0].url: must be an absolute http:// or https:// URL`,
      `${file}:20: AlertProvider/slack: spec: must set address or secretRef (a Secret with the key "address")`,
      // The whole sentence, with where it is and the line it is on.
      `${badYaml}:6:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      '    spec: [',
      '',
      '    ^',
      `${missing}: cannot read: no such file`,
    ]);
    expect(result.stdout).not.toContain('token-abc');
    expect(result.stderr).toBe(`${file}:1: ConfigMap/settings: skipped, not a Kanari object (apiVersion v1)\n`);
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
      `${file}:27: Canary/web: spec.analysis.metrics[0].compare: cannot be used with MetricTemplate shop/error-rate: it returns a value, not counts, and a rate cannot be judged against the primary: add spec.counts.requests and spec.counts.failures (cumulative counters of {{ workload }}) to the template`,
    ]);
  }, CLI_TEST_TIMEOUT);
});
