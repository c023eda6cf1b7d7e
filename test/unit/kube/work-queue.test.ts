import { KeyedWorkQueue } from '../../../src/kube/work-queue.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('keyed work queue', () => {
  it('tells whether a key waits, runs, or is to run again', async () => {
    const gates = [deferred(), deferred()];
    let run = 0;
    const queue = new KeyedWorkQueue({ concurrency: 1, handler: (key) => (key === 'a' ? gates[run++].promise : Promise.resolve()) });
    queue.add('a');
    queue.add('b');
    expect([queue.busy('a'), queue.busy('b'), queue.busy('c')]).toEqual([true, true, false]);
    queue.add('a'); // asked again while it runs
    gates[0].resolve();
    await new Promise((r) => setImmediate(r));
    expect(queue.busy('a')).toBe(true);
    gates[1].resolve();
    await queue.idle();
    expect([queue.busy('a'), queue.busy('b')]).toEqual([false, false]);
  });

  it('never runs one key twice at once and coalesces a burst into one more run', async () => {
    const runs: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const gate = deferred();
    const queue = new KeyedWorkQueue({
      handler: async (key) => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        runs.push(key);
        if (runs.length === 1) await gate.promise;
        concurrent--;
      },
    });
    queue.add('a');
    for (let i = 0; i < 10; i++) queue.add('a');
    gate.resolve();
    await queue.idle();
    expect(runs).toEqual(['a', 'a']);
    expect(maxConcurrent).toBe(1);
  });

  it('runs different keys concurrently up to the limit', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const queue = new KeyedWorkQueue({
      concurrency: 2,
      handler: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setImmediate(r));
        concurrent--;
      },
    });
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    await queue.idle();
    expect(maxConcurrent).toBe(2);
  });

  it('reports handler errors and keeps going', async () => {
    const errors: string[] = [];
    const done: string[] = [];
    const queue = new KeyedWorkQueue({
      handler: async (key) => {
        if (key === 'bad') throw new Error('boom');
        done.push(key);
      },
      onError: (key, err) => errors.push(`${key}: ${(err as Error).message}`),
    });
    queue.add('bad');
    queue.add('good');
    await queue.idle();
    expect(errors).toEqual(['bad: boom']);
    expect(done).toEqual(['good']);
  });
});
