import { Duration, DurationError } from '../../../src/api/duration.ts';

describe('Duration', () => {
  test.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['2h45m', 9_900_000],
  ])('parses %s as %d ms', (text, ms) => {
    expect(Duration.parse(text).milliseconds).toBe(ms);
    expect(Duration.parse(text).toString()).toBe(text);
  });

  test.each(['', '30', 's', '-1s', '1 m', '1d', '1m 30s', '1.s'])('rejects %j', (text) => {
    expect(() => Duration.parse(text)).toThrow(DurationError);
    expect(Duration.tryParse(text)).toBeUndefined();
  });

  test('the error says what is accepted', () => {
    expect(() => Duration.parse('10')).toThrow('"10" is not a duration: use a number with a unit, e.g. 30s, 1m30s, 1h, 500ms');
  });

  test.each([
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [120_000, '2m0s'],
    [250, '250ms'],
    [0, '0s'],
    [10_000, '10s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(Duration.fromMilliseconds(ms).toString()).toBe(text);
  });
});
