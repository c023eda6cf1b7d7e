import { Watch, type KubeConfig } from '@kubernetes/client-node';

type WatchCallback = (phase: string, apiObj: unknown, watchObj?: unknown) => void;
type DoneCallback = (err: unknown) => void;

/**
 * client-node's Watch, instrumented for the resilient informer: asks for bookmarks, reports every line
 * received (bookmarks included, which ListWatch swallows) so a watchdog can spot a silent stream, and
 * can end the current stream as if the server had answered 410 Gone, which makes ListWatch relist
 * while keeping its cache (only real differences reach the callbacks).
 */
export class ObservedWatch extends Watch {
  #current: { controller: AbortController; done: DoneCallback } | undefined;
  readonly #onActivity: () => void;
  readonly #onConnected: () => void;
  readonly #transform: ((obj: unknown) => unknown) | undefined;

  /** `transform` is applied to the object of every ADDED, MODIFIED and DELETED event before ListWatch sees it. */
  constructor(kubeConfig: KubeConfig, hooks: { onActivity: () => void; onConnected: () => void; transform?: (obj: unknown) => unknown }) {
    super(kubeConfig);
    this.#onActivity = hooks.onActivity;
    this.#onConnected = hooks.onConnected;
    this.#transform = hooks.transform;
  }

  override async watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: DoneCallback): Promise<AbortController> {
    let finished = false;
    const doneOnce: DoneCallback = (err) => {
      if (finished) return;
      finished = true;
      if (this.#current?.done === doneOnce) this.#current = undefined;
      done(err);
    };
    const transform = this.#transform;
    const observed: WatchCallback = (phase, obj) => {
      this.#onActivity();
      // BOOKMARK and ERROR carry no object to cache (a bookmark's resourceVersion must stay as it is).
      const changed = phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED';
      // The raw event is not passed on: ListWatch does not read it, and it would hold the untransformed object.
      callback(phase, changed && transform ? transform(obj) : obj);
    };
    const controller = await super.watch(path, { ...queryParams, allowWatchBookmarks: true }, observed, doneOnce);
    if (!finished) {
      this.#current = { controller, done: doneOnce };
      this.#onConnected();
    }
    return controller;
  }

  /** Whether a stream is open right now. */
  connected(): boolean {
    return this.#current !== undefined;
  }

  /** Ends the open stream with a synthetic 410 so ListWatch relists; false when no stream is open. */
  forceRelist(): boolean {
    const current = this.#current;
    if (!current) return false;
    current.done({ statusCode: 410, message: 'relist requested by Kanari' });
    current.controller.abort();
    return true;
  }
}
