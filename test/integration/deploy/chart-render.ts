import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** What a template may refer to: the chart's values and the release's name and namespace. */
export interface RenderContext {
  values: Record<string, unknown>;
  release: { name: string; namespace: string };
  chart: { appVersion: string; version: string };
}

/** One rendered template: its file name and its text, empty when a whole-file condition is false. */
export interface RenderedTemplate {
  file: string;
  text: string;
}

// The chart promises to stay readable without Helm: only `{{ .Path }}` substitutions and a whole-file
// `{{- if .Path }}` … `{{- end }}`. This renderer implements exactly that and refuses anything more, so a
// template that grows Helm logic fails the test instead of silently rendering wrong.
const SUBSTITUTION = /\{\{ (\.[A-Za-z][\w.]*) \}\}/g;
const CONDITION_OPEN = /^\{\{- if (\.[A-Za-z][\w.]*) \}\}\n/;
const CONDITION_CLOSE = /\n\{\{- end \}\}\n?$/;

/** The chart's default values merged with overrides (objects merge, everything else replaces). */
export function chartValues(chartDir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return merge(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>, overrides);
}

/** The chart's context for a release, with values.yaml merged with the overrides. */
export function renderContext(chartDir: string, release: RenderContext['release'], overrides: Record<string, unknown> = {}): RenderContext {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { appVersion: string; version: string };
  return { values: chartValues(chartDir, overrides), release, chart: { appVersion: chart.appVersion, version: chart.version } };
}

/** Renders every template of the chart the way `helm template` would for these plain templates. */
export function renderChart(chartDir: string, context: RenderContext): RenderedTemplate[] {
  const dir = join(chartDir, 'templates');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, text: renderTemplate(readFileSync(join(dir, file), 'utf8'), context, file) }));
}

/** Renders one template's text. */
export function renderTemplate(source: string, context: RenderContext, file = 'template'): string {
  let body = source;
  const open = CONDITION_OPEN.exec(body);
  if (open) {
    if (!CONDITION_CLOSE.test(body)) throw new Error(`${file}: {{- if }} without a final {{- end }}`);
    if (!truthy(lookup(open[1]!, context, file))) return '';
    body = body.slice(open[0].length).replace(CONDITION_CLOSE, '\n');
  }
  const text = body.replace(SUBSTITUTION, (_, path: string) => String(lookup(path, context, file) ?? ''));
  const leftover = /\{\{.*?\}\}/.exec(text);
  if (leftover) throw new Error(`${file}: "${leftover[0]}" is more than a plain substitution`);
  return text;
}

function lookup(path: string, context: RenderContext, file: string): unknown {
  const [root, ...rest] = path.slice(1).split('.');
  const roots: Record<string, unknown> = { Values: context.values, Release: context.release, Chart: context.chart };
  if (!(root! in roots)) throw new Error(`${file}: unknown root ${root} in ${path}`);
  let value: unknown = roots[root!];
  // Helm spells built-in objects' fields in upper camel case (.Release.Name); values keep their own case.
  const keys = root === 'Values' ? rest : rest.map((k) => k.charAt(0).toLowerCase() + k.slice(1));
  for (const key of keys) {
    const here = (value as Record<string, unknown> | undefined)?.[key];
    if (here === undefined && root !== 'Values') throw new Error(`${file}: ${path} is not defined`);
    if (here === undefined) throw new Error(`${file}: ${path} is not in values.yaml`);
    value = here;
  }
  return value;
}

function truthy(value: unknown): boolean {
  return value !== false && value !== 0 && value !== '' && value !== null && value !== undefined;
}

function merge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
