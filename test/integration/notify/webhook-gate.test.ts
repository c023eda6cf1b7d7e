import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { callWebhook } from '../../../src/notify/webhook-gate.ts';
import { eventPayload, gatePayload, type CanaryRef } from '../../../src/notify/webhook-payload.ts';
import type { CanaryWebhook } from '../../../src/api/canary.ts';
import { failThenSucceed, startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.ts';

const canary: CanaryRef = { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: '6d5f8c7b9' };
const fast = { backoff: { baseMs: 20, maxMs: 200 } };

describe('callWebhook against a real receiver', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await startHttpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const hook = (extra: Partial<CanaryWebhook> = {}): CanaryWebhook => ({ name: 'load-test', type: 'rollout', url: `${receiver.url}/gate`, ...extra });

  test('POSTs the Flagger payload as JSON and opens the gate on 200', async () => {
    const spec = hook({ metadata: { cmd: 'hey -z 1m http://podinfo-canary.test:9898/' } });
    const result = await callWebhook(spec, gatePayload(canary, spec));

    expect(result).toEqual({ ok: true, status: 200 });
    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.target).toBe('/gate');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request.body)).toEqual({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      checksum: '6d5f8c7b9',
      metadata: { cmd: 'hey -z 1m http://podinfo-canary.test:9898/' },
    });
  });

  test('an event hook carries message, type and a Unix-millisecond timestamp string in metadata, which its own metadata cannot overwrite', async () => {
    const spec = hook({ type: 'event', metadata: { team: 'web', eventType: 'spoofed' } });
    const now = new Date('2026-05-01T12:00:00.123Z');
    await callWebhook(spec, eventPayload(canary, { message: 'Advance podinfo.test canary weight 10', type: 'Normal' }, now, spec));

    const body = JSON.parse(receiver.requests[0].body);
    expect(body.metadata).toEqual({
      team: 'web',
      eventMessage: 'Advance podinfo.test canary weight 10',
      eventType: 'Normal',
      timestamp: '1777636800123',
    });
  });

  test.each([201, 202])('%i opens the gate', async (status) => {
    receiver.script({ status });
    expect(await callWebhook(hook(), gatePayload(canary, {}))).toEqual({ ok: true, status });
  });

  test('203 and 4xx close the gate with the body as the reason and are not retried', async () => {
    receiver.script({ status: 403, body: 'approval pending: ask #release' });
    const result = await callWebhook(hook({ retries: 3 }), gatePayload(canary, {}), fast);
    expect(result).toEqual({ ok: false, status: 403, reason: 'webhook load-test answered 403: approval pending: ask #release' });
    expect(receiver.requests).toHaveLength(1);

    receiver.script({ status: 203, body: '' });
    expect(await callWebhook(hook(), gatePayload(canary, {}), fast)).toEqual({ ok: false, status: 203, reason: 'webhook load-test answered 203' });
  });

  test.each([500, 503, 429])('%i is retried with doubling backoff until it succeeds', async (status) => {
    receiver.script(...failThenSucceed(2, status));
    const result = await callWebhook(hook({ retries: 3 }), gatePayload(canary, {}), fast);

    expect(result).toEqual({ ok: true, status: 200 });
    const times = receiver.requests.map((r) => r.receivedAt);
    expect(times).toHaveLength(3);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(18); // first retry after ~20 ms
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(38); // second after ~40 ms
  });

  test('501 is not retried', async () => {
    receiver.script({ status: 501, body: 'not implemented' });
    const result = await callWebhook(hook({ retries: 3 }), gatePayload(canary, {}), fast);
    expect(result).toMatchObject({ ok: false, status: 501 });
    expect(receiver.requests).toHaveLength(1);
  });

  test('without retries a 500 fails at once; with retries exhausted the reason says how many were made', async () => {
    receiver.script({ status: 500, body: 'boom' });
    expect(await callWebhook(hook(), gatePayload(canary, {}), fast)).toEqual({ ok: false, status: 500, reason: 'webhook load-test answered 500: boom' });
    expect(receiver.requests).toHaveLength(1);

    const result = await callWebhook(hook({ retries: 2 }), gatePayload(canary, {}), fast);
    expect(result).toEqual({ ok: false, status: 500, reason: 'webhook load-test answered 500 after 2 retries: boom' });
    expect(receiver.requests).toHaveLength(4);
  });

  test('a receiver that never answers ends at the hook timeout', async () => {
    receiver.script({ neverAnswer: true });
    const started = performance.now();
    const result = await callWebhook(hook({ timeout: '300ms' }), gatePayload(canary, {}));

    // Without a deadline the call would hang until Jest gives up; with one it ends after it, never before.
    expect(result).toEqual({ ok: false, reason: 'webhook load-test: no answer within 300ms' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('a slow answer within the timeout opens the gate', async () => {
    receiver.script({ status: 200, delayMs: 150 });
    expect(await callWebhook(hook({ timeout: '30s' }), gatePayload(canary, {}))).toEqual({ ok: true, status: 200 });
  });

  test('a timeout longer than a timer can hold (the longest duration, 2562047h) still waits for the answer', async () => {
    receiver.script({ status: 200, delayMs: 150 });
    expect(await callWebhook(hook({ timeout: '2562047h' }), gatePayload(canary, {}))).toEqual({ ok: true, status: 200 });
  });

  test('a huge error body is cut, not buffered whole', async () => {
    const total = 200 * 1024 * 1024;
    receiver.script({ status: 500, hugeBodyBytes: total });
    const result = await callWebhook(hook(), gatePayload(canary, {}));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(`webhook load-test answered 500: ${'x'.repeat(200)}…(truncated)`);
    // Socket buffers absorb a few MiB at most; the client hung up long before 200 MiB.
    await new Promise((resolve) => setImmediate(resolve));
    expect(receiver.hugeBytesSent()).toBeLessThan(32 * 1024 * 1024);
  });

  test('the reason is redacted: no Slack token, no password from a URL in the body', async () => {
    receiver.script({
      status: 502,
      body: 'upstream https://hooks.slack.com/services/T0AAA/B0BBB/SlackSecret123 and http://deploy:hunter22@gate.internal/x failed',
    });
    const result = await callWebhook(hook(), gatePayload(canary, {}));
    expect(result).toEqual({
      ok: false,
      status: 502,
      reason: 'webhook load-test answered 502: upstream https://hooks.slack.com/services/[redacted] and http://[redacted]@gate.internal/x failed',
    });
  });

  test('the password of the hook URL itself is redacted when the receiver echoes it', async () => {
    receiver.script({ status: 401, body: 'bad credentials for deploy / s3cretPass' });
    const url = `http://deploy:s3cretPass@127.0.0.1:${receiver.port}/gate`;
    const result = await callWebhook({ name: 'gate', url }, gatePayload(canary, {}));
    expect(JSON.stringify(result)).not.toContain('s3cretPass');
    expect(receiver.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('deploy:s3cretPass').toString('base64')}`);
  });

  test('a slow hook does not delay another called at the same time', async () => {
    let answerSlow: () => void = () => undefined;
    const slow = await startHttpReceiver({ status: 200, until: new Promise<void>((resolve) => (answerSlow = resolve)) });
    try {
      let slowDone = false;
      // A deadline beyond Jest's own, so only the test decides when the slow call ends.
      const slowCall = callWebhook({ name: 'slow', url: slow.url, timeout: '10m' }, gatePayload(canary, {})).finally(() => (slowDone = true));
      await slow.waitForRequests(1);
      // The slow receiver holds its request unanswered while the other hook is called and answers.
      expect(await callWebhook(hook(), gatePayload({ ...canary, name: 'other' }, {}))).toEqual({ ok: true, status: 200 });
      expect(slowDone).toBe(false);

      answerSlow();
      expect(await slowCall).toEqual({ ok: true, status: 200 });
    } finally {
      await slow.close();
    }
  });
});

describe('callWebhook without a receiver', () => {
  test('a refused connection is retried and reported without the URL path', async () => {
    const port = await closedPort();
    const started = performance.now();
    const result = await callWebhook(
      { name: 'gate', url: `http://user:pw1234@127.0.0.1:${port}/hooks/abc`, retries: 2 },
      gatePayload({ name: 'a', namespace: 'b', phase: 'Progressing', checksum: 'c' }, {}),
      { backoff: { baseMs: 30, maxMs: 100 } },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/^webhook gate, after 2 retries: .*ECONNREFUSED/);
    expect(result.reason).not.toContain('pw1234');
    expect(performance.now() - started).toBeGreaterThanOrEqual(85); // 30 + 60 ms of backoff
  });

  test('a timeout that is not a duration and a URL that is not http fail with a clear reason', async () => {
    const payload = gatePayload({ name: 'a', namespace: 'b', phase: 'Progressing', checksum: 'c' }, {});
    expect(await callWebhook({ name: 'g', url: 'http://127.0.0.1:1/', timeout: 'soon' }, payload)).toEqual({
      ok: false,
      reason: 'webhook g: timeout "soon" is not a positive duration such as 30s',
    });
    expect(await callWebhook({ name: 'g', url: 'ftp://x:secretpw@host/p' }, payload)).toEqual({
      ok: false,
      reason: 'webhook g: ftp://[redacted]@host/p is not an http(s) URL',
    });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
