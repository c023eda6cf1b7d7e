import { isObject, readPath, type JsonObject } from './json.ts';
import type { PrinterColumn, ResourceType } from './resource-type.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Column {
  definition: JsonObject;
  cell: (obj: JsonObject, now: Date) => unknown;
}

/** "5s", "3m", "2d4h": the human age kubectl prints, in the server's own (duration.HumanDuration) style. */
export function humanAge(from: unknown, now: Date): string {
  if (typeof from !== 'string') return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

const col = (name: string, type: string, description: string, cell: Column['cell'], priority = 0, format = ''): Column => ({
  definition: { name, type, format, description, priority },
  cell,
});

const nameColumn = col('Name', 'string', 'Name must be unique within a namespace.', (o) => readPath(o, '.metadata.name'), 0, 'name');
const ageColumn = col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.', (o, now) => humanAge(readPath(o, '.metadata.creationTimestamp'), now));
const customAgeColumn: Column = { ...ageColumn, definition: { ...ageColumn.definition, type: 'date' } };
const num = (o: JsonObject, path: string): number => Number(readPath(o, path) ?? 0);

function servicePorts(o: JsonObject): string {
  const ports = readPath(o, '.spec.ports');
  if (!Array.isArray(ports) || ports.length === 0) return '<none>';
  return ports.map((p: JsonObject) => `${String(p.port)}${p.nodePort ? ':' + String(p.nodePort) : ''}/${String(p.protocol ?? 'TCP')}`).join(',');
}

// The columns `kubectl get -o wide` adds (priority 1), as the server's printers fill them.
const templateContainers = (o: JsonObject): JsonObject[] => {
  const containers = readPath(o, '.spec.template.spec.containers');
  return Array.isArray(containers) ? containers : [];
};
const labelList = (labels: unknown): string =>
  isObject(labels) && Object.keys(labels).length > 0 ? Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
const workloadWideColumns = (): Column[] => [
  col('Containers', 'string', 'Names of each container in the template.', (o) => templateContainers(o).map((c) => String(c.name)).join(','), 1),
  col('Images', 'string', 'Images referenced by each container in the template.', (o) => templateContainers(o).map((c) => String(c.image)).join(','), 1),
  col('Selector', 'string', 'Label selector for pods.', (o) => labelList(readPath(o, '.spec.selector.matchLabels')), 1),
];

/** The columns kubectl shows for the built-in kinds (the server's printers), NAME/AGE otherwise. */
function builtinColumns(kind: string): Column[] {
  switch (kind) {
    case 'Namespace':
      return [nameColumn, col('Status', 'string', 'The status of the namespace', (o) => readPath(o, '.status.phase') ?? ''), ageColumn];
    case 'Deployment':
      return [
        nameColumn,
        col('Ready', 'string', 'Number of the pod with ready state', (o) => `${num(o, '.status.readyReplicas')}/${num(o, '.spec.replicas')}`),
        col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', (o) => num(o, '.status.updatedReplicas')),
        col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', (o) => num(o, '.status.availableReplicas')),
        ageColumn,
        ...workloadWideColumns(),
      ];
    case 'ReplicaSet':
      return [
        nameColumn,
        col('Desired', 'integer', 'Replicas is the number of desired replicas.', (o) => num(o, '.spec.replicas')),
        col('Current', 'integer', 'Replicas is the most recently observed number of replicas.', (o) => num(o, '.status.replicas')),
        col('Ready', 'integer', 'The number of ready replicas for this replica set.', (o) => num(o, '.status.readyReplicas')),
        ageColumn,
        ...workloadWideColumns(),
      ];
    case 'Pod':
      return [
        nameColumn,
        col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.', (o) => {
          const statuses = readPath(o, '.status.containerStatuses');
          const containers = readPath(o, '.spec.containers');
          const ready = Array.isArray(statuses) ? statuses.filter((s: JsonObject) => s.ready === true).length : 0;
          return `${ready}/${Array.isArray(containers) ? containers.length : 0}`;
        }),
        col('Status', 'string', 'The aggregate status of the containers in this pod.', (o) => readPath(o, '.status.phase') ?? 'Unknown'),
        col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', (o) => {
          const statuses = readPath(o, '.status.containerStatuses');
          return String(Array.isArray(statuses) ? statuses.reduce((n: number, s: JsonObject) => n + Number(s.restartCount ?? 0), 0) : 0);
        }),
        ageColumn,
        col('IP', 'string', 'The IP address assigned to the pod.', (o) => readPath(o, '.status.podIP') ?? '<none>', 1),
        col('Node', 'string', 'The node the pod is assigned to.', (o) => readPath(o, '.spec.nodeName') ?? '<none>', 1),
      ];
    case 'Service':
      return [
        nameColumn,
        col('Type', 'string', 'The type of the service.', (o) => readPath(o, '.spec.type') ?? 'ClusterIP'),
        col('Cluster-IP', 'string', 'The IP address of the service.', (o) => readPath(o, '.spec.clusterIP') ?? '<none>'),
        col('External-IP', 'string', 'The external IP address of the service.', () => '<none>'),
        col('Port(s)', 'string', 'The ports of the service.', servicePorts),
        ageColumn,
        col('Selector', 'string', 'The selector of the service.', (o) => labelList(readPath(o, '.spec.selector')), 1),
      ];
    case 'ConfigMap':
      return [nameColumn, col('Data', 'string', 'Number of data entries', (o) => Object.keys(isObject(o.data) ? o.data : {}).length + Object.keys(isObject(o.binaryData) ? o.binaryData : {}).length), ageColumn];
    case 'Secret':
      return [nameColumn, col('Type', 'string', 'The type of the secret', (o) => o.type ?? ''), col('Data', 'string', 'The number of data entries', (o) => Object.keys(isObject(o.data) ? o.data : {}).length), ageColumn];
    case 'CustomResourceDefinition':
      return [nameColumn, col('Created At', 'date', 'Created at', (o) => readPath(o, '.metadata.creationTimestamp'))];
    case 'HorizontalPodAutoscaler':
      return [
        nameColumn,
        col('Reference', 'string', 'The reference of the target.', (o) => `${String(readPath(o, '.spec.scaleTargetRef.kind'))}/${String(readPath(o, '.spec.scaleTargetRef.name'))}`),
        col('MinPods', 'string', 'The minimum replicas.', (o) => String(readPath(o, '.spec.minReplicas') ?? 1)),
        col('MaxPods', 'string', 'The maximum replicas.', (o) => String(readPath(o, '.spec.maxReplicas') ?? '')),
        col('Replicas', 'string', 'The current replicas.', (o) => String(num(o, '.status.currentReplicas'))),
        ageColumn,
      ];
    case 'Lease':
      return [nameColumn, col('Holder', 'string', 'The holder of the lease.', (o) => readPath(o, '.spec.holderIdentity') ?? ''), ageColumn];
    default:
      return [nameColumn, ageColumn];
  }
}

/**
 * A CRD's additionalPrinterColumns after NAME, with dates shown as ages as the apiextensions server does.
 * Like the real server, AGE is added only when the CRD declares no columns (serveDefaultColumnsIfEmpty):
 * CRDs that want AGE next to their own columns declare it.
 */
function customColumns(columns: PrinterColumn[] | undefined): Column[] {
  if (!columns || columns.length === 0) return [nameColumn, customAgeColumn];
  return [
    nameColumn,
    ...columns.map((c) =>
      col(c.name, c.type, c.description ?? '', (o, now) => {
        const v = readPath(o, c.jsonPath);
        if (v === undefined || v === null) return null;
        if (c.type === 'date') return humanAge(v, now);
        if (typeof v === 'object') return JSON.stringify(v);
        return c.type === 'string' ? String(v) : v;
      }, c.priority ?? 0, c.format ?? ''),
    ),
  ];
}

/** The columns for a resource type. */
export function columnsFor(type: ResourceType): Column[] {
  return type.builtin ? builtinColumns(type.kind) : customColumns(type.printerColumns);
}

function rowObject(obj: JsonObject, include: IncludeObject): JsonObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A meta.k8s.io/v1 Table for objects (already presented in their version), as `kubectl get` reads it. */
export function toTable(type: ResourceType, objects: JsonObject[], include: IncludeObject, listMetadata: JsonObject, now: Date): JsonObject {
  const columns = columnsFor(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    columnDefinitions: columns.map((c) => c.definition),
    rows: objects.map((o) => {
      const row: JsonObject = { cells: columns.map((c) => c.cell(o, now) ?? null) };
      const object = rowObject(o, include);
      if (object) row.object = object;
      return row;
    }),
  };
}
