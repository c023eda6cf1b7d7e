/** A command's problem worded for the person at the terminal; printed without a stack. */
export class CliError extends Error {
  override name = 'CliError';
}
