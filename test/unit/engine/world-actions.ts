import type { Action } from '../../../src/engine/actions.ts';
import { readyWorkload, unreadyWorkload } from './world-fixtures.ts';
import type { World } from './world.ts';

/**
 * The cluster's side of each action the engine asks of the World's ports, played instantly: what a
 * Deployment controller, a router and the API server would make of it.
 */
export function playAction(world: World, action: Action): void {
  world.actionLog.push(action);
  switch (action.type) {
    case 'ensurePrimary':
      if (world.primary === undefined) {
        world.primary = readyWorkload();
        world.primaryRevision = world.revision;
      }
      return;
    case 'ensureRoute':
      world.weights ??= { canary: 0, primary: 100 };
      return;
    case 'removeRoute':
      world.weights = undefined;
      world.matches = [];
      return;
    case 'ensureFinalizer':
      world.finalizer = true;
      return;
    case 'releaseFinalizer':
      world.finalizer = false;
      return;
    case 'scaleCanary':
      if (action.to === 'zero') world.target = readyWorkload(0);
      else if (world.target.desiredReplicas === 0 || !world.canaryReadyOnScaleUp) {
        world.target = world.canaryReadyOnScaleUp ? readyWorkload(world.targetReplicasWanted) : unreadyWorkload(world.targetReplicasWanted);
      }
      return;
    case 'setWeights':
      if (world.weights?.canary !== action.weights.canary || world.weightHistory.length === 0) world.weightHistory.push(action.weights.canary);
      if (world.weights?.baseline !== action.weights.baseline) world.baselineWeightHistory.push(action.weights.baseline);
      world.weights = action.weights;
      return;
    case 'setRouteMatches':
      world.matches = action.matches;
      return;
    case 'ensureBaseline':
      // A copy of the primary at the canary's size; a resize of a ready one stays ready.
      if (world.baseline === undefined) world.baseline = world.baselineReadyOnCreate ? readyWorkload(world.targetReplicasWanted) : unreadyWorkload(world.targetReplicasWanted);
      return;
    case 'removeBaseline':
      world.baseline = undefined;
      return;
    case 'promotePrimary':
      world.primaryRevision = world.revision;
      world.primary = world.primaryReadyAfterPromotion ? readyWorkload() : unreadyWorkload();
      return;
    case 'finalize':
      // Revert on deletion: the target takes its pods back, the primary goes, the finalizer with it.
      world.target = readyWorkload(world.targetReplicasWanted);
      world.primary = undefined;
      world.primaryRevision = undefined;
      world.finalizer = false;
      world.finalized = true;
      return;
    case 'runHooks':
      return;
  }
}
