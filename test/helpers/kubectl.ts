import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The machine's default kubectl, if any. */
export const DEFAULT_KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((path) => existsSync(path));

const SDK_BIN = '/usr/lib/google-cloud-sdk/bin';

/** The versioned kubectl binaries of the Google Cloud SDK present on this machine, oldest first. */
export const VERSIONED_KUBECTLS: { version: string; binary: string }[] = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33']
  .map((version) => ({ version, binary: join(SDK_BIN, `kubectl.${version}`) }))
  .filter(({ binary }) => existsSync(binary));

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Runs one kubectl binary against a kubeconfig, with its own discovery cache (so versions do not share
 * one another's cached discovery or OpenAPI documents).
 */
export class Kubectl {
  readonly binary: string;
  private readonly kubeconfig: string;
  private readonly cacheDir: string;

  constructor(binary: string, kubeconfig: string, cacheDir: string) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  /** Runs kubectl and resolves with its exit code and output, whatever they are. */
  run(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, '--request-timeout=20s', ...args],
        { timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, ...opts.env }, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  }

  /** Runs kubectl and fails with kubectl's own words when it exits non-zero. */
  async ok(args: string[], opts: KubectlOptions = {}): Promise<string> {
    const result = await this.run(args, opts);
    if (result.code !== 0) throw new Error(`${this.binary} ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }
}

/** How many HTTP messages (requests and responses) kubectl logged at -v=8 with a protobuf Content-Type. */
export function protobufMessages(verboseLog: string): number {
  return verboseLog.match(/Content-Type: application\/vnd\.kubernetes\.protobuf\b/g)?.length ?? 0;
}
