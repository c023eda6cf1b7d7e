import { UnknownProvider } from './router-errors.ts';
import { isSplitVersion, type SplitVersion } from './smi-versions.ts';

/** A parsed `spec.provider`: which router, and for SMI an optional pinned TrafficSplit version. */
export type ProviderSpec = { kind: 'smi'; pinnedVersion?: SplitVersion };

/** Parses `spec.provider` (`smi` by default, `smi:v1alpha2` pins); throws UnknownProvider otherwise. */
export function parseProvider(provider: string | undefined): ProviderSpec {
  const text = (provider ?? 'smi').trim() || 'smi';
  const [kind, version, ...rest] = text.split(':');
  if (kind !== 'smi' || rest.length > 0) throw new UnknownProvider(text);
  if (version === undefined) return { kind: 'smi' };
  if (!isSplitVersion(version)) throw new UnknownProvider(text);
  return { kind: 'smi', pinnedVersion: version };
}
