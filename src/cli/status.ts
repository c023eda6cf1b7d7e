import { Watch } from '@kubernetes/client-node';
import type { Command } from 'commander';
import type { Canary } from '../api/canary.ts';
import { statusCodeOf } from '../kube/api-errors.ts';
import type { RegisterCommand } from './commands.ts';
import { CANARY_RESOURCE, CliError, apiErrorMessage, loadCliKubeContext, readCanary, withKubeOptions, type CliKubeContext, type KubeOptions } from './kube-context.ts';
import { renderCanaryStatus, renderCanaryTable } from './status-view.ts';

/**
 * `kanari status <canary> [--watch]` and `kanari list`: the read side of the CLI. Both only print what
 * status-view renders; this file decides what to fetch and when to print.
 */

/** Registers `kanari status` and `kanari list`. */
export const registerStatus: RegisterCommand = (program: Command) => {
  withKubeOptions(
    program
      .command('status')
      .description("show a canary's phase, weight, step, failed checks, last analysis, gates and conditions")
      .argument('<canary>', 'the Canary name'),
  )
    .option('-w, --watch', 'keep showing the status as it changes (redrawn in place on a terminal)')
    .action(async (name: string, options: KubeOptions & { watch?: boolean }) => {
      const context = loadCliKubeContext(options);
      if (options.watch) {
        await watchCanaryStatus(context, name, process.stdout);
      } else {
        const canary = await readCanary(context, name);
        process.stdout.write(`${renderCanaryStatus(canary, Date.now()).join('\n')}\n`);
      }
    });
  withKubeOptions(program.command('list').description('list canaries with phase, weight, failed checks, last transition and readiness'), "the namespace (default: the kubeconfig context's)")
    .option('-A, --all-namespaces', 'list canaries in every namespace')
    .action(async (options: KubeOptions & { allNamespaces?: boolean }) => {
      const context = loadCliKubeContext(options);
      const canaries = await listCanaries(context, options.allNamespaces ? undefined : context.namespace);
      process.stdout.write(`${renderCanaryTable(canaries, Date.now()).join('\n')}\n`);
    });
};

/** Lists Canaries in one namespace, or in all when `namespace` is undefined. */
export async function listCanaries(context: CliKubeContext, namespace: string | undefined): Promise<Canary[]> {
  try {
    const list = (namespace === undefined
      ? await context.custom.listClusterCustomObject({ ...CANARY_RESOURCE })
      : await context.custom.listNamespacedCustomObject({ ...CANARY_RESOURCE, namespace })) as { items?: Canary[] };
    return list.items ?? [];
  } catch (err) {
    if (statusCodeOf(err) === 404) throw new CliError('the Canary API (canaries.kanari.dev) is not served: install the Kanari CRDs from crds/');
    throw new CliError(`cannot list canaries: ${apiErrorMessage(err)}`);
  }
}

/** Where `--watch` writes: a terminal gets redraws in place, anything else a new block per change. */
export interface StatusOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Prints the Canary's status, then again on every change seen through a WATCH on that one object;
 * resolves when the Canary is deleted or the process is stopped.
 */
export async function watchCanaryStatus(context: CliKubeContext, name: string, output: StatusOutput): Promise<void> {
  const namespace = context.namespace;
  const screen = new StatusScreen(output);
  let canary = await readCanary(context, name, namespace);
  screen.show(canary);
  // A terminal shows ages that grow; redrawing from the cached object reads nothing from the API server.
  const ticker = output.isTTY ? setInterval(() => screen.show(canary), 1000) : undefined;
  const watch = new Watch(context.kubeConfig);
  const path = `/apis/${CANARY_RESOURCE.group}/${CANARY_RESOURCE.version}/namespaces/${namespace}/${CANARY_RESOURCE.plural}`;
  let failures = 0;
  try {
    for (;;) {
      const ended = await new Promise<{ kind: 'deleted' } | { kind: 'ended'; error?: unknown }>((resolve) => {
        let settled = false;
        let stream: AbortController | undefined;
        const settle = (result: { kind: 'deleted' } | { kind: 'ended'; error?: unknown }) => {
          if (settled) return;
          settled = true;
          // An open stream would keep the process alive after a deletion, and leak on a restart.
          stream?.abort();
          resolve(result);
        };
        const onEvent = (type: string, object: unknown) => {
          if (type === 'DELETED') return settle({ kind: 'deleted' });
          if (type === 'ERROR') return settle({ kind: 'ended', error: object });
          if (type !== 'ADDED' && type !== 'MODIFIED') return;
          failures = 0;
          canary = object as Canary;
          screen.show(canary);
        };
        watch
          .watch(path, { fieldSelector: `metadata.name=${name}`, resourceVersion: canary.metadata.resourceVersion }, onEvent, (error) => settle({ kind: 'ended', error }))
          .then((controller) => {
            stream = controller;
            if (settled) controller.abort();
          })
          .catch((error: unknown) => settle({ kind: 'ended', error }));
      });
      if (ended.kind === 'deleted') {
        output.write(`canary ${name}.${namespace} was deleted\n`);
        return;
      }
      if (ended.error !== undefined && ended.error !== null) {
        failures += 1;
        if (failures > 5) throw new CliError(`watch of canary ${name}.${namespace} keeps failing: ${describeWatchError(ended.error)}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(8000, 250 * 2 ** failures)));
        // After 410 Gone (or any failure) the resourceVersion may be stale: start again from a fresh read.
        canary = await readCanary(context, name, namespace);
        screen.show(canary);
      }
    }
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

function describeWatchError(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** Draws status blocks: in place on a terminal, as successive blocks elsewhere; only when they change. */
class StatusScreen {
  readonly #output: StatusOutput;
  #drawnLines = 0;
  #lastDrawn: string | undefined;
  #lastContent: string | undefined;

  constructor(output: StatusOutput) {
    this.#output = output;
  }

  show(canary: Canary): void {
    const now = Date.now();
    const lines = renderCanaryStatus(canary, now);
    if (!this.#output.isTTY) {
      // Rendered at a fixed instant, so a block is printed for a change of the Canary, not of the clock.
      const content = renderCanaryStatus(canary, 0).join('\n');
      if (content === this.#lastContent) return;
      this.#output.write(`${this.#lastContent === undefined ? '' : '\n'}${lines.join('\n')}\n`);
      this.#lastContent = content;
      return;
    }
    // Lines wider than the terminal wrap and would break the count of lines to clear, so cut them.
    const width = this.#output.columns ?? 0;
    const fitted = width > 0 ? lines.map((line) => (line.length >= width ? `${line.slice(0, width - 2)}…` : line)) : lines;
    const text = fitted.join('\n');
    if (text === this.#lastDrawn) return;
    // Move to the start of our first line and clear from there down: only our own lines are erased.
    const clear = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}F\x1b[J` : '';
    this.#output.write(`${clear}${text}\n`);
    this.#drawnLines = fitted.length;
    this.#lastDrawn = text;
  }
}
