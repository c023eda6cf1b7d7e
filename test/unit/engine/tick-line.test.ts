import type { CanaryPhase } from '../../../src/api/canary-status.ts';
import { FakeClock } from '../../../src/time/clock.ts';
import { Scheduler } from '../../../src/engine/scheduler.ts';
import { Arrivals, TickLine, type TickPlace } from '../../../src/engine/tick-line.ts';
import { KeyedWorkQueue } from '../../../src/kube/work-queue.ts';

const takeAll = (line: TickLine) => {
  const taken: string[] = [];
  for (let key = line.take(); key !== undefined; key = line.take()) taken.push(key);
  return taken;
};

describe('TickLine', () => {
  it('serves due ticks first, earliest due first, then arrivals in order of arrival, then resyncs', () => {
    const line = new TickLine();
    line.add('idle-late', { resync: 500 });
    line.add('new-1', { arrived: 1 });
    line.add('late', { due: 2000 });
    line.add('idle-early', { resync: 100 });
    line.add('new-0', { arrived: 0 });
    line.add('early', { due: 1000 });
    expect(line.size).toBe(6);
    expect(takeAll(line)).toEqual(['early', 'late', 'new-0', 'new-1', 'idle-early', 'idle-late']);
  });

  it('moves a waiting key up, never down', () => {
    const line = new TickLine();
    line.add('a', { arrived: 5 });
    line.add('b', { arrived: 3 });
    line.add('a', { arrived: 1 });
    line.add('b', { arrived: 9 });
    expect(takeAll(line)).toEqual(['a', 'b']);
    line.add('c', { arrived: 0 });
    line.add('d', { arrived: 1 });
    line.add('d', { due: 50 });
    line.add('d', { arrived: 0 });
    expect(line.size).toBe(2);
    expect(takeAll(line)).toEqual(['d', 'c']);
    line.add('e', { resync: 0 });
    line.add('f', { arrived: 9 });
    line.add('f', { resync: 0 });
    line.add('e', { arrived: 10 });
    expect(takeAll(line)).toEqual(['f', 'e']);
  });

  it('tells the sooner of two places', () => {
    const line = new TickLine();
    expect(line.sooner({ arrived: 1 }, { due: 99 })).toEqual({ due: 99 });
    expect(line.sooner({ due: 5 }, { due: 3 })).toEqual({ due: 3 });
    expect(line.sooner({ arrived: 4 }, { arrived: 2 })).toEqual({ arrived: 2 });
    expect(line.sooner({ resync: 1 }, { arrived: 50 })).toEqual({ arrived: 50 });
    expect(line.sooner({ due: 7 }, { resync: 1 })).toEqual({ due: 7 });
  });
});

describe('Arrivals', () => {
  it('keeps a Canary its place while its work is in progress and gives a new one after', () => {
    const arrivals = new Arrivals();
    expect(arrivals.placeOf('a')).toEqual({ arrived: 0 });
    expect(arrivals.placeOf('b')).toEqual({ arrived: 1 });
    arrivals.settle('a', 'Initializing');
    expect(arrivals.placeOf('a')).toEqual({ arrived: 0 });
    arrivals.settle('a', 'Initialized');
    expect(arrivals.placeOf('a')).toEqual({ arrived: 2 });
    arrivals.forget('b');
    expect(arrivals.size).toBe(1);
  });
});

/** Lets promise callbacks and setImmediate callbacks run; no wall-clock time passes. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the controller queue ordered by a TickLine', () => {
  it('finishes the first of a thousand new Canaries after a few ticks, not after every first tick', async () => {
    const arrivals = new Arrivals();
    const phase = new Map<string, CanaryPhase>();
    const initialized: string[] = [];
    let ticks = 0;
    let ticksBeforeFirst: number | undefined;
    const queue: KeyedWorkQueue<TickPlace> = new KeyedWorkQueue<TickPlace>({
      line: new TickLine(),
      concurrency: 4,
      // Initialization takes two ticks: the first creates the primary, whose readiness (a watch event,
      // a moment later) asks for the second.
      handler: async (key) => {
        ticks++;
        await flush(); // a tick waits on I/O: other events get their turn meanwhile
        if (!phase.has(key)) {
          phase.set(key, 'Initializing');
          setImmediate(() => queue.add(key, arrivals.placeOf(key)));
        } else {
          phase.set(key, 'Initialized');
          initialized.push(key);
          ticksBeforeFirst ??= ticks;
        }
        arrivals.settle(key, phase.get(key));
      },
    });
    const keys = Array.from({ length: 1000 }, (_, i) => `ns/app-${String(i).padStart(4, '0')}`);
    for (const key of keys) queue.add(key, arrivals.placeOf(key));
    while (initialized.length < keys.length) await flush();
    expect(ticksBeforeFirst).toBeLessThan(20);
    expect(initialized).toEqual(keys);
    expect(arrivals.size).toBe(0);
  });

  it('runs analyses that fall due ahead of a burst of new revisions, and idle resyncs after it', async () => {
    const clock = new FakeClock(0);
    const started: string[] = [];
    const finish: (() => void)[] = [];
    const queue = new KeyedWorkQueue<TickPlace>({
      line: new TickLine(),
      concurrency: 2,
      handler: (key) => {
        started.push(key);
        return new Promise<void>((resolve) => finish.push(resolve));
      },
    });
    const idle = Array.from({ length: 10 }, (_, i) => `ns/idle-${i}`);
    // As the controller does: a settled Canary's timer is a resync, a running one's a due tick.
    const scheduler = new Scheduler(clock, (key, due) => queue.add(key, idle.includes(key) ? { resync: due } : { due }));
    const burst = Array.from({ length: 20 }, (_, i) => `ns/new-${i}`);
    burst.forEach((key, arrived) => queue.add(key, { arrived }));
    const running = Array.from({ length: 10 }, (_, i) => `ns/running-${i}`);
    for (const key of [...idle, ...running]) scheduler.schedule(key, 10_000);
    const release = async (n: number) => {
      for (const resolve of finish.splice(0, n)) resolve();
      await flush();
    };
    await release(2);
    expect(started).toEqual(burst.slice(0, 4));
    clock.advance(10_000);
    while (started.length < 14) await release(2);
    // Due at the same instant: in no promised order among themselves.
    expect(started.slice(4, 14).sort()).toEqual(running);
    while (started.length < 40) await release(2);
    expect(started.slice(14, 30)).toEqual(burst.slice(4));
    expect(started.slice(30).sort()).toEqual(idle);
    scheduler.stop();
    const stopped = queue.stop();
    while (finish.length > 0) await release(finish.length);
    await stopped;
  });

  it('re-runs a key asked for while it runs at the soonest place it was asked for', async () => {
    const started: string[] = [];
    const finish: (() => void)[] = [];
    const queue = new KeyedWorkQueue<TickPlace>({
      line: new TickLine(),
      concurrency: 1,
      handler: (key) => {
        started.push(key);
        return new Promise<void>((resolve) => finish.push(resolve));
      },
    });
    queue.add('busy', { arrived: 0 });
    queue.add('waiting', { arrived: 1 });
    queue.add('busy', { arrived: 7 });
    queue.add('busy', { due: 5 });
    for (let i = 0; i < 3; i++) {
      finish.shift()?.();
      await flush();
    }
    expect(started).toEqual(['busy', 'busy', 'waiting']);
  });
});
