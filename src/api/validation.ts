import type { ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { API_GROUP, CANARY_API_VERSION, CanarySchema, type Canary } from './canary.ts';
import { MetricTemplateSchema, type MetricTemplate } from './metric-template.ts';
import { AlertProviderSchema, type AlertProvider } from './alert-provider.ts';
import { createCanaryRules } from './canary-rules.ts';
import { metricTemplateRules } from './metric-template-rules.ts';
import { alertProviderRules } from './alert-provider-rules.ts';
import { messagesFromAjv } from './ajv-messages.ts';
import { explainFlaggerFields } from './flagger-field-messages.ts';
import { createKubernetesAjv } from './kubernetes-ajv.ts';
import type { ValidationError } from './validation-error.ts';

/**
 * Validation of the three Kanari kinds: the schema (the same one the CRD carries) with its defaults
 * applied, then the rules a schema cannot say. The input is never modified; a valid result carries a
 * defaulted copy, so the engine can call it on informer-cached objects at every reconcile.
 */

export const KANARI_KINDS = ['Canary', 'MetricTemplate', 'AlertProvider'] as const;
export type KanariKind = (typeof KANARI_KINDS)[number];
export type KanariObject = Canary | MetricTemplate | AlertProvider;

export type ValidationResult<T> = { valid: true; value: T; errors: [] } | { valid: false; errors: ValidationError[] };

/** Validators for every kind, compiled once; build one per process (or per test) and reuse it. */
export interface KanariValidator {
  validateCanary(object: unknown): ValidationResult<Canary>;
  validateMetricTemplate(object: unknown): ValidationResult<MetricTemplate>;
  validateAlertProvider(object: unknown): ValidationResult<AlertProvider>;
  /** Chooses the kind from `kind`; errors name `kind` or `apiVersion` when neither fits. */
  validate(object: unknown): ValidationResult<KanariObject>;
}

/** True for documents in the kanari.dev group (any version), which `validate` is responsible for. */
export function isKanariDocument(object: unknown): boolean {
  const apiVersion = (object as { apiVersion?: unknown } | null)?.apiVersion;
  return typeof apiVersion === 'string' && apiVersion.startsWith(`${API_GROUP}/`);
}

/** Compiles the three schemas into one ajv instance that knows Kubernetes' schema extensions. */
export function createValidator(): KanariValidator {
  const ajv = createKubernetesAjv({ useDefaults: true });
  const canary = kindValidator<Canary>(ajv.compile(CanarySchema as TSchema), createCanaryRules(), explainFlaggerFields);
  const metricTemplate = kindValidator<MetricTemplate>(ajv.compile(MetricTemplateSchema as TSchema), metricTemplateRules);
  const alertProvider = kindValidator<AlertProvider>(ajv.compile(AlertProviderSchema as TSchema), alertProviderRules);
  const byKind: Record<KanariKind, (object: unknown) => ValidationResult<KanariObject>> = {
    Canary: canary,
    MetricTemplate: metricTemplate,
    AlertProvider: alertProvider,
  };
  return {
    validateCanary: canary,
    validateMetricTemplate: metricTemplate,
    validateAlertProvider: alertProvider,
    validate(object) {
      if (typeof object !== 'object' || object === null || Array.isArray(object)) {
        return { valid: false, errors: [{ path: '', message: 'must be a Kubernetes object (a YAML mapping)' }] };
      }
      const kind = (object as { kind?: unknown }).kind;
      const known = KANARI_KINDS.find((k) => k === kind);
      if (!known) return { valid: false, errors: [{ path: 'kind', message: `must be one of: ${KANARI_KINDS.join(', ')} (apiVersion ${CANARY_API_VERSION})` }] };
      return byKind[known](object);
    },
  };
}

type ErrorExplainer = (errors: NonNullable<ValidateFunction['errors']>, object: unknown) => NonNullable<ValidateFunction['errors']>;

function kindValidator<T>(check: ValidateFunction, rules: (value: T) => ValidationError[], explain: ErrorExplainer = (errors) => errors): (object: unknown) => ValidationResult<T> {
  return (object) => {
    // Defaults are written into a copy: the caller's object may be a shared informer cache entry.
    const copy: unknown = structuredClone(object);
    if (!check(copy)) return { valid: false, errors: messagesFromAjv(explain(check.errors ?? [], object)) };
    // Rules assume the schema's shapes, so they only run on schema-valid objects.
    const errors = rules(copy as T);
    return errors.length > 0 ? { valid: false, errors } : { valid: true, value: copy as T, errors: [] };
  };
}
