/**
 * Percentages written the way people write them in YAML ("20%", "99.5%"), as the judge's settings are:
 * parsed once at the edge into fractions (0.2, 0.995), so no one reads 20 as 2000 %.
 */

/** The schema pattern of a percentage: a non-negative decimal number followed by `%`. */
export const PERCENT_PATTERN = '^[0-9]+(\\.[0-9]+)?%$';

const PERCENT = new RegExp(PERCENT_PATTERN);

/** "20%" → 0.2; undefined when the text is not a percentage. */
export function parsePercent(text: string): number | undefined {
  if (!PERCENT.test(text)) return undefined;
  return Number(text.slice(0, -1)) / 100;
}
