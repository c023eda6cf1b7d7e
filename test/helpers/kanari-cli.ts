import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `bin/kanari.js` and the pinned Node live. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The pinned Node 24 every script runs on. */
export const NODE = join(REPO_ROOT, 'node_modules/.bin/node');
/** The real `kanari` binary's entry point. */
export const KANARI_BIN = join(REPO_ROOT, 'bin/kanari.js');

/** What one run of the CLI did. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kanari …` as a user would (a child process on the pinned Node), with extra environment; a loaded machine may take seconds to start one. */
export function runKanari(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<CliRun> {
  return new Promise((resolve) => {
    // Jest's VM-modules flag must not leak into the child.
    const childEnv = { ...process.env, NODE_OPTIONS: '', ...env };
    execFile(NODE, [KANARI_BIN, ...args], { cwd: REPO_ROOT, env: childEnv, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
