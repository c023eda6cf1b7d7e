import type { Canary } from '../api/canary.ts';
import type { EngineEvent } from '../engine/actions.ts';
import type { EventRecorder } from '../engine/ports.ts';
import type { KubeEventRecorder } from '../kube/events.ts';
import type { Notifier } from '../notify/notifier.ts';
import { canaryRef } from './canary-gates.ts';

/**
 * The engine's EventRecorder: each event becomes a Kubernetes Event on the Canary and, as in Flagger,
 * a payload posted to the Canary's `event` webhooks and to the controller's `--event-webhook`.
 */
export class CanaryEvents implements EventRecorder {
  readonly #events: KubeEventRecorder;
  readonly #notifier: Notifier;
  readonly #now: () => number;

  constructor(options: { events: KubeEventRecorder; notifier: Notifier; now: () => number }) {
    this.#events = options.events;
    this.#notifier = options.notifier;
    this.#now = options.now;
  }

  async record(canary: Canary, event: EngineEvent): Promise<void> {
    this.#notifier.publishEvent(canaryRef(canary), { message: event.message, type: event.eventType }, new Date(this.#now()), canary.spec.analysis.webhooks ?? []);
    await this.#events.record(canary, event);
  }
}
