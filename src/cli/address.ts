/** `:8080` → all interfaces; `127.0.0.1:0` → loopback, any free port. */
export function parseAddress(address: string, flag = '--metrics-addr'): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new Error(`${flag} ${address}: expected host:port, e.g. :8080 or 127.0.0.1:8080`);
  return { host: match[1] === '' ? '0.0.0.0' : match[1].replace(/^\[(.*)\]$/, '$1'), port };
}
