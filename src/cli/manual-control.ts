import type { Command } from 'commander';
import type { Canary } from '../api/canary.ts';
import type { CanaryPhase } from '../api/canary-status.ts';
import { manualRequestsFromAnnotations, requestAnnotation } from '../api/annotations.ts';
import type { ManualRequestKind } from '../api/annotations.ts';
import { mergePatchOptions } from '../kube/patch.ts';
import type { RegisterCommand } from './commands.ts';
import { CANARY_RESOURCE, CliError, apiErrorMessage, loadCliKubeContext, readCanary, type KubeOptions } from './kube-context.ts';

/**
 * `kanari promote|abort|pause|resume|retry <canary>`: each writes the same annotation a GitOps or kubectl
 * user would, so there is one path into the engine. The CLI refuses what the engine would ignore, so the
 * person learns it now instead of from an Event later.
 */

// The phases in which the engine acts on promote and abort (a run is under way).
const RUN_PHASES: readonly CanaryPhase[] = ['Waiting', 'Progressing', 'WaitingPromotion'];

interface ManualCommand {
  name: 'promote' | 'abort' | 'pause' | 'resume' | 'retry';
  description: string;
}

const MANUAL_COMMANDS: readonly ManualCommand[] = [
  { name: 'promote', description: 'open the next closed gate of a running canary (--full: skip the rest of the analysis and promote)' },
  { name: 'abort', description: 'roll a running canary back to the primary now' },
  { name: 'pause', description: 'stop progression, keeping the current step' },
  { name: 'resume', description: 'restart progression of a paused canary from where it stopped' },
  { name: 'retry', description: 'start a Failed canary again without changing its pod template' },
];

/** Registers the five manual control commands. */
export const registerManualControl: RegisterCommand = (program: Command) => {
  for (const { name, description } of MANUAL_COMMANDS) {
    const command = program
      .command(name)
      .description(description)
      .argument('<canary>', 'the Canary name')
      .option('-n, --namespace <namespace>', "the Canary's namespace (default: the kubeconfig context's)")
      .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, then ~/.kube/config)');
    if (name === 'promote') command.option('--full', 'skip the rest of the analysis and promote now');
    command.action(async (canaryName: string, options: KubeOptions & { full?: boolean }) => {
      const kind: ManualRequestKind = name === 'promote' && options.full ? 'promote-full' : name;
      console.log(await requestManualAction(kind, canaryName, options));
    });
  }
};

/** Writes the request annotation for `kind` after checking it makes sense; returns the line to print. */
export async function requestManualAction(kind: ManualRequestKind, name: string, options: KubeOptions, now: Date = new Date()): Promise<string> {
  const context = loadCliKubeContext(options);
  const namespace = context.namespace;
  const canary = await readCanary(context, name, namespace);
  const label = `${name}.${namespace}`;
  const problem = refusal(kind, canary);
  if (problem !== undefined) throw new CliError(`cannot ${verb(kind)} canary ${label}: ${problem}`);
  const [key, value] = requestAnnotation(kind, context.user, now);
  try {
    await context.custom.patchNamespacedCustomObject(
      { ...CANARY_RESOURCE, namespace, name, body: { metadata: { annotations: { [key]: value } } } },
      mergePatchOptions(),
    );
  } catch (err) {
    throw new CliError(`cannot annotate canary ${label}: ${apiErrorMessage(err)}`);
  }
  return `${what(kind)} requested for canary ${label} by ${context.user}; the controller acts on it at its next tick (${key}=${value})`;
}

/** Why the engine would ignore `kind` for this Canary right now, or undefined when it would act. */
function refusal(kind: ManualRequestKind, canary: Canary): string | undefined {
  const status = canary.status ?? {};
  const phase = status.phase ?? '';
  const phaseName = phase === '' ? 'new (not initialized yet)' : phase;
  switch (kind) {
    case 'promote':
    case 'promote-full':
      return RUN_PHASES.includes(phase) ? undefined : `nothing to promote in phase ${phaseName}; promote acts while ${RUN_PHASES.join(', ')}`;
    case 'abort':
      return RUN_PHASES.includes(phase) ? undefined : `nothing to abort in phase ${phaseName}; abort acts while ${RUN_PHASES.join(', ')}`;
    case 'retry':
      return phase === 'Failed' ? undefined : `only a Failed canary can be retried (phase ${phaseName})`;
    case 'pause': {
      const pausedBy = effectivePause(canary);
      return pausedBy === undefined ? undefined : `already paused (${pausedBy})`;
    }
    case 'resume':
      return effectivePause(canary) === undefined ? 'it is not paused' : undefined;
  }
}

/**
 * Who paused the Canary, counting pause and resume requests the controller has not acted on yet (in the
 * order it will act on them), so "pause" then "resume" before the next tick does what the person means.
 */
function effectivePause(canary: Canary): string | undefined {
  const paused = canary.status?.paused;
  let pausedBy = paused === undefined ? undefined : `by ${paused.by} since ${paused.at}`;
  const handled = canary.status?.handledRequests ?? {};
  for (const request of manualRequestsFromAnnotations(canary.metadata.annotations)) {
    if (handled[request.kind] === request.id) continue;
    if (request.kind === 'pause') pausedBy = `by ${request.requestedBy}, not yet acted on by the controller`;
    if (request.kind === 'resume') pausedBy = undefined;
  }
  return pausedBy;
}

function verb(kind: ManualRequestKind): string {
  return kind === 'promote-full' ? 'fully promote' : kind;
}

function what(kind: ManualRequestKind): string {
  return kind === 'promote-full' ? 'full promotion' : kind;
}
