import { allVerbs, type ResourceType } from './resource-type.ts';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultNamespace,
  defaultPod,
  defaultReplicaSet,
  defaultSecret,
  defaultService,
} from './builtin-defaults.ts';
import { crdDefaulter } from './crd-defaults.ts';

type BuiltinSpec = Pick<ResourceType, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'> & Partial<ResourceType>;

function builtin(spec: BuiltinSpec): ResourceType {
  return {
    listKind: `${spec.kind}List`,
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: allVerbs,
    hasStatus: false,
    scale: undefined,
    hasGeneration: false,
    builtin: true,
    returnsDeletedObject: false,
    schema: undefined,
    printerColumns: undefined,
    defaulter: undefined,
    ...spec,
  };
}

const deploymentScale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

/** The built-in kinds Kanari touches, with the names, scopes and subresources of Kubernetes 1.32. */
export function builtinResources(): ResourceType[] {
  return [
    builtin({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], hasStatus: true, returnsDeletedObject: true, defaulter: defaultNamespace, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
    builtin({ group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], categories: ['all'], hasStatus: true, returnsDeletedObject: true, defaulter: defaultService, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
    builtin({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] }),
    builtin({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, defaulter: defaultSecret }),
    builtin({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], categories: ['all'], hasStatus: true, returnsDeletedObject: true, defaulter: defaultPod }),
    builtin({ group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'] }),
    builtin({ group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'] }),
    builtin({ group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'] }),
    builtin({ group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'] }),
    builtin({ group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'], hasStatus: true, scale: deploymentScale, hasGeneration: true, defaulter: defaultDeployment }),
    builtin({ group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, shortNames: ['ds'], categories: ['all'], hasStatus: true, hasGeneration: true, defaulter: defaultDaemonSet }),
    builtin({ group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'], hasStatus: true, scale: deploymentScale, hasGeneration: true, defaulter: defaultReplicaSet }),
    builtin({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, shortNames: ['hpa'], categories: ['all'], hasStatus: true }),
    builtin({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true }),
    builtin({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], hasStatus: true, hasGeneration: true, returnsDeletedObject: true, defaulter: crdDefaulter }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true }),
    builtin({ group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIService', plural: 'apiservices', namespaced: false, categories: ['api-extensions'], hasStatus: true }),
  ];
}
