// Prints one plain closing line ("jest: N passed, N failed, N skipped") after the run, the summary line
// CI reads to tell a run that tested something from one that ran nothing.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
