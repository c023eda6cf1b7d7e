#!/usr/bin/env node
// The `kanari` command. In a clone it runs the TypeScript sources (Node strips types itself, so no build
// step); an installed package (npm pack, the container image) ships the compiled dist/ instead, because
// Node does not strip types under node_modules.
import { existsSync } from 'node:fs';
import { nodeTooOld, tooOldMessage } from './node-version.js';

if (nodeTooOld(process.versions.node)) {
  console.error(tooOldMessage(process.versions.node));
  process.exit(1);
}
const source = new URL('../src/cli/main.ts', import.meta.url);
const entry = existsSync(source) ? source : new URL('../dist/cli/main.js', import.meta.url);
await import(entry.href);
