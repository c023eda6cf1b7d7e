import type { CanaryMatch } from './canary.ts';

/**
 * A/B `match` entries in a few words, for the places that show where traffic goes (the playground's
 * line, `kanari status`): under A/B the route's canary weight is 100 for matching requests only, so
 * "100%" alone would say every user is on the new version.
 */

type Condition = { exact?: string; prefix?: string; suffix?: string; regex?: string };

/** `x-canary: insider`, `cookie ~ /^canary/`, `uri: /beta*`; several entries joined with "or". */
export function describeMatches(matches: readonly CanaryMatch[] | undefined): string {
  const entries = (matches ?? []).map(describeMatch).filter(Boolean);
  return entries.length > 0 ? entries.join(' or ') : 'no match conditions';
}

function describeMatch(match: CanaryMatch): string {
  const parts = [
    ...Object.entries(match.headers ?? {}).map(([name, condition]) => describeCondition(name, condition)),
    ...(match.uri ? [describeCondition('uri', match.uri)] : []),
    ...(match.method ? [describeCondition('method', match.method)] : []),
  ];
  return parts.join(' and ');
}

function describeCondition(name: string, condition: Condition): string {
  if (condition.exact !== undefined) return `${name}: ${condition.exact}`;
  if (condition.prefix !== undefined) return `${name}: ${condition.prefix}*`;
  if (condition.suffix !== undefined) return `${name}: *${condition.suffix}`;
  if (condition.regex !== undefined) return `${name} ~ /${condition.regex}/`;
  return name;
}
