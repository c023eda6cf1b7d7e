import type { CanaryStatus } from '../api/canary-status.ts';

/**
 * What the target's current revision means for the Canary: nothing new, a new revision to analyse, or
 * a return to the revision the primary already runs (a manual revert, which never starts a run).
 */
export type RevisionChange = 'unchanged' | 'new' | 'reverted-to-promoted';

/** Classifies the target's revision against the status. */
export function classifyRevision(status: CanaryStatus, revision: string): RevisionChange {
  if (revision === status.lastAppliedSpec) return 'unchanged';
  if (revision === status.lastPromotedSpec) return 'reverted-to-promoted';
  return 'new';
}
