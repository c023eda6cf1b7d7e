import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The dashboard's static files: the page and its scripts from the package's `web/dashboard/`, and
 * Chart.js from the installed `chart.js` package. Everything is served by the dashboard itself, never
 * from a CDN: clusters are often offline. Read once, at start.
 */

export interface Asset {
  body: Buffer;
  contentType: string;
}

// Two levels below the package root both as source (src/dashboard) and compiled (dist/dashboard).
const WEB_DIR = fileURLToPath(new URL('../../web/dashboard/', import.meta.url));

const PAGE_FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'charts.js': 'text/javascript; charset=utf-8',
  'list-page.js': 'text/javascript; charset=utf-8',
  'canary-page.js': 'text/javascript; charset=utf-8',
  'mesh-page.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** Loads every asset; `index` is the page, the rest are served under /assets/. */
export function loadDashboardAssets(): { index: Asset; assets: Map<string, Asset> } {
  const assets = new Map<string, Asset>();
  for (const [file, contentType] of Object.entries(PAGE_FILES)) assets.set(file, { body: readFileSync(join(WEB_DIR, file)), contentType });
  // chart.js exports only its modules; its UMD build sits beside the CommonJS entry in dist/.
  const chartDist = dirname(createRequire(import.meta.url).resolve('chart.js'));
  assets.set('chart.umd.min.js', { body: readFileSync(join(chartDist, 'chart.umd.min.js')), contentType: 'text/javascript; charset=utf-8' });
  return { index: { body: readFileSync(join(WEB_DIR, 'index.html')), contentType: 'text/html; charset=utf-8' }, assets };
}
