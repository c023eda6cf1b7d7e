import { MetricsError } from '../../../src/metrics/metrics-error.ts';
import { MetricTemplateError, renderMetricQuery, runMetricTemplate, type MetricTemplateLike } from '../../../src/metrics/metric-template.ts';
import { staticSecretReader } from '../../../src/kube/secret-reader.ts';

const template = (query: string, provider: MetricTemplateLike['spec']['provider'] = { type: 'prometheus', address: 'http://127.0.0.1:1' }): MetricTemplateLike => ({
  metadata: { name: 'not-found-percentage', namespace: 'monitoring' },
  spec: { provider, query },
});

const variables = { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo-svc', interval: '1m', variables: { region: 'eu-west-1' } };

test('renders every Flagger variable', () => {
  const query = renderMetricQuery(
    template('sum(rate(requests{ns="{{ namespace }}", canary="{{name}}", app="{{ target }}", svc="{{ service }}", region="{{ variables.region }}"}[{{ interval }}]))'),
    variables,
  );
  expect(query).toBe('sum(rate(requests{ns="test", canary="podinfo", app="podinfo", svc="podinfo-svc", region="eu-west-1"}[1m]))');
});

test('an unknown variable is an error naming it, before any provider is contacted', async () => {
  const broken = template('rate(x{app="{{ targt }}"}[{{ interval }}])');
  expect(() => renderMetricQuery(broken, variables)).toThrow(MetricTemplateError);
  expect(() => renderMetricQuery(broken, variables)).toThrow(/monitoring\/not-found-percentage.*"targt"/);
  await expect(runMetricTemplate(broken, variables, {})).rejects.toMatchObject({ variable: 'targt', reason: 'QueryFailed' });
});

test('an undeclared templateVariable is named with its prefix', () => {
  expect(() => renderMetricQuery(template('x{{ variables.zone }}'), variables)).toThrow(/"variables\.zone"/);
});

test('an unknown provider type is an InvalidProvider error', async () => {
  // The schema's enum forbids it, but the informer cache holds objects as the cluster stored them.
  const datadog = { type: 'datadog', address: 'https://api.datadoghq.com' } as unknown as MetricTemplateLike['spec']['provider'];
  const bad = template('up', datadog);
  await expect(runMetricTemplate(bad, variables, {})).rejects.toMatchObject({ reason: 'InvalidProvider', message: expect.stringMatching(/"datadog".*prometheus, smi/) });
});

test('a secret without usable keys is named, its values are not', async () => {
  const withSecret = template('up', { type: 'prometheus', address: 'http://127.0.0.1:1', secretRef: { name: 'prom-auth' } });
  const reader = staticSecretReader({ 'monitoring/prom-auth': { user: 'admin', pass: 's3cret-value' } });
  const error = await runMetricTemplate(withSecret, variables, { secretReader: reader }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MetricsError);
  expect((error as Error).message).toMatch(/monitoring\/prom-auth.*"token".*"username" and "password"/);
  expect((error as Error).message).not.toContain('s3cret-value');
});

test('a missing secret is read in the template namespace and reported', async () => {
  const withSecret = template('up', { type: 'prometheus', address: 'http://user:pw@127.0.0.1:1', secretRef: { name: 'absent' } });
  const error = (await runMetricTemplate(withSecret, variables, { secretReader: staticSecretReader({}) }).catch((e: unknown) => e)) as MetricsError;
  expect(error.reason).toBe('InvalidProvider');
  expect(error.message).toContain('monitoring/absent');
  expect(error.message).not.toContain('pw');
});

test('an unreachable Prometheus is ProviderUnreachable naming the address without credentials', async () => {
  const unreachable = template('up', { type: 'prometheus', address: 'http://admin:hunter2@127.0.0.1:1' });
  const error = (await runMetricTemplate(unreachable, variables, {}).catch((e: unknown) => e)) as MetricsError;
  expect(error.reason).toBe('ProviderUnreachable');
  expect(error.message).toContain('http://127.0.0.1:1');
  expect(error.message).not.toContain('hunter2');
});
