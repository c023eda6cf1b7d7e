import {
  MANUAL_REQUEST_ANNOTATIONS,
  isManualRequestKind,
  manualRequestsFromAnnotations,
  parseRequestValue,
  requestAnnotation,
} from '../../../src/api/annotations.ts';

describe('manual request annotations', () => {
  test('one kanari.dev/ key per request kind', () => {
    expect(MANUAL_REQUEST_ANNOTATIONS).toEqual({
      promote: 'kanari.dev/promote',
      'promote-full': 'kanari.dev/promote-full',
      abort: 'kanari.dev/abort',
      pause: 'kanari.dev/pause',
      resume: 'kanari.dev/resume',
      retry: 'kanari.dev/retry',
    });
  });

  test('the CLI writes who@RFC3339 at second precision', () => {
    expect(requestAnnotation('promote', 'alice', Date.parse('2026-11-24T07:05:00.123Z'))).toEqual([
      'kanari.dev/promote',
      'alice@2026-11-24T07:05:00Z',
    ]);
    expect(requestAnnotation('promote-full', '  ', new Date('2026-11-24T07:05:00Z'))).toEqual([
      'kanari.dev/promote-full',
      'unknown@2026-11-24T07:05:00Z',
    ]);
  });

  test('what the CLI writes reads back as the same request', () => {
    const [key, value] = requestAnnotation('abort', 'alice', Date.parse('2026-11-24T07:05:00Z'));
    expect(manualRequestsFromAnnotations({ [key]: value })).toEqual([
      { kind: 'abort', requestedBy: 'alice', id: 'alice@2026-11-24T07:05:00Z' },
    ]);
  });

  test('a bare name is who asked and the id', () => {
    expect(manualRequestsFromAnnotations({ 'kanari.dev/pause': 'bob' })).toEqual([{ kind: 'pause', requestedBy: 'bob', id: 'bob' }]);
  });

  test('an e-mail address stays whole, with or without a time', () => {
    expect(parseRequestValue('carol@example.org')).toEqual({ who: 'carol@example.org' });
    expect(parseRequestValue('carol@example.org@2026-11-24T07:05:00+01:00')).toEqual({
      who: 'carol@example.org',
      at: Date.parse('2026-11-24T06:05:00Z'),
    });
  });

  test('something after @ that is not an RFC 3339 time is part of the name', () => {
    expect(parseRequestValue('dave@tuesday')).toEqual({ who: 'dave@tuesday' });
    expect(parseRequestValue('dave@2026-11-24')).toEqual({ who: 'dave@2026-11-24' });
  });

  test('empty values, foreign keys and unknown kinds are no request', () => {
    expect(manualRequestsFromAnnotations(undefined)).toEqual([]);
    expect(manualRequestsFromAnnotations({ 'kanari.dev/abort': '  ', 'kanari.dev/rollback': 'x', 'example.com/promote': 'y' })).toEqual([]);
  });

  test('timed requests come oldest first, untimed ones before them in kind order', () => {
    const requests = manualRequestsFromAnnotations({
      'kanari.dev/resume': 'alice@2026-11-24T07:10:00Z',
      'kanari.dev/pause': 'alice@2026-11-24T07:05:00Z',
      'kanari.dev/retry': 'erin',
      'kanari.dev/promote': 'frank',
    });
    expect(requests.map((r) => r.kind)).toEqual(['promote', 'retry', 'pause', 'resume']);
  });

  test('values are trimmed so a YAML block scalar does not make a new id', () => {
    expect(manualRequestsFromAnnotations({ 'kanari.dev/abort': 'alice\n' })).toEqual([{ kind: 'abort', requestedBy: 'alice', id: 'alice' }]);
  });

  test('isManualRequestKind knows the kinds', () => {
    expect(isManualRequestKind('promote-full')).toBe(true);
    expect(isManualRequestKind('rollback')).toBe(false);
  });
});
