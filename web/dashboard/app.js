// The dashboard's page: a hash router over three views (the Canaries, one Canary, the mesh).
import { getJson } from './api.js';
import { renderCanaryPage } from './canary-page.js';
import { renderListPage } from './list-page.js';
import { renderMeshPage } from './mesh-page.js';

const main = document.getElementById('main');
let cleanup = () => {};
let config = { actions: false, title: '' };

function route() {
  cleanup();
  const hash = location.hash.replace(/^#/, '') || '/';
  const canary = /^\/canaries\/([^/]+)\/([^/]+)$/.exec(hash);
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', (link.dataset.nav === 'mesh') === hash.startsWith('/mesh'));
  }
  if (canary) cleanup = renderCanaryPage(main, decodeURIComponent(canary[1]), decodeURIComponent(canary[2]), config);
  else if (hash.startsWith('/mesh')) cleanup = renderMeshPage(main);
  else cleanup = renderListPage(main);
}

getJson('api/config')
  .then((loaded) => {
    config = loaded;
    if (config.title) {
      document.getElementById('cluster').textContent = config.title;
      document.title = `Kanari · ${config.title}`;
    }
  })
  .catch(() => undefined)
  .finally(() => {
    window.addEventListener('hashchange', route);
    route();
  });
