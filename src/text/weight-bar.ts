// Twenty cells: 5 % each, narrow enough for an 80-column line beside the phase and the numbers.
const BAR_WIDTH = 20;

/** A fixed-width bar of the canary's share of traffic. */
export function weightBar(weight: number): string {
  const filled = Math.round((Math.min(100, Math.max(0, weight)) / 100) * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
}
