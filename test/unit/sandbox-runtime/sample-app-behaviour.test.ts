import { behaviourFromEnv, planResponse } from '../../../src/sandbox/sample-app/sample-app-behaviour.ts';

// Failures spread evenly (ERROR_PATTERN=even) fail every window of requests at the rate to within one
// request: the playground's judge scenarios need a 0.9 % canary to pass a 99 % threshold every time.
test('ERROR_PATTERN=even fails every 1/ERROR_RATE-th request, whatever the draws', () => {
  const behaviour = behaviourFromEnv([{ name: 'ERROR_RATE', value: '0.009' }, { name: 'ERROR_PATTERN', value: 'even' }]);
  expect(behaviour.errorPattern).toBe('even');
  const fails = Array.from({ length: 10_000 }, (_, i) => planResponse(behaviour, 0, 0.5, i).fail);
  expect(fails.filter(Boolean).length).toBe(90);
  for (let start = 0; start + 500 <= fails.length; start += 37) {
    const inWindow = fails.slice(start, start + 500).filter(Boolean).length;
    expect(inWindow === 4 || inWindow === 5).toBe(true);
  }
});

test('by default failures are drawn at random, and an unknown pattern is the default', () => {
  const behaviour = behaviourFromEnv([{ name: 'ERROR_RATE', value: '0.5' }, { name: 'ERROR_PATTERN', value: 'bursty' }]);
  expect(behaviour.errorPattern).toBe('random');
  expect(planResponse(behaviour, 0.4, 0.5, 1).fail).toBe(true);
  expect(planResponse(behaviour, 0.6, 0.5, 1).fail).toBe(false);
});
