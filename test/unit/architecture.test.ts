import { readdirSync, readFileSync } from 'node:fs';

/**
 * The import rules of docs/architecture.md, checked against the code: a layer may import only the
 * layers the page allows, so dependencies keep pointing inward.
 */

const allowed: Record<string, string[]> = {
  api: ['text'],
  engine: ['api', 'text'],
  kube: ['log'],
  log: [],
  text: [],
  server: ['log'],
  mesh: ['api', 'kube'],
  dashboard: ['api', 'engine', 'kube', 'log', 'mesh'],
  workload: ['api', 'engine', 'kube', 'log', 'text'],
  router: ['api', 'engine', 'kube', 'metrics', 'text'],
  metrics: ['api', 'kube', 'log', 'text'],
  notify: ['api', 'kube', 'log', 'text'],
  controller: ['api', 'dashboard', 'engine', 'kube', 'log', 'mesh', 'metrics', 'notify', 'router', 'server', 'text', 'workload'],
  backtest: ['api', 'controller', 'engine', 'kube', 'log', 'metrics', 'text'],
  cli: ['api', 'backtest', 'controller', 'dashboard', 'engine', 'kube', 'log', 'mesh', 'metrics', 'notify', 'playground', 'router', 'sandbox', 'server', 'text', 'workload'],
  playground: ['api', 'controller', 'dashboard', 'engine', 'kube', 'log', 'metrics', 'notify', 'router', 'sandbox', 'server', 'text', 'workload'],
  sandbox: ['api', 'kube', 'log', 'metrics', 'text'],
  time: [],
};

/** Base folders every layer may import. */
const everyLayerMay = ['time'];

const src = new URL('../../src/', import.meta.url);

/** The top-level folders of src/ that `file` (a path under src/) imports, besides its own. */
function importedLayers(file: string): string[] {
  const layer = file.split('/')[0];
  const text = readFileSync(new URL(file, src), 'utf8');
  const layers = new Set<string>();
  for (const match of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const target = new URL(match[1], new URL(file, src)).pathname.slice(src.pathname.length);
    const targetLayer = target.split('/')[0];
    if (targetLayer !== layer) layers.add(targetLayer);
  }
  return [...layers];
}

const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && file.includes('/'));

test('every folder of src/ is in the table of docs/architecture.md', () => {
  const folders = new Set(files.map((file) => file.split('/')[0]));
  expect([...folders].filter((folder) => !(folder in allowed)).sort()).toEqual([]);
  const page = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
  for (const folder of Object.keys(allowed)) expect(page).toContain(`\`${folder}/\``);
});

test('each layer imports only the layers it may', () => {
  const violations = files.flatMap((file) => {
    const layer = file.split('/')[0];
    return importedLayers(file)
      .filter((imported) => !everyLayerMay.includes(imported) && !allowed[layer]?.includes(imported))
      .map((imported) => `${file} imports ${imported}/`);
  });
  expect(violations).toEqual([]);
});
