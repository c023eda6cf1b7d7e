import type { MeshReport } from './mesh-discovery.ts';

/** What `kanari mesh` prints: the report as plain lines, no I/O. */
export function renderMeshReport(report: MeshReport): string[] {
  const lines: string[] = ['SMI APIs'];
  for (const api of report.smi) {
    lines.push(`  ${api.api.padEnd(8)} ${api.group.padEnd(21)} ${(api.versions.length > 0 ? api.versions.join(', ') : 'not served').padEnd(40)} ${api.use}`);
  }
  lines.push('');
  if (report.gatewayApi === undefined) {
    lines.push('Gateway API: not served (no gateway.networking.k8s.io CRDs)');
  } else {
    const gateway = report.gatewayApi;
    const bundle = gateway.bundleVersion ? ` (bundle ${gateway.bundleVersion}${gateway.channel ? `, ${gateway.channel} channel` : ''})` : '';
    lines.push(`Gateway API: ${gateway.versions.join(', ')}${bundle}`);
    if (gateway.gatewayClasses.length === 0) lines.push('  no GatewayClass');
    for (const gc of gateway.gatewayClasses) lines.push(`  GatewayClass ${gc.name}: controller ${gc.controller || '-'}, Accepted ${gc.accepted}`);
  }
  lines.push('');
  lines.push('Meshes');
  if (report.meshes.length === 0) lines.push('  none recognised (by their CRDs or control-plane Deployments)');
  for (const mesh of report.meshes) {
    lines.push(`  ${mesh.name}: ${mesh.crds.length} CRD${mesh.crds.length === 1 ? '' : 's'}${mesh.crds.length > 0 ? ` (${mesh.crds.join(', ')})` : ''}; ${mesh.smi}`);
    if (mesh.controlPlane.length === 0) lines.push('    control plane: no Deployment found');
    for (const w of mesh.controlPlane) lines.push(`    control plane ${w.namespace}/${w.name}: ${w.ready}/${w.desired} ready${w.image ? ` (${w.image})` : ''}`);
  }
  lines.push('');
  lines.push('Prometheus');
  if (report.prometheus.length === 0) lines.push('  none configured (no --prometheus / --metrics-server, no prometheus MetricTemplate with an address)');
  for (const p of report.prometheus) lines.push(`  ${p.answers ? 'ok  ' : 'FAIL'} ${p.url} (${p.usedBy}): ${p.detail}`);
  lines.push('');
  lines.push('TrafficAccess preflight');
  if (report.canaries.length === 0) lines.push('  no Canaries');
  for (const c of report.canaries) lines.push(`  ${c.preflight.result === 'warn' ? 'WARN' : c.preflight.result === 'ok' ? 'ok  ' : '-   '} ${c.namespace}/${c.name}: ${c.preflight.message}`);
  if (report.problems.length > 0) {
    lines.push('');
    lines.push('Could not read');
    for (const problem of report.problems) lines.push(`  ${problem}`);
  }
  return lines;
}
