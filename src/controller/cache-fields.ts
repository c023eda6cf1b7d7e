import type { FieldSelection } from '../kube/field-selection.ts';

/**
 * What the controller's informer caches keep of each kind, besides apiVersion, kind and the standard
 * metadata (field-selection.ts): the fields some part of Kanari reads, and nothing else. A reader of a
 * field not listed here sees it missing, so whoever reads a new field adds it here; a new kind (an
 * HTTPRoute, a dashboard's view) comes with its own list.
 */

/**
 * Everything: decide reads the whole spec and status, and the status is compared whole before a write;
 * the uid makes the Canary an owner and names it in Events, the generation stamps conditions.
 */
export const CANARY_FIELDS: FieldSelection = { metadata: { uid: true, generation: true }, spec: true, status: true };

/**
 * The whole spec (the primary is a copy of the target's template and strategy, the revision a hash of
 * the template); of the status only the numbers readiness is judged by (workload/readiness.ts). The
 * conditions, with their messages and timestamps, are never read.
 */
export const DEPLOYMENT_FIELDS: FieldSelection = {
  metadata: { generation: true },
  spec: true,
  status: { observedGeneration: true, replicas: true, updatedReplicas: true, readyReplicas: true, availableReplicas: true },
};

/** As a Deployment: the whole spec, and of the status the counts readiness is judged by (workload/daemonset-target.ts). */
export const DAEMON_SET_FIELDS: FieldSelection = {
  metadata: { generation: true },
  spec: true,
  status: { observedGeneration: true, desiredNumberScheduled: true, updatedNumberScheduled: true, numberReady: true, numberAvailable: true },
};

/**
 * Metadata only: the content of a ConfigMap or Secret is kept as its checksum (ConfigSummary), which is
 * all a revision needs; the few reads of content (copies to the primary, a provider's credentials) go
 * to the API server. Most of a cluster's Secrets are not Kanari's (Helm releases, certificates).
 */
export const CONFIG_FIELDS: FieldSelection = {};

/** The spec, copied to the primary's HPA; the status (current metrics) is never read. */
export const AUTOSCALER_FIELDS: FieldSelection = { spec: true };

/** Kanari's own kinds: the spec is what they say. */
export const METRIC_TEMPLATE_FIELDS: FieldSelection = { spec: true };
export const ALERT_PROVIDER_FIELDS: FieldSelection = { spec: true };

/** Selector and ports, which Kanari owns on its Services; labels and annotations are in the metadata. */
export const SERVICE_FIELDS: FieldSelection = { spec: { type: true, selector: true, ports: true } };

/** Backends, matches and the root service: the router compares and patches the spec. */
export const TRAFFIC_SPLIT_FIELDS: FieldSelection = { spec: true };

/** Only that a CRD of a group changed (the SMI versions are then re-discovered); never its schema, the bulk of it. */
export const CRD_FIELDS: FieldSelection = { spec: { group: true, names: true } };

/**
 * The CRDs whose served versions and schema a router reads (the Gateway API router picks the HTTPRoute
 * version and the optional fields it has from it): kept whole, one object.
 */
export const CRD_WHOLE_FIELDS: FieldSelection = { spec: true };

/**
 * Spec and status (the Gateway's acceptance in status.parents holds a run); the generation tells a copy
 * older than Kanari's own last write.
 */
export const HTTP_ROUTE_FIELDS: FieldSelection = { metadata: { generation: true }, spec: true, status: true };
