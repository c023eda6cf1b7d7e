import { CANARY_API_VERSION } from '../../../src/api/canary.ts';
import { GitOpsReapplier, type ApplyMode, type Manifest } from '../../helpers/gitops/reapplier.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

/**
 * A GitOps tool with a very short interval re-applies the Canary and its target Deployment (a few
 * times per analysis interval, every round touching an annotation of both, as a tool stamping its
 * sync would) through a whole release, client-side as Argo CD does and server-side as Flux does. The
 * release ships the GitOps way: by changing the image in the manifests the tool applies.
 */

const PERIOD_MS = 250;
const GOOD = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

/** What Git holds: the image, and what the tool writes as the target's replicas (undefined: nothing). */
interface Git {
  image: string;
  replicas: () => Promise<number | undefined> | number | undefined;
}

function manifests(git: Git, round: number, replicas: number | undefined): Manifest[] {
  const annotations = { 'gitops.example/synced-round': String(round) };
  const labels = { app: 'podinfo' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'podinfo', namespace: NAMESPACE, labels, annotations },
      spec: {
        ...(replicas === undefined ? {} : { replicas }),
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: git.image, ports: [{ name: 'http', containerPort: 9898 }] }] } },
      },
    },
    {
      apiVersion: CANARY_API_VERSION,
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace: NAMESPACE, annotations },
      spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: quickAnalysis() },
    },
  ];
}

describe('canary engine: a GitOps tool re-applying the Canary and its target through a run', () => {
  let world: EngineHarness;
  let storm: GitOpsReapplier | undefined;

  beforeEach(async () => {
    world = await EngineHarness.start({ https: true });
  });
  afterEach(async () => {
    await storm?.stop();
    await world.stop();
  });

  /** Starts the tool on `git`, then ships podinfo:6.0.1 through it and lets the release run to its end. */
  async function releaseThroughStorm(mode: ApplyMode, git: Git): Promise<GitOpsReapplier> {
    storm = new GitOpsReapplier({
      mode,
      kubeConfig: world.sandbox.kubeConfig,
      kubeconfigYaml: world.sandbox.server.kubeconfigYaml(),
      periodMs: PERIOD_MS,
      manifests: async (round) => manifests(git, round, await git.replicas()),
    });
    await storm.start();
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', GOOD);
    git.image = 'podinfo:6.0.1';
    const reapplied = storm;
    // Every analysis interval passes only after the tool has applied again.
    await world.drive(
      'podinfo',
      async () => {
        await reapplied.waitForRounds(1);
        return (await world.status('podinfo')).phase === 'Succeeded';
      },
      'phase Succeeded through the re-applies',
    );
    await world.controller?.idle();
    return reapplied;
  }

  /** The uninterrupted release (promotion.test.ts), and every status the tool saw after Kanari's first kept. */
  async function expectReleaseAsWithoutTheTool(tool: GitOpsReapplier): Promise<void> {
    expect(world.phaseHistory).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    const primary = await world.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    expect(primary.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.1');
    const canaries = tool.seen.filter((object) => object.kind === 'Canary');
    const first = canaries.findIndex((object) => object.status?.phase);
    expect(first).toBeGreaterThanOrEqual(0);
    for (const seen of canaries.slice(first)) {
      expect(seen.status).toMatchObject({ phase: expect.any(String), observedGeneration: seen.generation });
      expect(seen.status?.conditions).toHaveLength(4);
    }
    expect(tool.failures).toEqual([]);
  }

  /** Kanari's own conflicts: refused status writes, each followed by a fresh read; none may end a tick in failure. */
  function kanariConflicts(): { statusConflicts: number; failedTicks: number } {
    return {
      statusConflicts: world.logLines.filter((line) => line.includes('status conflict; re-reading')).length,
      failedTicks: world.logLines.filter((line) => line.includes('reconcile failed; retrying')).length,
    };
  }

  test('server-side apply (Flux) with replicas in Git fighting the scale to zero: the release is unchanged, the target keeps pods between releases', async () => {
    const git: Git = { image: 'podinfo:6.0.0', replicas: () => 2 };
    const tool = await releaseThroughStorm('server-side', git);
    await expectReleaseAsWithoutTheTool(tool);
    const { statusConflicts, failedTicks } = kanariConflicts();
    expect(failedTicks).toBe(0);
    // At most one refused status write per round that changed the Canary: retried, never a storm.
    expect(statusConflicts).toBeLessThanOrEqual(tool.rounds);
    await tool.waitForRounds(2);
    // The cost of the fight: Git's two replicas are back on the target after the scale to zero.
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(2);
  });

  test('client-side apply (kubectl, as Argo CD) without replicas in Git, the documented way: the target stays at zero', async () => {
    const git: Git = { image: 'podinfo:6.0.0', replicas: () => undefined };
    const tool = await releaseThroughStorm('client-side', git);
    await expectReleaseAsWithoutTheTool(tool);
    expect(kanariConflicts().failedTicks).toBe(0);
    await tool.waitForRounds(2);
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
  });

  test.each([
    ['server-side apply of manifests whose replicas a Flux patch removes', 'server-side' as const, false],
    ['client-side apply of the live replicas, as Argo CD with RespectIgnoreDifferences', 'client-side' as const, true],
  ])('%s: the target stays at zero through the re-applies', async (_name, mode, respectLive) => {
    const git: Git = {
      image: 'podinfo:6.0.0',
      replicas: async () => {
        if (!respectLive) return undefined;
        // Argo CD puts the live value of an ignored field into what it applies (Git's 2 when there is none yet).
        const live = await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE }).catch(() => undefined);
        return live?.spec?.replicas ?? 2;
      },
    };
    const tool = await releaseThroughStorm(mode, git);
    await expectReleaseAsWithoutTheTool(tool);
    await tool.waitForRounds(2);
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
  });
});
