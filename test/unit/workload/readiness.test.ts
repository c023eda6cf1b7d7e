import { deploymentReadiness, observeDeployment } from '../../../src/workload/readiness.ts';

const deployment = (spec: number, status: { replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number; observedGeneration?: number }, generation = 2) => ({
  metadata: { name: 'app', generation },
  spec: { replicas: spec, selector: {}, template: {} },
  status: { observedGeneration: 2, ...status },
});

describe('deployment readiness (Flagger rule)', () => {
  it('is ready when all replicas are updated and available', () => {
    expect(deploymentReadiness(observeDeployment(deployment(3, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 })))).toEqual({ ready: true });
  });

  it('waits for the controller to observe the spec', () => {
    expect(deploymentReadiness(observeDeployment(deployment(3, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 3))).ready).toBe(false);
  });

  it('waits for updated replicas and for old replicas to go', () => {
    expect(deploymentReadiness(observeDeployment(deployment(3, { replicas: 3, updatedReplicas: 2, availableReplicas: 3 }))).reason).toMatch(/2 of 3 replicas updated/);
    expect(deploymentReadiness(observeDeployment(deployment(3, { replicas: 4, updatedReplicas: 3, availableReplicas: 3 }))).reason).toMatch(/1 old replicas/);
  });

  it('applies the ready threshold percentage', () => {
    const partly = observeDeployment(deployment(4, { replicas: 4, updatedReplicas: 4, availableReplicas: 2 }));
    expect(deploymentReadiness(partly, 100).ready).toBe(false);
    expect(deploymentReadiness(partly, 50).ready).toBe(true);
  });

  it('observes a missing deployment as not existing', () => {
    expect(deploymentReadiness(observeDeployment(undefined))).toEqual({ ready: false, reason: 'deployment does not exist' });
  });
});
