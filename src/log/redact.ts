/**
 * Removes credentials from text before it reaches a log line, an Event, a status condition or an error.
 * Alert and webhook addresses carry their credential inside the URL (Slack, Discord and Teams put it in
 * the path, Google Chat and Power Automate in the query, generic hooks in `user:pass@`), so any text that
 * may contain an address goes through here. The host is kept so a person still knows where a call went.
 */

import { Writable } from 'node:stream';

/** What replaces a removed credential; the same marker the logger's own redaction uses. */
export const REDACTED = '[redacted]';

// Brackets end a URL so an already redacted "[redacted]" is not read as part of one (redaction repeats safely).
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`[\]]+/gi;

// Query parameters whose value authenticates the caller (Google Chat `key`/`token`, Power Automate `sig`).
const SECRET_QUERY_NAME = /^(token|access_token|auth|authorization|key|api[-_]?key|apikey|sig|signature|secret|password|passwd|pass|pwd|code|client_secret)$/i;

// Hosts whose hook path after a fixed prefix is itself the credential.
const HOOK_PATHS: { host: RegExp; keep: RegExp }[] = [
  { host: /(^|\.)hooks\.slack\.com$/i, keep: /^\/(services|workflows|triggers)\// },
  { host: /(^|\.)(discord|discordapp)\.com$/i, keep: /^\/api\/(v\d+\/)?webhooks\// },
  { host: /(^|\.)webhook\.office\.com$/i, keep: /^\/(webhookb2|webhook)\// },
  { host: /(^|\.)(logic\.azure\.com|powerautomate\.com|powerplatform\.com|flow\.microsoft\.com)$/i, keep: /^\/(workflows|powerautomate)\// },
  { host: /(^|\.)chat\.googleapis\.com$/i, keep: /^\/v1\/spaces\// },
];

// A long letters-and-digits path segment on any other host is most likely an embedded token.
const TOKEN_LIKE_SEGMENT = /^(?=[A-Za-z0-9_\-.~%]*[0-9])(?=[A-Za-z0-9_\-.~%]*[A-Za-z])[A-Za-z0-9_\-.~%]{24,}$/;

// Credentials that also appear outside URLs: Slack tokens, bearer tokens, `token=...` in plain text.
const SLACK_TOKEN = /\bxox[a-z]-[A-Za-z0-9-]+/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const ASSIGNED_SECRET = /\b(token|password|passwd|secret|api[-_]?key|sig)(["']?\s*[=:]\s*["']?)([^\s"'&,;]+)/gi;

/** Returns `text` with credentials in URLs, tokens and every value of `knownSecrets` replaced by "[redacted]". */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = String(text);
  // Known values first: a secret that is also a URL must vanish whole, not just its path.
  for (const secret of knownSecrets) {
    if (secret.length < 4) continue; // a 1–3 character "secret" would shred ordinary words
    for (const form of new Set([secret, encodeURIComponent(secret)])) result = result.split(form).join(REDACTED);
  }
  result = result.replace(URL_IN_TEXT, (url) => redactUrl(url));
  result = result.replace(SLACK_TOKEN, REDACTED);
  result = result.replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  result = result.replace(ASSIGNED_SECRET, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  return result;
}

/** Redacts one URL: userinfo, secret query values, hook paths and token-like path segments. */
export function redactUrl(url: string): string {
  const trailing = /[).,;:!?\]]+$/.exec(url)?.[0] ?? '';
  const core = trailing ? url.slice(0, -trailing.length) : url;
  let parsed: URL;
  try {
    parsed = new URL(core);
  } catch {
    // Not parseable: still strip anything between "//" and "@", the usual place of a password.
    return core.replace(/\/\/[^/@]*@/, `//${REDACTED}@`) + trailing;
  }
  const userinfo = parsed.username || parsed.password ? `${REDACTED}@` : '';
  const path = redactPath(parsed.hostname, parsed.pathname);
  const query = redactQuery(parsed.search);
  const fragment = parsed.hash ? `#${REDACTED}` : '';
  return `${parsed.protocol}//${userinfo}${parsed.host}${path}${query}${fragment}${trailing}`;
}

function redactPath(hostname: string, pathname: string): string {
  const hook = HOOK_PATHS.find((h) => h.host.test(hostname));
  if (hook) {
    const prefix = hook.keep.exec(pathname)?.[0];
    if (prefix) return pathname.length > prefix.length ? `${prefix}${REDACTED}` : pathname;
  }
  return pathname
    .split('/')
    .map((segment) => (TOKEN_LIKE_SEGMENT.test(segment) ? REDACTED : segment))
    .join('/');
}

function redactQuery(search: string): string {
  if (!search) return '';
  const pairs = search
    .slice(1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (eq === -1 || !SECRET_QUERY_NAME.test(decodeQueryName(name))) return pair;
      return `${name}=${REDACTED}`;
    });
  return `?${pairs.join('&')}`;
}

function decodeQueryName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * A stream that redacts every chunk before passing it on: give it to `createLogger({destination})` so no
 * log line can carry a credential, even one logged by code that forgot to redact.
 */
export function createRedactingStream(destination: NodeJS.WritableStream, knownSecrets: () => readonly string[] = () => []): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      destination.write(redactSecrets(chunk.toString(), knownSecrets()));
      done();
    },
  });
}
