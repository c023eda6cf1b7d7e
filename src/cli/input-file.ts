import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import type { YamlProblem } from '../api/yaml-documents.ts';
import { CliError } from './cli-error.ts';

/**
 * How every command reads a file a person named, and words what went wrong with it, so `validate`,
 * `convert`, `--kubeconfig` and `--cert` all say `FILE: cannot read: no such file` alike, and a YAML
 * mistake is `FILE:LINE:COLUMN: not valid YAML: …` with the line it is on.
 */

/** `-` for stdin, shown as `<stdin>`. */
export const STDIN = '-';

/** The name a message uses for a file argument. */
export function shownName(file: string): string {
  return file === STDIN ? '<stdin>' : file;
}

/** Reads a file (or stdin for `-`); a failure is a CliError naming `label` (the file, or `--flag FILE`) and why, in words. */
export async function readInputFile(file: string, label = shownName(file)): Promise<string> {
  try {
    return file === STDIN ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${label}: cannot read: ${readProblem(error)}`);
  }
}

/** Loads a kubeconfig a flag names; a file that cannot be read or is not YAML is a CliError saying so. */
export function loadKubeConfigFile(file: string, flag = '--kubeconfig'): KubeConfig {
  const label = `${flag} ${file}`;
  try {
    readFileSync(file);
  } catch (error) {
    throw new CliError(`${label}: cannot read: ${readProblem(error)}`);
  }
  const kubeConfig = new KubeConfig();
  try {
    // loadFromFile, not loadFromString: it resolves certificate paths relative to the kubeconfig's folder.
    kubeConfig.loadFromFile(file);
  } catch (error) {
    throw new CliError(`${label}: not a valid kubeconfig: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
  return kubeConfig;
}

/** Why a file could not be read, in words a person knows (`no such file`), else the system's code. */
export function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** `FILE:LINE:COLUMN: not valid YAML: message`, then the excerpt with its caret, indented. */
export function yamlProblemLines(file: string, problem: YamlProblem, note = ''): string[] {
  return [`${shownName(file)}:${problem.line}:${problem.column}: not valid YAML${note}: ${problem.message}`, ...problem.excerpt.map((line) => (line ? `    ${line}` : ''))];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
