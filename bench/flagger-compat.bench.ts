/**
 * How much of Flagger's own material Kanari takes as it is: every Canary of test/fixtures/flagger/docs
 * (one file per page of Flagger's docs and per e2e test, each Canary under a `# § <section>` line), tried
 * as a migrating user would. Prints, per Canary, whether it validates with only `apiVersion` changed,
 * what `kanari convert` makes of it (converted and valid, converted but needing an edit, refused) and how
 * many notes convert printed and how many of them drop a field; then the totals, and apart the Canaries
 * Flagger ran on the Gateway API (`provider: gatewayapi…`, or no provider and `service.gatewayRefs`, as
 * with Flagger's `-mesh-provider=gatewayapi:v1`): whether convert kept that router and what it dropped.
 * Each Canary is converted alone, as pages repeat names.
 *
 *   node_modules/.bin/node bench/flagger-compat.bench.ts [fixtures dir]
 *
 * It reads only the CLI's building blocks (parse, convert, validate), so it runs on older trees as well.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertFlaggerDocuments } from '../src/api/flagger-convert.ts';
import { createValidator } from '../src/api/validation.ts';
import { parseYamlDocuments } from '../src/api/yaml-documents.ts';

type Json = Record<string, unknown>;
type Outcome = 'valid' | 'edit' | 'refused';

const dir = process.argv[2] ?? fileURLToPath(new URL('../test/fixtures/flagger/docs/', import.meta.url));
const validator = createValidator();
const rows: Array<{ page: string; section: string; asIs: boolean; outcome: Outcome; notes: number; dropped: number; gatewayApi: boolean; asIsOnGateway: boolean; routerKept: boolean }> = [];

/** Whether Flagger routed this Canary through Gateway API HTTPRoutes. */
function ranOnGatewayApi(spec: Json): boolean {
  const provider = spec.provider;
  const service = (spec.service ?? {}) as Json;
  if (typeof provider === 'string') return provider.startsWith('gatewayapi');
  return Array.isArray(service.gatewayRefs) && service.gatewayRefs.length > 0;
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  for (const chunk of readFileSync(join(dir, file), 'utf8').split(/^---[ \t]*$/m)) {
    const [parsed] = parseYamlDocuments(chunk);
    if (!parsed?.ok || (parsed.value as Json).kind !== 'Canary') continue;
    const document = parsed.value as Json;
    const asIs = validator.validate({ ...structuredClone(document), apiVersion: 'kanari.dev/v1alpha1' }).errors.length === 0;
    const conversion = convertFlaggerDocuments([document]);
    const converted = conversion.documents[0].converted;
    const outcome: Outcome = converted === undefined ? 'refused' : validator.validate(converted).errors.length === 0 ? 'valid' : 'edit';
    const section = /^#\s*§\s*(.+)$/m.exec(chunk)?.[1].trim() ?? '?';
    const gatewayApi = ranOnGatewayApi((document.spec ?? {}) as Json);
    // A controller started with `--provider gatewayapi` gives a Canary without provider that router, as
    // Flagger's -mesh-provider flag did.
    const spec = (document.spec ?? {}) as Json;
    const asIsOnGateway = gatewayApi && validator.validate({ ...structuredClone(document), apiVersion: 'kanari.dev/v1alpha1', spec: { ...structuredClone(spec), provider: spec.provider ?? 'gatewayapi' } }).errors.length === 0;
    const convertedProvider = ((converted as Json | undefined)?.spec as Json | undefined)?.provider;
    const routerKept = typeof convertedProvider === 'string' && convertedProvider.startsWith('gatewayapi');
    const dropped = conversion.notes.filter((note) => note.reason.startsWith('dropped')).length;
    rows.push({ page: file.replace(/\.yaml$/, ''), section, asIs, outcome, notes: conversion.notes.length, dropped, gatewayApi, asIsOnGateway, routerKept });
  }
}

const mark = (ok: boolean) => (ok ? 'yes' : 'no ');
const words: Record<Outcome, string> = { valid: 'converted, valid', edit: 'converted, needs an edit', refused: 'refused' };
console.log('page § section | valid as is | kanari convert | notes | of which drop a field');
for (const row of rows) console.log(`${row.page} § ${row.section} | ${mark(row.asIs)} | ${words[row.outcome]} | ${row.notes} | ${row.dropped}`);
const count = (outcome: Outcome) => rows.filter((row) => row.outcome === outcome).length;
console.log(`\n${rows.length} Canaries from ${new Set(rows.map((r) => r.page)).size} pages`);
console.log(`valid with only apiVersion changed: ${rows.filter((row) => row.asIs).length} of ${rows.length}`);
console.log(`converted by kanari convert and valid: ${count('valid')} of ${rows.length}`);
console.log(`converted, but needing an edit kanari convert names: ${count('edit')} of ${rows.length}`);
console.log(`not converted (refused, with the reason in a note): ${count('refused')} of ${rows.length}`);
console.log(`converted without dropping a field: ${rows.filter((row) => row.outcome !== 'refused' && row.dropped === 0).length} of ${rows.length}`);
const gateway = rows.filter((row) => row.gatewayApi);
const sum = (list: typeof rows, pick: (row: (typeof rows)[number]) => number) => list.reduce((total, row) => total + pick(row), 0);
console.log(`\nCanaries Flagger ran on the Gateway API: ${gateway.length}`);
console.log(`  valid with only apiVersion changed, under a controller started with --provider gatewayapi: ${gateway.filter((row) => row.asIsOnGateway).length} of ${gateway.length}`);
console.log(`  converted and still routed by HTTPRoutes (provider gatewayapi): ${gateway.filter((row) => row.outcome !== 'refused' && row.routerKept).length} of ${gateway.length}`);
console.log(`  converted without dropping a field: ${gateway.filter((row) => row.outcome !== 'refused' && row.dropped === 0).length} of ${gateway.length}`);
console.log(`  notes: ${sum(gateway, (row) => row.notes)}, of which drop a field: ${sum(gateway, (row) => row.dropped)}`);
