import cron from 'node-cron';
import { BUILTIN_METRICS, type Canary, type CanaryAnalysis, type CanaryMatch, type RolloutWindow } from './canary.ts';
import { ABSOLUTE_HTTP_URL_RULE, isAbsoluteHttpUrl } from './http-url.ts';
import { parseRouterProvider } from './router-provider.ts';
import { childPath, type ValidationError } from './validation-error.ts';
import { duplicateNames, metadataNameRules, positiveDurationRule } from './common-rules.ts';
import { compareRules, judgeAnalysisRules } from './compare-rules.ts';
import { targetAndRouterRules } from './flagger-compat-rules.ts';
import { gatewayRules } from './gateway-rules.ts';

/**
 * The Canary rules a JSON schema cannot say: relations between fields, and values only code can check
 * (cron, time zones, URLs). They run on a schema-valid Canary with defaults applied.
 */
export function canaryRules(canary: Canary): ValidationError[] {
  return createCanaryRules()(canary);
}

/** The Canary rules with a memory of checked rollout windows: parsing cron and time zones is the costly part, and windows rarely change. */
export function createCanaryRules(): (canary: Canary) => ValidationError[] {
  const windowErrors = new Map<string, ValidationError[]>();
  const checkWindow = (window: RolloutWindow, path: string): ValidationError[] => {
    const key = JSON.stringify([window.schedules, window.timezone, path]);
    let errors = windowErrors.get(key);
    if (!errors) {
      errors = windowRules(window, path);
      // Bounded so a stream of ever-new windows cannot grow it without limit.
      if (windowErrors.size >= 1000) windowErrors.clear();
      windowErrors.set(key, errors);
    }
    return errors;
  };
  return (canary) => rulesFor(canary, checkWindow);
}

type WindowCheck = (window: RolloutWindow, path: string) => ValidationError[];

function rulesFor(canary: Canary, checkWindow: WindowCheck): ValidationError[] {
  const spec = canary.spec;
  const errors: ValidationError[] = [...metadataNameRules(canary.metadata)];
  const provider = parseRouterProvider(spec.provider);
  if (provider.kind === 'unsupported') errors.push({ path: 'spec.provider', message: provider.reason });
  if (spec.metricsServer !== undefined && !isAbsoluteHttpUrl(spec.metricsServer)) {
    errors.push({ path: 'spec.metricsServer', message: ABSOLUTE_HTTP_URL_RULE });
  }
  if (typeof spec.service.targetPort === 'number' && (spec.service.targetPort < 1 || spec.service.targetPort > 65535 || !Number.isInteger(spec.service.targetPort))) {
    errors.push({ path: 'spec.service.targetPort', message: 'must be a port number between 1 and 65535 or a port name' });
  }
  if (spec.service.targetPort === '') errors.push({ path: 'spec.service.targetPort', message: 'must not be empty' });
  const replicas = spec.autoscalerRef?.primaryScalerReplicas;
  if (replicas?.minReplicas !== undefined && replicas.maxReplicas !== undefined && replicas.minReplicas > replicas.maxReplicas) {
    errors.push({ path: 'spec.autoscalerRef.primaryScalerReplicas.minReplicas', message: `must not be greater than maxReplicas (${replicas.maxReplicas})` });
  }
  errors.push(...analysisRules(spec.analysis, 'spec.analysis', checkWindow));
  errors.push(...judgeAnalysisRules(spec.analysis, 'spec.analysis', spec.targetRef.kind));
  errors.push(...targetAndRouterRules(spec));
  errors.push(...gatewayRules(spec));
  return errors;
}

function analysisRules(analysis: CanaryAnalysis, path: string, checkWindow: WindowCheck): ValidationError[] {
  const errors: ValidationError[] = [];
  errors.push(...positiveDurationRule(analysis.interval, childPath(path, 'interval')));
  errors.push(...strategyRules(analysis, path));
  analysis.match?.forEach((match, i) => errors.push(...matchRules(match, childPath(childPath(path, 'match'), i))));
  analysis.metrics?.forEach((metric, i) => {
    const metricPath = childPath(childPath(path, 'metrics'), i);
    errors.push(...positiveDurationRule(metric.interval, childPath(metricPath, 'interval')));
    const builtin = (BUILTIN_METRICS as readonly string[]).includes(metric.name);
    if (!metric.templateRef && metric.query === undefined && !builtin) {
      errors.push({
        path: childPath(metricPath, 'name'),
        message: `is not a built-in metric (${BUILTIN_METRICS.join(', ')}): set templateRef to a MetricTemplate for a custom query`,
      });
    }
    if (!metric.thresholdRange && metric.threshold === undefined && metric.compare === undefined) {
      errors.push({ path: childPath(metricPath, 'thresholdRange'), message: 'is required: set min and/or max to judge the value against, or compare to judge the canary against the primary' });
    }
    errors.push(...compareRules(metric, metricPath));
    const range = metric.thresholdRange;
    if (range && range.min === undefined && range.max === undefined) {
      errors.push({ path: childPath(metricPath, 'thresholdRange'), message: 'must set min, max or both' });
    }
    if (range?.min !== undefined && range.max !== undefined && range.min > range.max) {
      errors.push({ path: childPath(childPath(metricPath, 'thresholdRange'), 'min'), message: `must not be greater than max (${range.max})` });
    }
  });
  analysis.webhooks?.forEach((hook, i) => {
    const hookPath = childPath(childPath(path, 'webhooks'), i);
    if (!isAbsoluteHttpUrl(hook.url)) errors.push({ path: childPath(hookPath, 'url'), message: ABSOLUTE_HTTP_URL_RULE });
    errors.push(...positiveDurationRule(hook.timeout, childPath(hookPath, 'timeout')));
  });
  errors.push(...duplicateNames(analysis.metrics, childPath(path, 'metrics')));
  errors.push(...duplicateNames(analysis.webhooks, childPath(path, 'webhooks')));
  errors.push(...duplicateNames(analysis.alerts, childPath(path, 'alerts')));
  if (analysis.window) errors.push(...checkWindow(analysis.window, childPath(path, 'window')));
  return errors;
}

/** Flagger's three strategies: iterations (blue/green, A/B with match) or stepWeight/stepWeights (canary). */
function strategyRules(analysis: CanaryAnalysis, path: string): ValidationError[] {
  const chosen = (['iterations', 'stepWeight', 'stepWeights'] as const).filter((key) => analysis[key] !== undefined);
  if (chosen.length === 0) {
    return [{ path, message: 'must set one of iterations (blue/green, or A/B testing with match), stepWeight or stepWeights (canary)' }];
  }
  if (chosen.length > 1) {
    return [{ path, message: `must set only one of iterations, stepWeight and stepWeights (found ${chosen.join(' and ')})` }];
  }
  const errors: ValidationError[] = [];
  const steps = analysis.stepWeights;
  steps?.forEach((step, i) => {
    if (i > 0 && step <= steps[i - 1]) {
      errors.push({ path: childPath(childPath(path, 'stepWeights'), i), message: `must be greater than the step before it (${steps[i - 1]}): steps must be strictly ascending` });
    }
  });
  // maxWeight beside stepWeights or iterations is ignored, as in Flagger: no rule here.
  if (analysis.match && analysis.match.length > 0 && analysis.iterations === undefined) {
    errors.push({ path: childPath(path, 'match'), message: 'is only used with iterations (A/B testing): weighted canaries route by weight, not by request' });
  }
  return errors;
}

function matchRules(match: CanaryMatch, path: string): ValidationError[] {
  const errors: ValidationError[] = [];
  const conditions: Array<[string, Record<string, string | undefined>]> = [
    ...Object.entries(match.headers ?? {}).map(([name, m]): [string, Record<string, string | undefined>] => [childPath(childPath(path, 'headers'), name), m]),
    ...(match.uri ? [[childPath(path, 'uri'), match.uri] as [string, Record<string, string | undefined>]] : []),
    ...(match.method ? [[childPath(path, 'method'), match.method] as [string, Record<string, string | undefined>]] : []),
    ...Object.entries(match.queryParams ?? {}).map(([name, m]): [string, Record<string, string | undefined>] => [childPath(childPath(path, 'queryParams'), name), m]),
  ];
  if (conditions.length === 0) errors.push({ path, message: 'must have at least one condition (headers, uri, method or queryParams)' });
  for (const [conditionPath, condition] of conditions) {
    const kinds = Object.keys(condition).filter((k) => condition[k] !== undefined);
    if (kinds.length !== 1) {
      errors.push({ path: conditionPath, message: 'must set exactly one of exact, prefix, suffix, regex' });
    } else if (condition.regex !== undefined && !compiles(condition.regex)) {
      errors.push({ path: childPath(conditionPath, 'regex'), message: 'is not a valid regular expression' });
    }
  }
  return errors;
}

function windowRules(window: RolloutWindow, path: string): ValidationError[] {
  const errors: ValidationError[] = [];
  window.schedules.forEach((schedule, i) => {
    if (!cron.validate(schedule)) {
      errors.push({
        path: childPath(childPath(path, 'schedules'), i),
        message: 'is not a valid cron expression: five fields (minute hour day-of-month month day-of-week), e.g. "* 9-16 * * 1-5"',
      });
    }
  });
  if (window.timezone !== undefined && !isTimeZone(window.timezone)) {
    errors.push({ path: childPath(path, 'timezone'), message: 'is not a known IANA time zone, e.g. Europe/Berlin or UTC' });
  }
  return errors;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
