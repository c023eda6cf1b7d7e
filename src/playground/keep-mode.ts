/**
 * `--keep`: after the scenarios the world stays up for a person to drive with kubectl. A release that
 * was rolled back is still in its Deployment (the bad release's `ERROR_RATE=0.5`), and any change a
 * person makes next (`kubectl set image`) would carry it along and be rolled back too; so each app is
 * first set back to the release its primary serves, as `kubectl rollout undo` would, and the hints
 * printed say how to ship a good release, a bad one, and how to drop a fault again.
 */
import type { Canary } from '../api/canary.ts';
import { primaryName } from '../api/names.ts';
import { LOAD_SERVICE_ACCOUNT, PLAYGROUND_NAMESPACE, type AppVersion, type PlaygroundRouter, type PlaygroundWorld } from './playground-world.ts';

const SETTLE_TIMEOUT_MS = 30_000;

/** Sets every app whose last run failed back to its primary's release and waits until Kanari has taken it back; returns what it did, in lines. */
export async function restorePromotedReleases(world: PlaygroundWorld): Promise<string[]> {
  const lines: string[] = [];
  for (const app of world.recorder.apps()) {
    const canary = world.recorder.latest(app);
    if (canary?.status?.phase !== 'Failed') continue;
    const promoted = await primaryRelease(world, app);
    const rejected = await targetRelease(world, app);
    await world.ship(app, promoted);
    // The target is back at the promoted revision: Kanari cancels the failed run (Initialized).
    await world.recorder.waitFor(app, (c: Canary) => c.status?.phase === 'Initialized', 'take back the promoted release', SETTLE_TIMEOUT_MS);
    const fault = faultsOf(rejected);
    lines.push(`${app}: Deployment set back to ${versionOf(promoted)}, the release ${primaryName(app)} serves, so the next release does not carry ${fault ? `${versionOf(rejected)}'s ${fault}` : versionOf(rejected)} along`);
  }
  return lines;
}

/** The commands to drive the kept world with: its kubeconfig, podinfo's apex proxy, the dashboard, the users' rate, the router's routes. */
export function keepHints({ kubeconfig, apexUrl, dashboardUrl, rps, router = 'smi' }: { kubeconfig: string; apexUrl: string; dashboardUrl: string; rps: number; router?: PlaygroundRouter }): string[] {
  const kubectl = `kubectl --kubeconfig ${kubeconfig}`;
  return [
    'Everything keeps running (Ctrl-C stops it). Drive it like a cluster:',
    `  export KUBECONFIG=${kubeconfig}`,
    `  ${kubectl} get canaries -w`,
    `  ${kubectl} set image deploy/podinfo app=ghcr.io/stefanprodan/podinfo:6.0.3     # a good release: promoted`,
    `  ${kubectl} set env deploy/podinfo VERSION=v4 ERROR_RATE=0.3                   # a bad one: rolled back`,
    `  ${kubectl} set env deploy/podinfo VERSION=v5 ERROR_RATE-                      # the fault removed: promoted`,
    `  npx kanari status podinfo --watch --kubeconfig ${kubeconfig}     # in the clone; or kanari, once on the PATH (README)`,
    `  open ${dashboardUrl}     # promote/abort there with the kubeconfig's token: ${kubectl} config view --raw -o jsonpath='{.users[0].user.token}'`,
    `  ${kubectl} get ${router === 'gatewayapi' ? 'httproutes,traffictargets' : 'trafficsplits,traffictargets,httproutegroups'}`,
    `  ${kubectl} get --raw /apis/metrics.smi-spec.io/v1alpha1/namespaces/${PLAYGROUND_NAMESPACE}/deployments/podinfo`,
    `  curl -H 'x-kanari-source-sa: ${PLAYGROUND_NAMESPACE}/${LOAD_SERVICE_ACCOUNT}' ${apexUrl}/     # podinfo through the mesh`,
    `Users call podinfo at ${rps}/s; rollouts you start and what Slack receives show below.`,
  ];
}

async function primaryRelease(world: PlaygroundWorld, app: string): Promise<AppVersion> {
  return releaseOf(await world.apps.readNamespacedDeployment({ name: primaryName(app), namespace: PLAYGROUND_NAMESPACE }));
}

async function targetRelease(world: PlaygroundWorld, app: string): Promise<AppVersion> {
  return releaseOf(await world.apps.readNamespacedDeployment({ name: app, namespace: PLAYGROUND_NAMESPACE }));
}

function releaseOf(deployment: { spec?: { template: { spec?: { containers: { image?: string; env?: { name: string; value?: string }[] }[] } } } }): AppVersion {
  const container = deployment.spec?.template.spec?.containers[0];
  return { image: container?.image ?? '', env: Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? ''])) };
}

function versionOf(release: AppVersion): string {
  return release.env.VERSION ?? release.image;
}

// "ERROR_RATE=0.5": what the sample app was told to do wrong, beyond its version and normal latency.
function faultsOf(release: AppVersion): string {
  return Object.entries(release.env)
    .filter(([name]) => name !== 'VERSION' && name !== 'LATENCY_MS')
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}
