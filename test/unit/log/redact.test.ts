import { PassThrough } from 'node:stream';
import { createRedactingStream, redactSecrets, redactUrl } from '../../../src/log/redact.ts';

describe('redactSecrets', () => {
  test('a Slack hook keeps its host and loses the path that is the credential', () => {
    const text = 'POST https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX failed: 404';
    expect(redactSecrets(text)).toBe('POST https://hooks.slack.com/services/[redacted] failed: 404');
  });

  test('Discord, Teams and Google Chat hook addresses keep only their host and fixed prefix', () => {
    expect(redactUrl('https://discord.com/api/webhooks/123456/abcDEF-token')).toBe('https://discord.com/api/webhooks/[redacted]');
    expect(redactUrl('https://acme.webhook.office.com/webhookb2/guid@guid/IncomingWebhook/abc/def')).toBe(
      'https://acme.webhook.office.com/webhookb2/[redacted]',
    );
    expect(
      redactUrl('https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s3cr3t'),
    ).toBe('https://prod-01.westeurope.logic.azure.com/workflows/[redacted]?api-version=2016-06-01&sig=[redacted]');
    expect(redactUrl('https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k3y&token=t0k')).toBe(
      'https://chat.googleapis.com/v1/spaces/[redacted]?key=[redacted]&token=[redacted]',
    );
  });

  test('userinfo of any URL is removed, the host stays', () => {
    const out = redactSecrets('connect ECONNREFUSED for http://deploy:hunter2@hooks.example.com:8080/gate');
    expect(out).toBe('connect ECONNREFUSED for http://[redacted]@hooks.example.com:8080/gate');
    expect(out).not.toContain('hunter2');
  });

  test('secret query values are removed, others are kept', () => {
    expect(redactUrl('https://x.example/hook?team=web&token=abc&api_key=def&Signature=ghi')).toBe(
      'https://x.example/hook?team=web&token=[redacted]&api_key=[redacted]&Signature=[redacted]',
    );
  });

  test('a long token-like path segment on an unknown host is removed, ordinary segments are not', () => {
    expect(redactUrl('https://hooks.example.com/v1/canary/9f8e7d6c5b4a39281706f5e4d3c2b1a0')).toBe(
      'https://hooks.example.com/v1/canary/[redacted]',
    );
    expect(redactUrl('http://flagger-loadtester.test/gate/approve')).toBe('http://flagger-loadtester.test/gate/approve');
  });

  test('punctuation after a URL in a sentence survives', () => {
    expect(redactSecrets('sent to (https://hooks.slack.com/services/T/B/C).')).toBe('sent to (https://hooks.slack.com/services/[redacted]).');
  });

  test('known secret values vanish wherever they appear, also URL-encoded', () => {
    const secret = 'p@ss word/1';
    const out = redactSecrets(`auth failed for ${secret} and ${encodeURIComponent(secret)}`, [secret]);
    expect(out).toBe('auth failed for [redacted] and [redacted]');
  });

  test('Slack tokens, bearer headers and token= in plain text are removed', () => {
    expect(redactSecrets('xoxb-1234-5678-abcdef used')).toBe('[redacted] used');
    expect(redactSecrets('Authorization: Bearer eyJhbGci.x.y')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('token=abc123 password: "xyz"')).toBe('token=[redacted] password: "[redacted]"');
  });

  test('redacting twice changes nothing more', () => {
    const once = redactSecrets('GET https://hooks.slack.com/services/T/B/C and http://u:p@h.example/x?token=t failed');
    expect(redactSecrets(redactSecrets(once))).toBe(once);
    expect(once).toBe('GET https://hooks.slack.com/services/[redacted] and http://[redacted]@h.example/x?token=[redacted] failed');
  });

  test('text without credentials is unchanged', () => {
    const text = 'Rolled back podinfo.test: request-success-rate 91.2% < 99 (see http://grafana.local/d/canary)';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('createRedactingStream', () => {
  test('redacts every line written through it', async () => {
    const sink = new PassThrough();
    const chunks: string[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c.toString()));
    const stream = createRedactingStream(sink, () => ['s3cret-value']);
    stream.write('{"msg":"to https://u:p@h.example/x with s3cret-value"}\n');
    await new Promise((resolve) => stream.end(resolve));
    expect(chunks.join('')).toBe('{"msg":"to https://[redacted]@h.example/x with [redacted]"}\n');
  });
});
