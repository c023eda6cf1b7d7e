/** True when `text` is an absolute http:// or https:// URL with a host (a webhook, provider or proxy address). */
export function isAbsoluteHttpUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** The message for an address field that is not an absolute URL; never includes the value (it may hold a token). */
export const ABSOLUTE_HTTP_URL_RULE = 'must be an absolute http:// or https:// URL';
