import { readFileSync } from 'node:fs';

/** One field path of Flagger's Canary CRD and a sample value for it (test/fixtures/flagger/canary-crd-paths.txt). */
export interface CrdPath {
  path: string;
  sample: unknown;
}

/** Every path listed in the fixture, in its order. */
export function flaggerCrdPaths(): CrdPath[] {
  const text = readFileSync(new URL('../../fixtures/flagger/canary-crd-paths.txt', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      return { path: line.slice(0, space), sample: JSON.parse(line.slice(space + 1)) as unknown };
    });
}
