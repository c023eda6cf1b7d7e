import type { JsonObject } from './json.ts';
import { LabelSelector } from '../../kube/label-selector.ts';

/**
 * Kubernetes' RBAC authorizer over the stored Roles, ClusterRoles, RoleBindings and ClusterRoleBindings,
 * as kube-apiserver evaluates them for a SubjectAccessReview: a request is allowed when a binding whose
 * subjects name the user (or one of its groups, or its ServiceAccount) points at a role with a matching
 * rule; ClusterRoleBindings count everywhere, RoleBindings only in their namespace. The group
 * `system:masters` is allowed everything, as kube-apiserver's privileged-group authorizer does. The
 * sandbox only answers questions with it: requests themselves are not authorized.
 */

/** Who is asking. */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** What a SubjectAccessReview asks about: a resource request or a non-resource URL. */
export interface AccessAttributes {
  verb: string;
  /** API group; '' for the core group. */
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** Empty or absent: a cluster-wide request. */
  namespace?: string;
  /** A non-resource request (`/healthz`, `/metrics`). */
  path?: string;
}

export interface AccessDecision {
  allowed: boolean;
  /** Which binding and role allowed it, as kube-apiserver words it; empty when denied. */
  reason: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface RoleRef {
  kind?: string;
  name?: string;
}

/** The RBAC objects the authorizer reads, by kind: a view onto the sandbox's store. */
export interface RbacObjects {
  clusterRoles(): JsonObject[];
  clusterRoleBindings(): JsonObject[];
  roles(namespace: string): JsonObject[];
  roleBindings(namespace: string): JsonObject[];
}

export const PRIVILEGED_GROUP = 'system:masters';

/** Decides whether `user` may do `attributes`, from the RBAC objects stored now. */
export function authorize(objects: RbacObjects, user: UserInfo, attributes: AccessAttributes): AccessDecision {
  if (user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
  const clusterRoles = new Map(objects.clusterRoles().map((role) => [nameOf(role), role]));
  const rulesOfClusterRole = (name: string): PolicyRule[] => {
    const role = clusterRoles.get(name);
    return role === undefined ? [] : clusterRoleRules(role, [...clusterRoles.values()]);
  };
  for (const binding of objects.clusterRoleBindings()) {
    const ref = binding.roleRef as RoleRef | undefined;
    if (ref?.kind !== 'ClusterRole' || !bindsUser(binding, user, undefined)) continue;
    if (rulesOfClusterRole(ref.name ?? '').some((rule) => ruleAllows(rule, attributes))) {
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${nameOf(binding)}" of ClusterRole "${ref.name}" to ${subjectText(user)}` };
    }
  }
  const namespace = attributes.namespace ?? '';
  if (namespace === '' || attributes.path !== undefined) return { allowed: false, reason: '' };
  const roles = new Map(objects.roles(namespace).map((role) => [nameOf(role), role]));
  for (const binding of objects.roleBindings(namespace)) {
    const ref = binding.roleRef as RoleRef | undefined;
    if (!bindsUser(binding, user, namespace)) continue;
    const rules = ref?.kind === 'ClusterRole' ? rulesOfClusterRole(ref.name ?? '') : ref?.kind === 'Role' ? ((roles.get(ref.name ?? '')?.rules as PolicyRule[] | undefined) ?? []) : [];
    if (rules.some((rule) => ruleAllows(rule, attributes))) {
      return { allowed: true, reason: `RBAC: allowed by RoleBinding "${nameOf(binding)}/${namespace}" of ${ref?.kind} "${ref?.name}" to ${subjectText(user)}` };
    }
  }
  return { allowed: false, reason: '' };
}

/** A ClusterRole's rules, with an aggregationRule's selected roles folded in (the aggregation controller's work). */
function clusterRoleRules(role: JsonObject, all: JsonObject[], seen = new Set<string>()): PolicyRule[] {
  seen.add(nameOf(role));
  const own = (role.rules as PolicyRule[] | undefined) ?? [];
  const selectors = ((role.aggregationRule as { clusterRoleSelectors?: object[] } | undefined)?.clusterRoleSelectors ?? []).map((s) =>
    LabelSelector.fromLabelSelector(s as Parameters<typeof LabelSelector.fromLabelSelector>[0]),
  );
  if (selectors.length === 0) return own;
  const aggregated = all.filter((other) => !seen.has(nameOf(other)) && selectors.some((selector) => selector.matches(labelsOf(other))));
  return [...own, ...aggregated.flatMap((other) => clusterRoleRules(other, all, seen))];
}

function bindsUser(binding: JsonObject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  return ((binding.subjects as Subject[] | undefined) ?? []).some((subject) => {
    switch (subject.kind) {
      case 'User':
        return subject.name === user.name;
      case 'Group':
        return subject.name !== undefined && user.groups.includes(subject.name);
      case 'ServiceAccount': {
        const namespace = subject.namespace ?? bindingNamespace;
        return namespace !== undefined && user.name === `system:serviceaccount:${namespace}:${subject.name}`;
      }
      default:
        return false;
    }
  });
}

function ruleAllows(rule: PolicyRule, attributes: AccessAttributes): boolean {
  if (!matchesAny(rule.verbs, attributes.verb)) return false;
  if (attributes.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some((url) => url === '*' || url === attributes.path || (url.endsWith('*') && attributes.path!.startsWith(url.slice(0, -1))));
  }
  if (!matchesAny(rule.apiGroups, attributes.group ?? '')) return false;
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : (attributes.resource ?? '');
  const resources = rule.resources ?? [];
  const resourceMatches = resources.some(
    (r) => r === '*' || r === resource || (attributes.subresource !== undefined && r === `*/${attributes.subresource}`),
  );
  if (!resourceMatches) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (attributes.name !== undefined && names.includes(attributes.name));
}

function matchesAny(values: string[] | undefined, value: string): boolean {
  return (values ?? []).some((v) => v === '*' || v === value);
}

function nameOf(object: JsonObject): string {
  return String((object.metadata as JsonObject | undefined)?.name ?? '');
}

function labelsOf(object: JsonObject): Record<string, string> | undefined {
  return (object.metadata as { labels?: Record<string, string> } | undefined)?.labels;
}

function subjectText(user: UserInfo): string {
  return `User "${user.name}"`;
}
