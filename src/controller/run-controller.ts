import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { InformerCanarySource } from '../dashboard/canary-source.ts';
import { startDashboard, type DashboardServer } from '../dashboard/dashboard-server.ts';
import { reuseConnections } from '../kube/client.ts';
import { LeaderElector } from '../kube/leader-election.ts';
import type { Logger } from '../log/logger.ts';
import type { Clock } from '../time/clock.ts';
import { createControllerMetrics } from '../server/controller-metrics.ts';
import { startHealthServer, type HealthServer, type ReadinessCheck } from '../server/health-server.ts';
import { assembleController, type ControllerOptions } from './assemble.ts';
import type { CanaryController } from './canary-controller.ts';

export interface LeaderElectionSettings {
  namespace: string;
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Unique per replica; the pod name plus a random suffix by default. */
  identity?: string;
  /** The Lease's time (renewals, retries, the renew deadline): the process clock by default, not the controller's `clock`. */
  clock?: Clock;
}

export interface RunControllerOptions extends Omit<ControllerOptions, 'metrics'> {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** host:port of /healthz, /readyz and /metrics; `undefined` serves none (tests). */
  healthAddress?: { host: string; port: number };
  /** Off by default; the chart turns it on with two replicas. */
  leaderElection?: LeaderElectionSettings;
  /** Serve the dashboard here (off by default); with `actions`, people may promote, abort… with their own token. */
  dashboard?: { address: { host: string; port: number }; actions?: boolean };
}

/** A running controller process: stop() finishes the current ticks, writes their status and releases the lease. */
export interface RunningController {
  health?: HealthServer;
  dashboard?: DashboardServer;
  isLeader(): boolean;
  /** The controller while this replica works (always without leader election). */
  current(): CanaryController | undefined;
  /** `releaseLease: false` leaves the Lease to expire, as a crashed replica would. */
  stop(options?: { releaseLease?: boolean }): Promise<void>;
}

/**
 * Builds the controller process from its parts: metrics, the health server, and the controller, started
 * at once or only while this replica holds the Lease. On losing the lease all work stops before another
 * replica can take over (the renew deadline is shorter than the lease), so no two replicas act on one
 * Canary.
 */
export async function runController(options: RunControllerOptions): Promise<RunningController> {
  const metrics = createControllerMetrics();
  let controller: CanaryController | undefined;
  let starting: Promise<void> | undefined;
  const readiness: ReadinessCheck[] = [
    { name: 'controller', healthy: () => controller !== undefined || elector !== undefined },
    { name: 'informers', healthy: () => (controller ? controller.readiness().every((check) => check.healthy()) : true) },
  ];
  const health = options.healthAddress
    ? await startHealthServer({ registry: metrics.registry, readiness, host: options.healthAddress.host, port: options.healthAddress.port })
    : undefined;
  if (health) options.logger.info({ url: health.url }, 'serving /healthz, /readyz and /metrics');
  const dashboard = options.dashboard ? await serveDashboard(options, options.dashboard) : undefined;

  const startWork = async (): Promise<void> => {
    controller = assembleController({ ...options, metrics }).controller;
    starting = controller.start();
    await starting;
  };
  const stopWork = async (): Promise<void> => {
    const stopping = controller;
    controller = undefined;
    await starting?.catch(() => undefined);
    await stopping?.stop();
  };

  let elector: LeaderElector | undefined;
  if (options.leaderElection) {
    const settings = options.leaderElection;
    elector = new LeaderElector({
      kubeConfig: options.kubeConfig,
      namespace: settings.namespace,
      name: settings.leaseName,
      identity: settings.identity ?? `${process.env.POD_NAME ?? hostname()}_${randomBytes(4).toString('hex')}`,
      leaseDurationMs: settings.leaseDurationMs,
      renewDeadlineMs: settings.renewDeadlineMs,
      retryPeriodMs: settings.retryPeriodMs,
      logger: options.logger,
      clock: settings.clock,
    });
    void elector.run({
      onStartedLeading: async () => {
        options.logger.info({ lease: `${settings.namespace}/${settings.leaseName}` }, 'became leader; starting work');
        await startWork();
      },
      onStoppedLeading: async () => {
        options.logger.warn({ lease: `${settings.namespace}/${settings.leaseName}` }, 'leadership lost; stopping all work');
        await stopWork();
      },
    });
  } else {
    await startWork();
  }

  return {
    health,
    dashboard: dashboard?.server,
    isLeader: () => (elector ? elector.isLeader() : true),
    current: () => controller,
    async stop(stopOptions = {}) {
      if (elector) await elector.stop({ release: stopOptions.releaseLease ?? true });
      await stopWork();
      await dashboard?.stop();
      await health?.close();
    },
  };
}

/**
 * The dashboard runs on every replica, leader or not, from a Canary informer of its own: a standby
 * holds no caches, and a Service in front of the replicas may send a person to either.
 */
async function serveDashboard(options: RunControllerOptions, settings: NonNullable<RunControllerOptions['dashboard']>): Promise<{ server: DashboardServer; stop(): Promise<void> }> {
  const kubeConfig = reuseConnections(options.kubeConfig);
  const namespaces = options.namespaces ?? [];
  const source = new InformerCanarySource({ kubeConfig, namespaces, logger: options.logger });
  void source.start();
  const server = await startDashboard({
    kubeConfig,
    source,
    host: settings.address.host,
    port: settings.address.port,
    actions: settings.actions,
    namespaces,
    prometheus: options.metricsServer ? [{ url: options.metricsServer, usedBy: '--metrics-server' }] : [],
    title: options.clusterName,
    logger: options.logger,
  });
  options.logger.info({ url: server.url, actions: settings.actions === true }, 'serving the dashboard');
  return { server, stop: async () => { await server.close(); await source.stop(); } };
}
