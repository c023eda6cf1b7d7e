import { formatMilliQuantity, formatQuantity, parseQuantity, QuantityError, tryParseQuantity } from '../../../src/metrics/quantity.ts';

describe('parseQuantity', () => {
  test.each([
    ['296875m', 296.875],
    ['73492m', 73.492],
    ['0', 0],
    ['90', 90],
    ['1.5k', 1500],
    ['2Ki', 2048],
    ['1Mi', 1048576],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['500m', 0.5],
    ['100u', 0.0001],
    ['5n', 5e-9],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2.5e-3', 0.0025],
    ['1E', 1e18],
    ['-9223372036854775808m', -9223372036854775808 / 1000],
    ['+7', 7],
    ['.5', 0.5],
    ['3.', 3],
  ])('%s is %d', (text, expected) => {
    expect(parseQuantity(text)).toBeCloseTo(expected, 9);
  });

  test.each(['', 'abc', '1.2.3', '5mi', '1KB', '--1', 'NaN', '1e', '12 m'])('%j is rejected with the accepted forms', (text) => {
    expect(() => parseQuantity(text)).toThrow(QuantityError);
    expect(() => parseQuantity(text)).toThrow(/e\.g\. 90, 500m/);
    expect(tryParseQuantity(text)).toBeUndefined();
  });

  test('numbers pass through and non-finite numbers are refused', () => {
    expect(parseQuantity(42)).toBe(42);
    expect(() => parseQuantity(Number.NaN)).toThrow(QuantityError);
    expect(tryParseQuantity(null)).toBeUndefined();
  });
});

describe('formatQuantity (canonical DecimalSI)', () => {
  test.each([
    [296.875, '296875m'],
    [268.75, '268750m'],
    [90, '90'],
    [10, '10'],
    [0, '0'],
    [100, '100'],
    [1000, '1k'],
    [1500, '1500'],
    [1.5, '1500m'],
    [0.5, '500m'],
    [73.492, '73492m'],
    [2e6, '2M'],
    [0.0001, '100u'],
    [1e-9, '1n'],
    [1.5e-10, '1n'],
    [-2.5, '-2500m'],
    [3e21, '3000E'],
  ])('%d is "%s"', (value, expected) => {
    expect(formatQuantity(value)).toBe(expected);
  });

  test('every formatted value parses back to itself', () => {
    for (const value of [0.001, 1.234, 12.5, 99.999, 33.333, 1024, 123456.789]) expect(parseQuantity(formatQuantity(value))).toBeCloseTo(value, 9);
  });

  test('refuses NaN and infinities', () => {
    expect(() => formatQuantity(Number.NaN)).toThrow(QuantityError);
    expect(() => formatQuantity(Infinity)).toThrow(QuantityError);
  });
});

describe('formatMilliQuantity (smi-metrics NewMilliQuantity)', () => {
  test.each([
    [296875n, '296875m'],
    [90000n, '90'],
    [0n, '0'],
    [1000000n, '1k'],
    [-9223372036854775808n, '-9223372036854775808m'],
  ])('%d millis is "%s"', (millis, expected) => {
    expect(formatMilliQuantity(millis)).toBe(expected);
  });
});
