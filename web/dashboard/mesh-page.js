// The mesh page: the SMI APIs and Gateway API the cluster serves, the meshes installed, whether
// Prometheus answers, and each Canary's TrafficAccess preflight.
import { getJson } from './api.js';
import { h, show } from './format.js';

export function renderMeshPage(main) {
  let stopped = false;
  show(main, h('h1', {}, 'Mesh'), h('div', { class: 'sub' }, 'discovering…'));
  getJson('api/mesh')
    .then((report) => {
      if (!stopped) draw(main, report);
    })
    .catch((err) => {
      if (!stopped) show(main, h('h1', {}, 'Mesh'), h('div', { class: 'alert warn' }, err.message));
    });
  return () => {
    stopped = true;
  };
}

function table(id, headers, rows) {
  return h('table', { id }, h('thead', {}, h('tr', {}, headers.map((t) => h('th', {}, t)))), h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))));
}

function badge(ok, text) {
  return h('span', { class: `badge ${ok ? 'ok' : 'warn'}` }, text);
}

function draw(main, report) {
  const gateway = report.gatewayApi;
  show(
    main,
    h('h1', {}, 'Mesh'),
    h('div', { class: 'sub' }, 'What this cluster offers a canary: traffic, access and metrics APIs, meshes and Prometheus.'),
    h('h2', {}, 'SMI APIs'),
    table('smi', ['API', 'Group', 'Served versions', 'Kanari uses it for'], report.smi.map((api) => [api.api, api.group, api.versions.length ? api.versions.join(', ') : badge(false, 'not served'), api.use])),
    h('h2', {}, 'Gateway API'),
    gateway
      ? h('div', { id: 'gateway-api' },
          h('p', {}, `Served: ${gateway.versions.join(', ')}${gateway.bundleVersion ? ` · bundle ${gateway.bundleVersion}` : ''}${gateway.channel ? ` (${gateway.channel} channel)` : ''}`),
          gateway.gatewayClasses.length
            ? table('gateway-classes', ['GatewayClass', 'Controller', 'Accepted'], gateway.gatewayClasses.map((gc) => [gc.name, gc.controller, gc.accepted]))
            : h('p', { class: 'muted' }, 'No GatewayClass.'))
      : h('p', { class: 'muted', id: 'gateway-api' }, 'Not served (no gateway.networking.k8s.io CRDs).'),
    h('h2', {}, 'Meshes'),
    report.meshes.length
      ? table('meshes', ['Mesh', 'CRDs', 'Control plane', 'SMI'], report.meshes.map((mesh) => [
          mesh.name,
          mesh.crds.length ? mesh.crds.map((crd) => h('div', {}, crd)) : '-',
          mesh.controlPlane.length ? mesh.controlPlane.map((w) => h('div', {}, badge(w.ready >= w.desired && w.desired > 0, `${w.ready}/${w.desired}`), ` ${w.namespace}/${w.name}`, w.image ? h('span', { class: 'muted' }, ` ${w.image}`) : null)) : h('span', { class: 'muted' }, 'no Deployment found'),
          mesh.smi,
        ]))
      : h('p', { class: 'muted', id: 'meshes' }, 'None recognised by their CRDs or control-plane Deployments.'),
    h('h2', {}, 'Prometheus'),
    report.prometheus.length
      ? table('prometheus', ['Address', 'Used by', 'Answer'], report.prometheus.map((p) => [p.url, p.usedBy, h('span', {}, badge(p.answers, p.answers ? 'answers' : 'no answer'), ` ${p.detail}`)]))
      : h('p', { class: 'muted', id: 'prometheus' }, 'None configured.'),
    h('h2', {}, 'TrafficAccess preflight'),
    report.canaries.length
      ? table('preflight', ['Canary', 'Result', 'Why'], report.canaries.map((c) => [
          h('a', { href: `#/canaries/${encodeURIComponent(c.namespace)}/${encodeURIComponent(c.name)}` }, `${c.namespace}/${c.name}`),
          badge(c.preflight.result !== 'warn', c.preflight.result),
          c.preflight.message,
        ]))
      : h('p', { class: 'muted' }, 'No Canaries.'),
    report.problems.length ? [h('h2', {}, 'Could not read'), h('ul', {}, report.problems.map((p) => h('li', {}, p)))] : null,
  );
}
