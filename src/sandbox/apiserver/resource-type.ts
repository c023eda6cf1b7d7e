import type { RuleNode } from './cel/validation-rules.ts';
import type { JsonObject } from './json.ts';
import type { SchemaProps } from './structural-schema.ts';

/** A printer column as CRDs declare it (additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** Where a scale subresource finds replicas, as CRDs declare it. */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/**
 * Everything the server knows about one resource at one group/version: its names for discovery and
 * error messages, its scope, which subresources it has, and (for custom resources) its schema.
 */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  hasStatus: boolean;
  scale: ScalePaths | undefined;
  /** Whether the real server maintains metadata.generation for this kind. */
  hasGeneration: boolean;
  builtin: boolean;
  /** Whether DELETE answers with the deleted object (true) or a Success Status (false). */
  returnsDeletedObject: boolean;
  schema: SchemaProps | undefined;
  /** The schema's x-kubernetes-validations rules, compiled once when the CRD was written. */
  celRules?: RuleNode;
  printerColumns: PrinterColumn[] | undefined;
  /** Fills in the fields the real server defaults; mutates the object it is given. */
  defaulter: ((obj: JsonObject, ctx: DefaultingContext) => void) | undefined;
}

/** What defaulters may need from the server (e.g. a Service's cluster IP allocator). */
export interface DefaultingContext {
  allocateClusterIp(): string;
}

/** "apps/v1", or "v1" for the core group. */
export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** The storage key of a resource across its versions: objects pass between versions unchanged. */
export function groupResourceKey(t: { group: string; plural: string }): string {
  return `${t.plural}.${t.group}`;
}

/** The verbs every ordinary resource supports. */
export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
