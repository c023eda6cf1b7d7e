import type { ManualRequest } from '../../api/annotations.ts';
import type { TargetObservation } from '../observation.ts';
import { ACTIVE_PHASES, type Tick } from '../tick.ts';
import { startRun } from './lifecycle.ts';
import { rollback } from './promotion.ts';

/**
 * People's requests (annotations, the CLI): abort, retry, pause, resume, promote. Each is handled once:
 * its id goes into the status, so a request survives a crash and is never acted on twice.
 */

/** Acts on requests not handled before; true when one decided the tick (abort, retry). */
export function handleManualRequests(tick: Tick, target: TargetObservation): boolean {
  const handled = { ...(tick.status.handledRequests ?? {}) };
  let decided = false;
  for (const request of tick.observation.manualRequests) {
    if (handled[request.kind] === request.id || decided) continue;
    handled[request.kind] = request.id;
    tick.status.handledRequests = handled;
    decided = manualRequest(tick, request, target);
  }
  return decided;
}

function manualRequest(tick: Tick, request: ManualRequest, target: TargetObservation): boolean {
  const who = request.requestedBy || 'someone';
  const record = (what: string) => {
    tick.event('Normal', 'ManualAction', `${what} for ${tick.label}, requested by ${who}`);
    tick.notify('manual-action', 'info', `${what} for ${tick.label}, requested by ${who}`, { requestedBy: who, action: request.kind });
  };
  const ignore = (why: string) => tick.event('Normal', 'ManualActionIgnored', `${request.kind} requested by ${who} ignored: ${why}`);
  switch (request.kind) {
    case 'abort':
      if (!ACTIVE_PHASES.includes(tick.phase)) {
        ignore(`nothing to abort in phase ${tick.phase || 'new'}`);
        return false;
      }
      record('Abort');
      rollback(tick, 'ManualAbort', `aborted by ${who}`, 'rollback');
      return true;
    case 'retry':
      if (tick.phase !== 'Failed') {
        ignore(`only a Failed canary can be retried (phase ${tick.phase || 'new'})`);
        return false;
      }
      record('Retry');
      startRun(tick, target, `Retrying ${tick.label} at weight 0`);
      return true;
    case 'pause':
      tick.status.paused = { by: who, at: tick.now };
      record('Pause');
      return false;
    case 'resume':
      if (tick.status.paused === undefined) {
        ignore('not paused');
        return false;
      }
      tick.status.paused = undefined;
      record('Resume');
      return false;
    case 'promote':
    case 'promote-full':
      if (!ACTIVE_PHASES.includes(tick.phase)) {
        ignore(`nothing to promote in phase ${tick.phase || 'new'}`);
        return false;
      }
      tick.status.manualPromotion = request.kind === 'promote' ? 'next' : 'full';
      record(request.kind === 'promote' ? 'Promote (open the next gate)' : 'Full promotion (skip the rest of the analysis)');
      return false;
  }
}
