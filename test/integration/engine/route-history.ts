import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { ResilientInformer } from '../../../src/kube/informer.ts';
import type { HttpRoute } from '../../../src/router/gateway-api/http-route.ts';
import { stableJson } from '../../../src/text/stable-json.ts';

/**
 * Every distinct spec an HTTPRoute had, as the API server stored it (so as the CRD's schema and CEL
 * rules accepted it), recorded by a watch: what a person running `kubectl get httproute -w` would see.
 */
export class RouteHistory {
  /** Each distinct spec of each route, in order, with its generation. */
  readonly specs = new Map<string, HttpRoute[]>();
  readonly #informer: ResilientInformer<never>;

  constructor(options: { kubeConfig: KubeConfig; custom: CustomObjectsApi; namespace: string; version: string }) {
    const { custom, namespace, version } = options;
    this.#informer = new ResilientInformer<never>({
      kubeConfig: options.kubeConfig,
      path: `/apis/gateway.networking.k8s.io/${version}/namespaces/${namespace}/httproutes`,
      list: () => custom.listNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version, namespace, plural: 'httproutes' }) as never,
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    this.#informer.onEvent((type, route: HttpRoute) => {
      if (type === 'delete') return;
      const list = this.specs.get(route.metadata.name) ?? [];
      if (list.length === 0 || stableJson(list.at(-1)!.spec) !== stableJson(route.spec)) list.push(structuredClone(route));
      this.specs.set(route.metadata.name, list);
    });
  }

  async start(): Promise<void> {
    await this.#informer.start();
  }

  async stop(): Promise<void> {
    await this.#informer.stop();
  }

  /** The route's specs in order. */
  of(name: string): HttpRoute[] {
    return this.specs.get(name) ?? [];
  }

  /**
   * The route's layouts in order, one line per distinct spec: each rule as its backends with weights,
   * `match` naming what it matches on and `mirror→x[%]` for a mirror filter, e.g.
   * `[/ → app-primary:80 app-canary:20]`.
   */
  layouts(name: string): string[] {
    const lines = this.of(name).map((route) => (route.spec.rules ?? []).map(describeRule).join(' | '));
    return lines.filter((line, i) => i === 0 || line !== lines[i - 1]);
  }
}

function describeRule(rule: NonNullable<HttpRoute['spec']['rules']>[number]): string {
  const matches = (rule.matches ?? [])
    .map((m) => [
      ...(m.headers ?? []).map((h) => (h.name.toLowerCase() === 'cookie' ? 'cookie' : `${h.name}=${h.value}`)),
      ...(m.queryParams ?? []).map((q) => `?${q.name}=${q.value}`),
    ].join('&') || m.path?.value || '/')
    .join(',');
  const mirror = (rule.filters ?? []).filter((f) => f.type === 'RequestMirror').map((f) => ` mirror→${f.requestMirror?.backendRef.name}${f.requestMirror?.percent === undefined ? '' : `@${f.requestMirror.percent}%`}`).join('');
  const backends = (rule.backendRefs ?? []).map((b) => `${b.name}:${b.weight}${b.filters?.length ? '+cookie' : ''}`).join(' ');
  return `[${matches} → ${backends}${mirror}]`;
}
