import { CANARY_API_VERSION } from './canary.ts';
import { ALERT_PROVIDER_TYPES } from './alert-provider.ts';
import { convertCanarySpec } from './flagger-canary-convert.ts';
import { METRIC_PROVIDER_TYPES } from './metric-template.ts';
import { childPath } from './validation-error.ts';
import { objectLabel } from './yaml-documents.ts';

/**
 * Flagger (flagger.app) Canary, MetricTemplate and AlertProvider objects → Kanari objects. Pure: every
 * field that cannot be carried over, and every change of meaning, is reported as a note saying why, so
 * nothing is lost silently. What happens to each Canary field is the field table's (flagger-fields.ts).
 */

type Json = { [key: string]: unknown };

/** A Flagger field left behind (or changed) on the way, and why. */
export interface ConversionNote {
  /** `Kind/name` of the Flagger object. */
  object: string;
  path: string;
  reason: string;
}

/** What one input document became; `converted` is undefined when the object could not be carried over at all. */
export interface DocumentConversion {
  source: 'flagger' | 'other';
  converted?: Json;
}

export interface ConversionResult {
  documents: DocumentConversion[];
  notes: ConversionNote[];
  /** How many Flagger objects became Kanari objects. */
  convertedCount: number;
  /** `Kind/name` of every Flagger object that could not be carried over, in input order. */
  refused: string[];
}

export const FLAGGER_GROUP = 'flagger.app';

/** `Canary/podinfo: spec.analysis.mirror: traffic mirroring is not expressible with SMI TrafficSplit`. */
export function formatConversionNote(note: ConversionNote): string {
  return note.path ? `${note.object}: ${note.path}: ${note.reason}` : `${note.object}: ${note.reason}`;
}

/** Converts each document; non-Flagger documents pass through unchanged. */
export function convertFlaggerDocuments(documents: unknown[]): ConversionResult {
  const notes: ConversionNote[] = [];
  const refused: string[] = [];
  let convertedCount = 0;
  const converted = documents.map((document): DocumentConversion => {
    const apiVersion = (document as Json | null)?.apiVersion;
    if (typeof apiVersion !== 'string' || !apiVersion.startsWith(`${FLAGGER_GROUP}/`)) {
      notes.push({ object: objectLabel(document), path: '', reason: 'not a Flagger object: copied unchanged' });
      return { source: 'other', converted: document as Json };
    }
    const context = new Notes(objectLabel(document), notes);
    const result = convertFlaggerObject(document as Json, context);
    if (result) convertedCount += 1;
    else refused.push(objectLabel(document));
    return { source: 'flagger', converted: result };
  });
  return { documents: converted, notes, convertedCount, refused };
}

class Notes {
  readonly object: string;
  readonly list: ConversionNote[];

  constructor(object: string, list: ConversionNote[]) {
    this.object = object;
    this.list = list;
  }

  add(path: string, reason: string): void {
    this.list.push({ object: this.object, path, reason });
  }

}

function convertFlaggerObject(object: Json, notes: Notes): Json | undefined {
  const kind = object.kind;
  const spec = asObject(object.spec);
  const metadata = convertMetadata(asObject(object.metadata));
  const header = { apiVersion: CANARY_API_VERSION, kind, metadata };
  if (kind === 'Canary') {
    const converted = convertCanarySpec(spec, notes);
    return converted && { ...header, spec: converted };
  }
  if (kind === 'MetricTemplate') {
    const converted = convertMetricTemplateSpec(spec, notes);
    return converted && { ...header, spec: converted };
  }
  if (kind === 'AlertProvider') {
    const converted = convertAlertProviderSpec(spec, notes);
    return converted && { ...header, spec: converted };
  }
  notes.add('kind', `Flagger ${String(kind)} has no Kanari equivalent: not converted`);
  return undefined;
}

// The server-owned metadata fields describe the old object, not the one to create.
function convertMetadata(metadata: Json): Json {
  return pick(metadata, ['name', 'namespace', 'labels', 'annotations']);
}

function convertMetricTemplateSpec(spec: Json, notes: Notes): Json | undefined {
  const provider = asObject(spec.provider);
  if (!(METRIC_PROVIDER_TYPES as readonly unknown[]).includes(provider.type)) {
    notes.add('spec.provider.type', `${String(provider.type)} is not supported (${METRIC_PROVIDER_TYPES.join(' or ')}): not converted`);
    return undefined;
  }
  const kept = ['type', 'address', 'secretRef', 'insecureSkipVerify', 'headers'];
  for (const key of Object.keys(provider)) if (!kept.includes(key)) notes.add(childPath('spec.provider', key), 'not supported by Kanari');
  return { provider: pick(provider, kept), query: spec.query };
}

function convertAlertProviderSpec(spec: Json, notes: Notes): Json | undefined {
  const type = spec.type === 'gchat' ? 'googlechat' : spec.type;
  if (spec.type === 'gchat') notes.add('spec.type', 'gchat → googlechat');
  if (!(ALERT_PROVIDER_TYPES as readonly unknown[]).includes(type)) {
    notes.add('spec.type', `${String(spec.type)} is not supported (${ALERT_PROVIDER_TYPES.join(', ')}): not converted`);
    return undefined;
  }
  const kept = ['address', 'secretRef', 'channel', 'username', 'proxy'];
  for (const key of Object.keys(spec)) if (key !== 'type' && !kept.includes(key)) notes.add(childPath('spec', key), 'not supported by Kanari');
  // Flagger takes the Secret's address over the inline one (its docs set both); Kanari takes one source.
  if (spec.address !== undefined && spec.secretRef !== undefined) {
    notes.add('spec.address', "dropped: with secretRef set, Flagger posts to the address in the Secret, as Kanari does; Flagger's fallback to this address, for a Secret without one, is not Kanari's");
    return { type, ...pick(spec, kept.filter((key) => key !== 'address')) };
  }
  return { type, ...pick(spec, kept) };
}

function pick(source: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
