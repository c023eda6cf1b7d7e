// Small DOM and formatting helpers. Text from the cluster is always set as text, never as HTML.

/** Creates an element: `h('td', { class: 'num' }, '42')`; children may be strings, nodes, arrays or null. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces a container's content. */
export function show(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

/** A duration the way kubectl prints ages: 45s, 4m30s, 2h10m, 3d4h. */
export function age(ms) {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const hours = Math.floor(m / 60);
  const days = Math.floor(hours / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (hours < 3) return `${m}m`;
  if (hours < 48) return m % 60 && hours < 8 ? `${hours}h${m % 60}m` : `${hours}h`;
  return hours % 24 ? `${days}d${hours % 24}h` : `${days}d`;
}

/** How long ago an RFC 3339 time was. */
export function ago(time) {
  return time ? `${age(Date.now() - Date.parse(time))} ago` : '-';
}

export function number(value) {
  if (value === undefined || value === null) return '-';
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

/** The unit people expect beside a built-in metric. */
export function unitOf(metric) {
  if (metric === 'request-success-rate') return '%';
  if (metric === 'request-duration') return 'ms';
  return '';
}

export function phaseBadge(phase) {
  return h('span', { class: `badge ${String(phase).toLowerCase()}`, 'data-field': 'phase' }, phase);
}

export function weightBar(weight) {
  const fill = h('span');
  // Set through the CSSOM: the page's CSP allows no inline style attributes.
  fill.style.width = `${Math.max(0, Math.min(100, weight))}%`;
  return h('span', { class: 'weight', 'data-field': 'weight' }, h('span', { class: 'bar' }, fill), `${weight}%`);
}

/** The threshold of a check in words: ≥ 99, ≤ 500, 1 ≤ v ≤ 5. */
export function range(min, max) {
  if (min !== undefined && max !== undefined) return `${number(min)} ≤ v ≤ ${number(max)}`;
  if (min !== undefined) return `≥ ${number(min)}`;
  if (max !== undefined) return `≤ ${number(max)}`;
  return '';
}

export function checkText(result) {
  const unit = unitOf(result.metric ?? result.name);
  const value = result.value === undefined ? result.result : `${number(result.value)}${unit}`;
  return h('span', { class: `check ${result.result}` }, `${result.result === 'pass' ? '✓' : '✗'} ${result.metric ?? result.name} ${value}`);
}

export function gateText(gate) {
  if (gate.gate === 'paused') return h('span', { class: 'gate' }, `paused by ${gate.names.join(', ')}`);
  return h('span', { class: 'gate' }, `${gate.gate}${gate.names.length ? ` (${gate.names.join(', ')})` : ''}`);
}
