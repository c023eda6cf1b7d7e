/**
 * What ended a run, in a sentence, by `status.failureReason`: the Promoted and Stalled conditions and
 * `kanari status` say it, so a manual abort no longer reads "Canary analysis failed".
 */

const SENTENCES: Record<string, string> = {
  FailedChecks: 'Canary analysis failed: the failed checks reached the threshold',
  ManualAbort: 'The run was aborted on request (kanari abort or the kanari.dev/abort annotation)',
  RollbackHook: 'A rollback webhook asked to roll back',
  ProgressDeadlineExceeded: 'A Deployment was not ready within progressDeadlineSeconds',
  CanaryWorseThanPrimary: 'The judge found the canary failing more often than the primary, beyond the tolerated increase',
  CanaryWorseThanBaseline: 'The judge found the canary failing more often than the baseline, beyond the tolerated increase',
};

/** Why the last run failed, as a sentence without a final period; an unknown reason is named as it is. */
export function failureSentence(reason: string | undefined): string {
  if (reason === undefined) return 'The run failed';
  return SENTENCES[reason] ?? `The run failed (${reason})`;
}
