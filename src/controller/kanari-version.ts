import { readFileSync } from 'node:fs';

/** Kanari's version from package.json, two levels up both as source (src/…) and compiled (dist/…). */
export function kanariVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
