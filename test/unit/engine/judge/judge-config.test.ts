import { initialState, judgeConfigProblems, resolveJudgeConfig } from '../../../../src/engine/judge/index.ts';
import type { JudgeConfig } from '../../../../src/engine/judge/index.ts';

describe('the judge configuration', () => {
  it('defaults to 95 % confidence, a 20 % tolerated increase, equal weights and no early promotion', () => {
    expect(resolveJudgeConfig({ metrics: [{ name: 'a', kind: 'failures' }, { name: 'b', kind: 'latency', boundaryMs: 300 }] })).toEqual({
      confidence: 0.95,
      earlyPromotion: false,
      metrics: [
        { name: 'a', kind: 'failures', maxIncrease: 0.2, weight: 0.5 },
        { name: 'b', kind: 'latency', maxIncrease: 0.2, weight: 0.5, boundaryMs: 300 },
      ],
    });
  });

  it('names the field, the value and the rule of every problem', () => {
    const bad = {
      confidence: 95,
      metrics: [
        { name: 'a', kind: 'failures', maxIncrease: -0.1, weight: 0 },
        { name: 'a', kind: 'latency' },
        { name: 'c', kind: 'errors' },
      ],
    } as unknown as JudgeConfig;
    expect(judgeConfigProblems(bad).map((problem) => problem.message)).toEqual([
      'confidence: 95 must be above 0 and below 1 (0.95 for 95 %)',
      'metrics[0].maxIncrease: -0.1 must be between 0 and 100 (0.2 for 20 %)',
      'metrics[0].weight: 0 must be a number above 0',
      'metrics[1].name: "a" is compared twice; names must be unique',
      'metrics[1].boundaryMs: undefined must be a bucket boundary above 0 ms for a latency metric (see slowBoundary)',
      "metrics[2].kind: \"errors\" must be 'failures' or 'latency'",
    ]);
    expect(() => initialState(bad)).toThrow('confidence: 95 must be above 0 and below 1');
    expect(() => initialState({ metrics: [] })).toThrow('metrics: [] must list at least one metric to compare');
  });
});
