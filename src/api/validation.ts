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
import { isWithin } from './field-path.ts';
import { shownValueAt } from './offending-value.ts';
import { salvageForRules } from './schema-salvage.ts';

/**
 * Validation of the three Kanari kinds: the schema (the same one the CRD carries) with its defaults
 * applied, and the rules a schema cannot say, reported together with the value each is about. The input
 * is never modified; a valid result carries a defaulted copy, so the engine can call it on
 * informer-cached objects at every reconcile.
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
      if (!known) {
        return { valid: false, errors: withShownValues([{ path: 'kind', message: `must be one of: ${KANARI_KINDS.join(', ')} (apiVersion ${CANARY_API_VERSION})` }], object) };
      }
      return byKind[known](object);
    },
  };
}

type ErrorExplainer = (errors: NonNullable<ValidateFunction['errors']>, object: unknown) => NonNullable<ValidateFunction['errors']>;

function kindValidator<T>(check: ValidateFunction, rules: (value: T) => ValidationError[], explain: ErrorExplainer = (errors) => errors): (object: unknown) => ValidationResult<T> {
  return (object) => {
    // Defaults are written into a copy: the caller's object may be a shared informer cache entry.
    const copy: unknown = structuredClone(object);
    if (check(copy)) {
      const errors = withShownValues(rules(copy as T), copy);
      return errors.length > 0 ? { valid: false, errors } : { valid: true, value: copy as T, errors: [] };
    }
    // Every problem at once: the schema's, then the rules' on what the schema let through.
    const schemaErrors = messagesFromAjv(explain(check.errors ?? [], object));
    const salvaged = salvageForRules(copy, (candidate) => (check(candidate) ? [] : [...(check.errors ?? [])]));
    const ruleErrors = withShownValues(rulesOnSalvaged(rules, salvaged.object as T), copy).filter(
      (error) =>
        !schemaErrors.some((schema) => schema.path !== '' && isWithin(error.path, schema.path)) &&
        !salvaged.changed.some((path) => isWithin(path, error.path)),
    );
    return { valid: false, errors: [...schemaErrors, ...ruleErrors] };
  };
}

// The salvaged copy has the schema's shapes where the rules look; should a rule still trip over what
// the schema rejected, the schema's errors stand alone, as they did before rules ran on such objects.
function rulesOnSalvaged<T>(rules: (value: T) => ValidationError[], salvaged: T): ValidationError[] {
  try {
    return rules(salvaged);
  } catch {
    return [];
  }
}

/** Adds to each rule error the value it is about, unless the rule set one or it must not be shown. */
function withShownValues(errors: ValidationError[], object: unknown): ValidationError[] {
  return errors.map((error) => {
    if (error.value !== undefined) return error;
    const value = shownValueAt(object, error.path);
    return value === undefined ? error : { ...error, value };
  });
}
