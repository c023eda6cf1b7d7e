// Figures over many runs of one case: rollback and promotion rates, median times, mean harm.
import type { Outcome } from './policies.ts';

/** What the report prints for one policy on one case. */
export interface Figures {
  runs: number;
  rolledBack: number;
  /** Rolled back by the sequential judge itself (not by a guard rail or no data). */
  rolledBackByJudge: number;
  rolledBackForNoData: number;
  medianRollbackS: number | undefined;
  promoted: number;
  medianPromotionS: number | undefined;
  meanExcessFailures: number;
}

/** Summarises the outcomes of one policy over the runs of one case. */
export function figuresOf(outcomes: Outcome[]): Figures {
  const rollbacks = outcomes.filter((o) => o.decision === 'rollback');
  const promotions = outcomes.filter((o) => o.decision === 'promote');
  return {
    runs: outcomes.length,
    rolledBack: rollbacks.length / outcomes.length,
    rolledBackByJudge: rollbacks.filter((o) => o.cause === 'judge').length / outcomes.length,
    rolledBackForNoData: rollbacks.filter((o) => o.cause === 'no-data').length / outcomes.length,
    medianRollbackS: median(rollbacks.map((o) => o.atS)),
    promoted: promotions.length / outcomes.length,
    medianPromotionS: median(promotions.map((o) => o.atS)),
    meanExcessFailures: outcomes.reduce((sum, o) => sum + o.excessFailures, 0) / outcomes.length,
  };
}

/** "12.3 %", with a 95 % binomial margin when asked: "0.6 % ± 0.2". */
export function percent(share: number, runs?: number): string {
  const shown = `${(100 * share).toFixed(share < 0.1 ? 2 : 1)} %`;
  if (runs === undefined) return shown;
  const margin = 1.96 * Math.sqrt((share * (1 - share)) / runs);
  return `${shown} ± ${(100 * margin).toFixed(2)}`;
}

/** "540 s", or "—" when nothing happened. */
export function seconds(value: number | undefined): string {
  return value === undefined ? '—' : `${Math.round(value)} s`;
}

/** Prints rows as aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
