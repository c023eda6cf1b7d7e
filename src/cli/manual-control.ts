import type { Command } from 'commander';
import { requestAnnotation } from '../api/annotations.ts';
import type { ManualRequestKind } from '../api/annotations.ts';
import { manualRequestRefusal } from '../api/manual-request-check.ts';
import { mergePatchOptions } from '../kube/patch.ts';
import type { RegisterCommand } from './commands.ts';
import { CANARY_RESOURCE, CliError, apiErrorMessage, loadCliKubeContext, readCanary, withKubeOptions, type KubeOptions } from './kube-context.ts';

/**
 * `kanari promote|abort|pause|resume|retry <canary>`: each writes the same annotation a GitOps or kubectl
 * user would, so there is one path into the engine. The CLI refuses what the engine would ignore, so the
 * person learns it now instead of from an Event later.
 */

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
    const command = withKubeOptions(program.command(name).description(description).argument('<canary>', 'the Canary name'));
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
  const problem = manualRequestRefusal(kind, canary);
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

function verb(kind: ManualRequestKind): string {
  return kind === 'promote-full' ? 'fully promote' : kind;
}

function what(kind: ManualRequestKind): string {
  return kind === 'promote-full' ? 'full promotion' : kind;
}
