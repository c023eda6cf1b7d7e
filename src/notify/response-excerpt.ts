/**
 * The part of a receiver's answer that goes into an Event or a log line: one line, short enough to read
 * in `kubectl describe`, and visibly cut when it was longer.
 */

/** Characters of a response body kept in a failure reason. */
export const MAX_EXCERPT_CHARS = 200;

export const TRUNCATION_MARK = '…(truncated)';

/** Collapses whitespace and cuts `body` to `maxChars`, marking the cut. */
export function responseExcerpt(body: string, maxChars = MAX_EXCERPT_CHARS): string {
  const line = body.replace(/\s+/g, ' ').trim();
  const chars = [...line]; // cut on code points, never inside a surrogate pair
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}${TRUNCATION_MARK}` : line;
}
