/**
 * How `kanari mesh` recognises a service mesh: by the API groups of its CRDs and by the labels of its
 * control-plane Deployments (as each mesh's own install manifests set them). Recognition is a hint for
 * a person, never an input of a rollout.
 */
export interface KnownMesh {
  name: string;
  /** CRD groups the mesh installs; a CRD whose group is one of these or ends with `.<group>` counts. */
  crdGroups: string[];
  /** Label selectors of its control-plane Deployments, looked up in every namespace. */
  controlPlaneSelectors: string[];
  /** Whether it speaks SMI: which SMI APIs it serves or honours, for the mesh page's note. */
  smi: string;
}

export const KNOWN_MESHES: readonly KnownMesh[] = [
  { name: 'Linkerd', crdGroups: ['linkerd.io'], controlPlaneSelectors: ['linkerd.io/control-plane-component'], smi: 'SMI through the linkerd-smi extension (TrafficSplit v1alpha1/v1alpha2); Gateway API HTTPRoute natively' },
  { name: 'Istio', crdGroups: ['istio.io'], controlPlaneSelectors: ['app=istiod'], smi: 'no SMI; Gateway API HTTPRoute' },
  { name: 'Open Service Mesh', crdGroups: ['openservicemesh.io'], controlPlaneSelectors: ['app=osm-controller'], smi: 'SMI TrafficSplit v1alpha2, TrafficTarget, HTTPRouteGroup' },
  { name: 'Consul', crdGroups: ['consul.hashicorp.com'], controlPlaneSelectors: ['app=consul,component=connect-injector'], smi: 'no SMI' },
  { name: 'Kuma', crdGroups: ['kuma.io'], controlPlaneSelectors: ['app=kuma-control-plane'], smi: 'no SMI' },
  { name: 'Traefik Mesh', crdGroups: ['traefik.containo.us', 'traefik.io'], controlPlaneSelectors: ['app=maesh,component=controller'], smi: 'SMI TrafficSplit v1alpha3, TrafficTarget, HTTPRouteGroup' },
  { name: 'Cilium', crdGroups: ['cilium.io'], controlPlaneSelectors: ['io.cilium/app=operator'], smi: 'no SMI; Gateway API HTTPRoute' },
];

/** The SMI API groups and what Kanari uses each for. */
export const SMI_APIS = [
  { api: 'split', group: 'split.smi-spec.io', use: 'TrafficSplit: the canary weights' },
  { api: 'specs', group: 'specs.smi-spec.io', use: 'HTTPRouteGroup: A/B header matches' },
  { api: 'access', group: 'access.smi-spec.io', use: 'TrafficTarget: who may call whom' },
  { api: 'metrics', group: 'metrics.smi-spec.io', use: 'TrafficMetrics: success rate and latency' },
] as const;

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
