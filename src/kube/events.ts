import { createHash, randomBytes } from 'node:crypto';
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from '../log/logger.ts';
import { isNotFound } from './api-errors.ts';
import { mergePatchOptions } from './patch.ts';

/** The object an Event is about. */
export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** What an Event says: Normal or Warning, a CamelCase reason and a sentence for a person. */
export interface EventContent {
  eventType: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** How many aggregated Events the recorder remembers; the oldest is forgotten first. */
const MAX_REMEMBERED_EVENTS = 10_000;

/**
 * Records core/v1 Events the way `kubectl describe` shows them. The same reason and message on the same
 * object is one Event whose `count` and `lastTimestamp` grow (a patch), not a new object per tick, so a
 * Canary stuck retrying does not flood etcd. As in client-go, counts live in this process's memory, so a
 * repeat costs one patch and no read; names include a per-process nonce, so after a restart repeats start
 * a new Event instead of colliding with the old one. Best effort: failures are logged, never thrown.
 */
export class KubeEventRecorder {
  readonly #core: CoreV1Api;
  readonly #component: string;
  readonly #instance: string;
  readonly #now: () => Date;
  readonly #log: Logger | undefined;
  readonly #nonce = randomBytes(4).toString('hex');
  /** Event name → how many times it was recorded by this process. */
  readonly #counts = new Map<string, number>();

  constructor(options: { core: CoreV1Api; component?: string; instance?: string; now?: () => Date; logger?: Logger }) {
    this.#core = options.core;
    this.#component = options.component ?? 'kanari';
    this.#instance = options.instance ?? 'kanari';
    this.#now = options.now ?? (() => new Date());
    this.#log = options.logger;
  }

  /** Records an event on the object; returns the Event as stored, or undefined when recording failed. */
  async record(object: InvolvedObject, event: EventContent): Promise<CoreV1Event | undefined> {
    const namespace = object.metadata.namespace ?? 'default';
    const name = eventName(object, event, this.#nonce);
    const now = this.#now();
    try {
      const seen = this.#counts.get(name);
      if (seen !== undefined) {
        try {
          const patched = await this.#core.patchNamespacedEvent({ name, namespace, body: { count: seen + 1, lastTimestamp: now } }, mergePatchOptions());
          this.#remember(name, seen + 1);
          return patched;
        } catch (err) {
          // Expired (Events have a TTL) or deleted: start it again below.
          if (!isNotFound(err)) throw err;
        }
      }
      const created = await this.#core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: object.apiVersion,
            kind: object.kind,
            name: object.metadata.name,
            namespace,
            uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion,
          },
          type: event.eventType,
          reason: event.reason,
          message: event.message,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: this.#component },
          reportingComponent: this.#component,
          reportingInstance: this.#instance,
        },
      });
      this.#remember(name, 1);
      return created;
    } catch (err) {
      // A lost count or a conflict between two replicas is not worth failing a reconcile for.
      this.#log?.warn({ err: err instanceof Error ? err.message : String(err), reason: event.reason, object: object.metadata.name }, 'could not record event');
      return undefined;
    }
  }

  #remember(name: string, count: number): void {
    this.#counts.delete(name);
    this.#counts.set(name, count);
    if (this.#counts.size > MAX_REMEMBERED_EVENTS) this.#counts.delete(this.#counts.keys().next().value!);
  }
}

/** One name per (process, object, type, reason, message): what makes repeats aggregate into one Event. */
function eventName(object: InvolvedObject, event: EventContent, nonce: string): string {
  const digest = createHash('sha256')
    .update([nonce, object.metadata.uid ?? object.metadata.name, event.eventType, event.reason, event.message].join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${object.metadata.name}.${digest}`;
}
