#!/usr/bin/env node
// Runs the compiled CLI when it has been built (npm pack, the container image) and the TypeScript
// sources otherwise: Node >= 22.18 strips types itself, so a clone needs no build step.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(built) ? built : new URL('../src/cli/main.ts', import.meta.url);
await import(entry.href);
