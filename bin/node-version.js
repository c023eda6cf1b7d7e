// Plain JavaScript that any Node.js since 12 can run: it must speak before the TypeScript sources
// (which need type stripping) or client-node (which needs undici 8) fail with a stack trace.

/** The oldest Node.js Kanari runs on: client-node 2's undici needs 22.19. */
export const REQUIRED_NODE = '22.19.0';

/** True when `version` ("20.20.2" or "v20.20.2") is older than `required`. */
export function nodeTooOld(version, required = REQUIRED_NODE) {
  const parse = (text) => text.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [have, need] = [parse(version), parse(required)];
  for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) < need[i];
  return false;
}

/** What to tell a person who runs kanari on a Node.js that is too old. */
export function tooOldMessage(version, required = REQUIRED_NODE) {
  return [
    `kanari needs Node.js ${required} or newer; this is Node.js ${version.replace(/^v/, '')}.`,
    'In a clone of Kanari, `npx kanari …` runs it on the Node.js 24 that `npm install` put in node_modules.',
    'Elsewhere, install Node.js 24 (https://nodejs.org/ or your package manager) and run kanari again.',
  ].join('\n');
}
