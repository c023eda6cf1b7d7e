import { combineObservations } from '../../../src/controller/metric-observations.ts';

describe("a metric with an inline query beside its templateRef passes only when both do, as in Flagger", () => {
  const metric = { name: 'errors', thresholdRange: { max: 1 } };
  const value = (v: number) => ({ name: 'errors', result: 'value' as const, value: v });

  test('the value that breaks the thresholds stands for the metric, whichever source it came from', () => {
    expect(combineObservations(metric, [value(0.2), value(20)])).toEqual(value(20));
    expect(combineObservations(metric, [value(20), value(0.2)])).toEqual(value(20));
    expect(combineObservations(metric, [value(0.2), value(0.5)])).toEqual(value(0.2));
  });

  test('an error or missing data from either is the metric\'s', () => {
    const error = { name: 'errors', result: 'error' as const, reason: 'down', errorReason: 'ProviderUnreachable' };
    const noData = { name: 'errors', result: 'no-data' as const, reason: 'no series' };
    expect(combineObservations(metric, [value(0.2), error])).toEqual(error);
    expect(combineObservations(metric, [noData, value(0.2)])).toEqual(noData);
    expect(combineObservations(metric, [value(0.2)])).toEqual(value(0.2));
  });

  test("the deprecated threshold bounds the pair as it bounds one (Flagger's maximum for a custom metric)", () => {
    expect(combineObservations({ name: 'errors', threshold: 1 }, [value(0.2), value(3)])).toEqual(value(3));
  });
});
