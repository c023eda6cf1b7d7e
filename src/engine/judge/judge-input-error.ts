/**
 * The judge's one error type: a configuration, observation or stored state it cannot use. The message
 * names the field, the value and the rule, so it can go as it is into an Event or a status condition.
 */

/** A bad number handed to the judge: names the field, the value and the rule. */
export class JudgeInputError extends Error {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, rule: string) {
    super(`${field}: ${shown(value)} ${rule}`);
    this.name = 'JudgeInputError';
    this.field = field;
    this.value = value;
  }
}

// NaN and Infinity are what usually goes wrong with numbers, and JSON would print them as null.
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
