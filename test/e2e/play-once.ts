import type { PlaygroundWorld } from '../../src/playground/playground-world.ts';
import { runPlayground, type PlaygroundOptions, type PlaygroundRun } from '../../src/playground/run-playground.ts';
import type { ScenarioResult } from '../../src/playground/scenario.ts';

/** One playground run shared by a suite's tests: what it returned, its world (kept), what it printed. */
export interface PlayedOnce {
  run: PlaygroundRun;
  world: PlaygroundWorld;
  printed: string;
  /** A scenario's result by name; throws when it did not run. */
  scenario(name: string): ScenarioResult;
}

/**
 * Plays the playground once before the suite's tests (its world kept for them to inspect) and stops it
 * after: starting a world costs seconds, and the scenarios build on each other as they do for a person.
 */
export function playOnce(options: Omit<PlaygroundOptions, 'keep' | 'output'>, timeoutMs = 120_000): PlayedOnce {
  const played = {
    printed: '',
    scenario(name: string): ScenarioResult {
      const found = played.run.results.find((r) => r.name === name);
      if (!found) throw new Error(`scenario ${name} did not run`);
      return found;
    },
  } as PlayedOnce;

  beforeAll(async () => {
    played.run = await runPlayground({ ...options, keep: true, output: { write: (text: string) => (played.printed += text) } });
    played.world = played.run.world as PlaygroundWorld;
  }, timeoutMs);

  afterAll(async () => {
    await played.world?.stop();
  });

  return played;
}
