/**
 * HTTPRoute header modifiers applied to a Node header map: `set` replaces, `add` appends (Set-Cookie
 * as a further header, anything else joined with a comma, as HTTP allows), `remove` deletes. Names are
 * case-insensitive, so the map's keys are lower case.
 */
import type { HeaderEdits } from './http-route-view.ts';

export type HeaderMap = Record<string, string | string[]>;

/** A copy of `headers` with every edit applied in order. */
export function applyHeaderEdits(headers: HeaderMap, edits: readonly HeaderEdits[]): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  for (const edit of edits) {
    for (const { name, value } of edit.set) out[name.toLowerCase()] = value;
    for (const { name, value } of edit.add) {
      const key = name.toLowerCase();
      const current = out[key];
      if (current === undefined) out[key] = key === 'set-cookie' ? [value] : value;
      else if (key === 'set-cookie') out[key] = [...(Array.isArray(current) ? current : [current]), value];
      else out[key] = `${Array.isArray(current) ? current.join(', ') : current}, ${value}`;
    }
    for (const name of edit.remove) delete out[name.toLowerCase()];
  }
  return out;
}
