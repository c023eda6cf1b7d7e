import type { Canary } from './canary.ts';
import type { CanaryPhase } from './canary-status.ts';
import { manualRequestsFromAnnotations, type ManualRequestKind } from './annotations.ts';

/**
 * Whether the engine would act on a manual request now: the CLI and the dashboard refuse what the engine
 * would ignore, so the person learns it at once instead of from an Event later.
 */

// The phases in which the engine acts on promote and abort (a run is under way).
const RUN_PHASES: readonly CanaryPhase[] = ['Waiting', 'Progressing', 'WaitingPromotion'];

/** Why the engine would ignore `kind` for this Canary right now, or undefined when it would act. */
export function manualRequestRefusal(kind: ManualRequestKind, canary: Canary): string | undefined {
  const status = canary.status ?? {};
  const phase = status.phase ?? '';
  const phaseName = phase === '' ? 'new (not initialized yet)' : phase;
  switch (kind) {
    case 'promote':
    case 'promote-full':
      return RUN_PHASES.includes(phase) ? undefined : `nothing to promote in phase ${phaseName}; promote acts while ${RUN_PHASES.join(', ')}`;
    case 'abort':
      return RUN_PHASES.includes(phase) ? undefined : `nothing to abort in phase ${phaseName}; abort acts while ${RUN_PHASES.join(', ')}`;
    case 'retry':
      return phase === 'Failed' ? undefined : `only a Failed canary can be retried (phase ${phaseName})`;
    case 'pause': {
      const pausedBy = effectivePause(canary);
      return pausedBy === undefined ? undefined : `already paused (${pausedBy})`;
    }
    case 'resume':
      return effectivePause(canary) === undefined ? 'it is not paused' : undefined;
  }
}

/**
 * Who paused the Canary, counting pause and resume requests the controller has not acted on yet (in the
 * order it will act on them), so "pause" then "resume" before the next tick does what the person means.
 */
function effectivePause(canary: Canary): string | undefined {
  const paused = canary.status?.paused;
  let pausedBy = paused === undefined ? undefined : `by ${paused.by} since ${paused.at}`;
  const handled = canary.status?.handledRequests ?? {};
  for (const request of manualRequestsFromAnnotations(canary.metadata.annotations)) {
    if (handled[request.kind] === request.id) continue;
    if (request.kind === 'pause') pausedBy = `by ${request.requestedBy}, not yet acted on by the controller`;
    if (request.kind === 'resume') pausedBy = undefined;
  }
  return pausedBy;
}
