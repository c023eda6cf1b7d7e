import { FakeClock } from '../../../src/time/clock.ts';
import { DueHeap } from '../../../src/engine/due-heap.ts';
import { Scheduler, nextDueTime } from '../../../src/engine/scheduler.ts';
import { makeCanary } from './world.ts';

describe('FakeClock', () => {
  test('advance fires due timers in time order, synchronously, including ones armed on the way', () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    clock.setTimer(3000, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(2000, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(2500, () => fired.push(`c@${clock.now()}`));
    });
    const cancelled = clock.setTimer(2200, () => fired.push('never'));
    cancelled.cancel();
    clock.advance(1400);
    expect(fired).toEqual(['a@2000']);
    clock.advance(10_000);
    expect(fired).toEqual(['a@2000', 'c@2500', 'b@3000']);
    expect(clock.now()).toBe(12_400);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('a timer already due when armed fires on the next turn of the event loop, once, unless advance fires it first', async () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    clock.setTimer(1000, () => fired.push('now'));
    clock.setTimer(900, () => fired.push('overdue'));
    clock.setTimer(1001, () => fired.push('later'));
    clock.setTimer(1000, () => fired.push('cancelled')).cancel();
    expect(fired).toEqual([]);
    await nextTurn();
    expect(fired).toEqual(['now', 'overdue']);
    expect(clock.now()).toBe(1000);
    expect(clock.pendingTimers()).toBe(1);

    clock.setTimer(1000, () => fired.push('advanced'));
    clock.advance(0);
    await nextTurn();
    expect(fired).toEqual(['now', 'overdue', 'advanced']);
    clock.advance(1);
    expect(fired).toEqual(['now', 'overdue', 'advanced', 'later']);
  });
});

describe('DueHeap', () => {
  test('keeps the earliest on top through inserts, moves and deletes', () => {
    const heap = new DueHeap();
    const due = new Map<string, number>();
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 2000; i++) {
      const key = `k${Math.floor(random() * 500)}`;
      if (random() < 0.2) {
        heap.delete(key);
        due.delete(key);
      } else {
        const at = Math.floor(random() * 1e6);
        heap.set(key, at);
        due.set(key, at);
      }
      const min = Math.min(...due.values());
      expect(heap.size).toBe(due.size);
      if (due.size > 0) expect(heap.peek()?.due).toBe(min);
    }
  });
});

describe('Scheduler', () => {
  test('fires each canary at its own due time and re-schedules from the callback', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    const scheduler: Scheduler = new Scheduler(clock, (key) => {
      fired.push(`${key}@${clock.now()}`);
      scheduler.schedule(key, clock.now() + (key === 'fast' ? 10_000 : 60_000));
    });
    scheduler.schedule('slow', 60_000);
    scheduler.schedule('fast', 10_000);
    clock.advance(60_000);
    // Keys due at the same instant fire together, in no promised order.
    expect([...fired].sort()).toEqual(['fast@10000', 'fast@20000', 'fast@30000', 'fast@40000', 'fast@50000', 'fast@60000', 'slow@60000']);
  });

  test('a due time moved to now runs a canary at once, and remove forgets it', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    const scheduler = new Scheduler(clock, (key) => fired.push(`${key}@${clock.now()}`));
    scheduler.schedule('a', 60_000);
    scheduler.schedule('b', 60_000);
    clock.advance(5_000);
    scheduler.schedule('a', clock.now());
    clock.advance(0);
    scheduler.remove('b');
    clock.advance(120_000);
    expect(fired).toEqual(['a@5000']);
    expect(scheduler.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('holds thousands of canaries with one timer', () => {
    const clock = new FakeClock(0);
    let fired = 0;
    const scheduler = new Scheduler(clock, () => fired++);
    for (let i = 0; i < 5000; i++) scheduler.schedule(`ns/c${i}`, 1000 + (i % 100) * 100);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(20_000);
    expect(fired).toBe(5000);
  });

  test('due time comes from the status, so it survives a restart', () => {
    const canary = makeCanary({ interval: '30s' });
    const now = Date.parse('2026-03-02T10:00:10Z');
    expect(nextDueTime(canary, now)).toBe(now);
    canary.status = { lastAnalysisTime: '2026-03-02T10:00:00Z' };
    expect(nextDueTime(canary, now)).toBe(Date.parse('2026-03-02T10:00:30Z'));
    expect(nextDueTime(canary, Date.parse('2026-03-02T10:05:00Z'))).toBe(Date.parse('2026-03-02T10:05:00Z'));
  });
});

describe('phase machine', () => {
  test('only the moves of the map exist', async () => {
    const { createPhaseMachine, nextPhase } = await import('../../../src/engine/machine.ts');
    const machine = createPhaseMachine();
    expect(nextPhase(machine, '', 'INITIALIZE')).toBe('Initializing');
    expect(nextPhase(machine, 'Progressing', 'PROMOTE')).toBe('Promoting');
    expect(nextPhase(machine, 'Progressing', 'START')).toBe('Progressing');
    expect(nextPhase(machine, 'Failed', 'PROMOTE')).toBeUndefined();
    expect(nextPhase(machine, 'Succeeded', 'ROLLBACK')).toBeUndefined();
    expect(nextPhase(machine, 'Terminated', 'START')).toBeUndefined();
    for (const phase of ['', 'Initialized', 'Progressing', 'Succeeded', 'Failed'] as const) expect(nextPhase(machine, phase, 'TERMINATE')).toBe('Terminating');
  });
});
