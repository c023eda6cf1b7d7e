/**
 * Reads a judge state back from the Canary's status, where anyone with write access could have put
 * anything: every field is checked, so a damaged state is refused with the field named instead of
 * producing a wrong verdict. The caller starts afresh from `initialState` on an error.
 */
import { JudgeInputError } from './judge-input-error.ts';
import type { JudgeState, MetricEvidenceState } from './judge-state.ts';
import { JUDGE_STATE_VERSION } from './judge-state.ts';
import { GRID_POINTS } from './ratio-grid.ts';

const TOTALS = ['intervals', 'informativeIntervals', 'canaryRequests', 'primaryRequests', 'canaryEvents', 'primaryEvents'] as const;

/** A JudgeState from stored JSON (parsed or not); throws a JudgeInputError naming the bad field. */
export function parseJudgeState(stored: unknown, field = 'judge'): JudgeState {
  const value = typeof stored === 'string' ? parseJson(stored, field) : stored;
  if (!isRecord(value)) throw new JudgeInputError(field, value, 'must be an object');
  if (value.version !== JUDGE_STATE_VERSION) throw new JudgeInputError(`${field}.version`, value.version, `must be ${JUDGE_STATE_VERSION}`);
  if (!Array.isArray(value.metrics)) throw new JudgeInputError(`${field}.metrics`, value.metrics, 'must be a list');
  return { version: JUDGE_STATE_VERSION, metrics: value.metrics.map((metric, i) => parseMetric(metric, `${field}.metrics[${i}]`)) };
}

function parseMetric(value: unknown, field: string): MetricEvidenceState {
  if (!isRecord(value)) throw new JudgeInputError(field, value, 'must be an object');
  const { name, kind, tolerated, boundaryMs, logLikelihood } = value;
  if (typeof name !== 'string' || name === '') throw new JudgeInputError(`${field}.name`, name, 'must be a non-empty name');
  if (kind !== 'failures' && kind !== 'latency') throw new JudgeInputError(`${field}.kind`, kind, "must be 'failures' or 'latency'");
  if (typeof tolerated !== 'number' || !(tolerated >= 1) || !Number.isFinite(tolerated)) throw new JudgeInputError(`${field}.tolerated`, tolerated, 'must be a finite ratio at least 1');
  if (kind === 'latency' && !(typeof boundaryMs === 'number' && boundaryMs > 0 && Number.isFinite(boundaryMs))) {
    throw new JudgeInputError(`${field}.boundaryMs`, boundaryMs, 'must be a boundary above 0 ms for a latency metric');
  }
  if (!Array.isArray(logLikelihood) || logLikelihood.length !== GRID_POINTS || !logLikelihood.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new JudgeInputError(`${field}.logLikelihood`, Array.isArray(logLikelihood) ? `${logLikelihood.length} entries` : logLikelihood, `must be ${GRID_POINTS} finite numbers`);
  }
  const totals = {} as Record<(typeof TOTALS)[number], number>;
  for (const key of TOTALS) {
    const total = value[key];
    if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) throw new JudgeInputError(`${field}.${key}`, total, 'must be a finite number at least 0');
    totals[key] = total;
  }
  return { name, kind, tolerated, ...(kind === 'latency' ? { boundaryMs: boundaryMs as number } : {}), logLikelihood: logLikelihood.slice(), ...totals };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JudgeInputError(field, text.slice(0, 40), `is not JSON (${(error as Error).message})`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
