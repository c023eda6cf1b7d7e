import { setup, transition } from 'xstate';
import type { CanaryPhase } from '../api/canary-status.ts';

/**
 * The map of Flagger's phases and the events that move between them. It holds no timers and no durable
 * state: `decide` rebuilds a snapshot from `status.phase` each tick (`resolveState`) and advances it with
 * the pure `transition()`. The rules that choose an event live in decide.ts; this file only says which
 * moves exist, so an impossible one (promoting a Failed canary) is caught instead of written.
 */

export type PhaseEvent =
  | { type: 'INITIALIZE' }
  | { type: 'INITIALIZED' }
  /** A new revision whose confirm-rollout gate is closed. */
  | { type: 'AWAIT_CONFIRMATION' }
  /** A run starts (new revision, retry): weight 0, counters reset. */
  | { type: 'START' }
  /** Analysis complete, confirm-promotion closed. */
  | { type: 'AWAIT_PROMOTION' }
  | { type: 'PROMOTE' }
  | { type: 'FINALISE' }
  | { type: 'SUCCEED' }
  | { type: 'ROLLBACK' }
  /** The target went back to the promoted revision mid-run: drop the run, nothing to promote. */
  | { type: 'CANCEL' }
  | { type: 'TERMINATE' }
  | { type: 'TERMINATED' };

export type PhaseEventType = PhaseEvent['type'];

/** xstate state keys cannot be empty, so Flagger's "" phase is the `New` state. */
const NEW_STATE = 'New';

const terminate = { TERMINATE: 'Terminating' } as const;

/** The phase machine; built once per engine instance by the caller, never a module singleton. */
export function createPhaseMachine() {
  return setup({ types: { events: {} as PhaseEvent } }).createMachine({
    id: 'canary',
    initial: NEW_STATE,
    states: {
      [NEW_STATE]: { on: { INITIALIZE: 'Initializing', ...terminate } },
      Initializing: { on: { INITIALIZED: 'Initialized', ...terminate } },
      Initialized: { on: { START: 'Progressing', AWAIT_CONFIRMATION: 'Waiting', ...terminate } },
      Waiting: { on: { START: 'Progressing', ROLLBACK: 'Failed', CANCEL: 'Initialized', ...terminate } },
      Progressing: {
        on: {
          START: { target: 'Progressing', reenter: true },
          AWAIT_CONFIRMATION: 'Waiting',
          AWAIT_PROMOTION: 'WaitingPromotion',
          PROMOTE: 'Promoting',
          ROLLBACK: 'Failed',
          CANCEL: 'Initialized',
          ...terminate,
        },
      },
      WaitingPromotion: {
        on: { START: 'Progressing', AWAIT_CONFIRMATION: 'Waiting', PROMOTE: 'Promoting', ROLLBACK: 'Failed', CANCEL: 'Initialized', ...terminate },
      },
      Promoting: {
        on: { FINALISE: 'Finalising', START: 'Progressing', AWAIT_CONFIRMATION: 'Waiting', ROLLBACK: 'Failed', ...terminate },
      },
      Finalising: { on: { SUCCEED: 'Succeeded', START: 'Progressing', AWAIT_CONFIRMATION: 'Waiting', ...terminate } },
      Succeeded: { on: { START: 'Progressing', AWAIT_CONFIRMATION: 'Waiting', ...terminate } },
      Failed: { on: { START: 'Progressing', AWAIT_CONFIRMATION: 'Waiting', CANCEL: 'Initialized', ...terminate } },
      Terminating: { on: { TERMINATED: 'Terminated' } },
      Terminated: { type: 'final' },
    },
  });
}

export type PhaseMachine = ReturnType<typeof createPhaseMachine>;

/** The phase `event` leads to from `phase`, or undefined when the map has no such move. */
export function nextPhase(machine: PhaseMachine, phase: CanaryPhase, event: PhaseEventType): CanaryPhase | undefined {
  const snapshot = machine.resolveState({ value: phase === '' ? NEW_STATE : phase, context: undefined });
  if (!snapshot.can({ type: event })) return undefined;
  const [next] = transition(machine, snapshot, { type: event });
  const value = next.value as string;
  return (value === NEW_STATE ? '' : value) as CanaryPhase;
}
