import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { statusCodeOf } from '../../../src/kube/api-errors.ts';
import { eventually } from '../eventually.ts';
import { DEFAULT_KUBECTL, Kubectl } from '../kubectl.ts';

const PLURALS: Record<string, string> = { Canary: 'canaries' };

/** How the tool applies: kubectl's client-side apply (Argo CD's default) or server-side apply with force (Flux). */
export type ApplyMode = 'client-side' | 'server-side';

/** One object as Git holds it. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

/** What the objects looked like in the answers to the applies: the status the tool saw after each one. */
export interface AppliedObject {
  kind: string;
  generation?: number;
  status?: { phase?: string; observedGeneration?: number; conditions?: unknown[] };
  replicas?: number;
}

/**
 * A GitOps tool with a short interval: applies the manifests Git holds now, again and again, one round
 * after the other with `periodMs` between rounds, the way Argo CD (client-side apply through kubectl)
 * or Flux (server-side apply, field manager `kustomize-controller`, force) does. It counts rounds,
 * conflicts it met (409) and other failures, and keeps what each answer showed.
 */
export class GitOpsReapplier {
  readonly #mode: ApplyMode;
  readonly #manifests: (round: number) => Manifest[] | Promise<Manifest[]>;
  readonly #periodMs: number;
  readonly #apps: AppsV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #kubectl: Kubectl | undefined;
  readonly #tmp: string | undefined;
  #stopped = true;
  #loop: Promise<void> | undefined;
  rounds = 0;
  conflicts = 0;
  readonly failures: string[] = [];
  readonly seen: AppliedObject[] = [];

  constructor(options: { mode: ApplyMode; kubeConfig: KubeConfig; kubeconfigYaml: string; manifests: (round: number) => Manifest[] | Promise<Manifest[]>; periodMs: number }) {
    this.#mode = options.mode;
    this.#manifests = options.manifests;
    this.#periodMs = options.periodMs;
    this.#apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.#custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    if (options.mode === 'client-side') {
      if (!DEFAULT_KUBECTL) throw new Error('client-side apply needs kubectl on the PATH');
      this.#tmp = mkdtempSync(join(tmpdir(), 'kanari-gitops-'));
      writeFileSync(join(this.#tmp, 'kubeconfig'), options.kubeconfigYaml, { mode: 0o600 });
      this.#kubectl = new Kubectl(DEFAULT_KUBECTL, join(this.#tmp, 'kubeconfig'), join(this.#tmp, 'cache'));
    }
  }

  /** Applies once now (creating what is missing), then keeps applying in the background. */
  async start(): Promise<void> {
    await this.#round();
    if (this.failures.length > 0) throw new Error(`the first apply failed: ${this.failures.join('; ')}`);
    this.#stopped = false;
    this.#loop = (async () => {
      while (!this.#stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.#periodMs));
        if (!this.#stopped) await this.#round();
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    if (this.#tmp) rmSync(this.#tmp, { recursive: true, force: true });
  }

  /** Resolves once `n` more rounds have been applied. */
  async waitForRounds(n = 1): Promise<void> {
    const target = this.rounds + n;
    await eventually(`${n} more GitOps apply rounds (${this.#mode})`, () => this.rounds >= target, { lastSeen: () => this.failures.slice(-3) });
  }

  async #round(): Promise<void> {
    const manifests = await this.#manifests(this.rounds);
    if (this.#mode === 'client-side') await this.#applyClientSide(manifests);
    else for (const manifest of manifests) await this.#applyServerSide(manifest);
    this.rounds++;
  }

  async #applyClientSide(manifests: Manifest[]): Promise<void> {
    const input = manifests.map((m) => stringify(m)).join('---\n');
    const result = await this.#kubectl!.run(['apply', '-f', '-', '-o', 'json'], { input });
    if (result.code !== 0) {
      if (/conflict/i.test(result.stderr)) this.conflicts++;
      this.failures.push(result.stderr.trim());
      return;
    }
    const answer = JSON.parse(result.stdout) as { items?: unknown[] } & Record<string, unknown>;
    for (const item of answer.items ?? [answer]) this.#record(item as Record<string, never>);
  }

  async #applyServerSide(manifest: Manifest): Promise<void> {
    const options = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    const common = { name: manifest.metadata.name, namespace: manifest.metadata.namespace, body: manifest, fieldManager: 'kustomize-controller', force: true };
    try {
      const [group, version] = manifest.apiVersion.split('/');
      const answer =
        manifest.kind === 'Deployment'
          ? await this.#apps.patchNamespacedDeployment(common, options)
          : await this.#custom.patchNamespacedCustomObject({ ...common, group, version, plural: PLURALS[manifest.kind] ?? `${manifest.kind.toLowerCase()}s` }, options);
      this.#record(answer as never);
    } catch (err) {
      if (statusCodeOf(err) === 409) this.conflicts++;
      this.failures.push(err instanceof Error ? err.message : String(err));
    }
  }

  #record(object: { kind?: string; metadata?: { generation?: number }; spec?: { replicas?: number }; status?: AppliedObject['status'] }): void {
    this.seen.push({ kind: object.kind ?? '', generation: object.metadata?.generation, status: object.status, replicas: object.spec?.replicas });
  }
}
