/**
 * The part of a receiver's answer that goes into an Event or a log line: one line, short enough to read
 * in `kubectl describe`, and visibly cut when it was longer. An HTML error page (a proxy's 502, a login
 * page) is reduced to its title or text: its markup says nothing to a person reading an Event.
 */

/** Characters of a response body kept in a failure reason. */
export const MAX_EXCERPT_CHARS = 200;

export const TRUNCATION_MARK = '…(truncated)';

/** Collapses whitespace and cuts `body` to `maxChars`, marking the cut; an HTML page becomes `HTML page "title"`. */
export function responseExcerpt(body: string, maxChars = MAX_EXCERPT_CHARS, contentType = ''): string {
  const line = (isHtml(body, contentType) ? htmlSummary(body) : body).replace(/\s+/g, ' ').trim();
  const chars = [...line]; // cut on code points, never inside a surrogate pair
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}${TRUNCATION_MARK}` : line;
}

function isHtml(body: string, contentType: string): boolean {
  return /^\s*text\/html\b/i.test(contentType) || /^\s*(<!doctype html|<html[\s>])/i.test(body);
}

// The title says what the page is ("502 Bad Gateway"); without one, its visible text.
function htmlSummary(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = (value: string) => decodeEntities(value.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  if (title !== undefined && text(title) !== '') return `HTML page "${text(title)}"`;
  const body = html.replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<!--[\s\S]*?-->/g, ' ');
  const visible = text(body);
  return visible ? `HTML page: ${visible}` : 'an HTML page';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}
