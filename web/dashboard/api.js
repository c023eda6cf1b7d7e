// The dashboard's JSON API and its live stream of Canaries.

export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body;
}

/** Asks for a manual action with the person's token; resolves to `{ ok, status, message }`. */
export async function postAction(namespace, name, action, token) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`api/canaries/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/actions/${action}`, { method: 'POST', headers });
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, message: body.message ?? `HTTP ${response.status}` };
}

const listeners = new Set();
let latest;
let source;

/** Calls `listener(summaries)` now (if known) and at every change; returns the unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  if (latest) listener(latest);
  if (!source) connect();
  return () => listeners.delete(listener);
}

function connect() {
  const live = document.getElementById('live');
  source = new EventSource('api/stream');
  source.addEventListener('canaries', (event) => {
    latest = JSON.parse(event.data);
    live.textContent = 'live';
    live.classList.add('on');
    for (const listener of listeners) listener(latest);
  });
  // EventSource reconnects by itself; say so while it does.
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
  });
}
