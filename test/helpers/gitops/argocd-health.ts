import { LuaFactory, type LuaEngine } from 'wasmoon';

/** What an Argo CD health script returns. */
export interface ArgoHealth {
  status: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  message?: string;
}

/**
 * Runs an Argo CD `resource.customizations.health.<group>_<kind>` Lua script on a resource, in the
 * reference Lua interpreter (compiled to WebAssembly): `obj` is a global table built from the
 * resource's JSON, as Argo CD builds it, and the script's chunk returns the health table.
 */
export class ArgoHealthScript {
  readonly #engine: LuaEngine;
  readonly #script: string;

  private constructor(engine: LuaEngine, script: string) {
    this.#engine = engine;
    this.#script = script;
  }

  static async load(script: string): Promise<ArgoHealthScript> {
    return new ArgoHealthScript(await new LuaFactory().createEngine(), script);
  }

  async evaluate(resource: unknown): Promise<ArgoHealth> {
    await this.#engine.doString(`obj = ${luaLiteral(JSON.parse(JSON.stringify(resource)))}`);
    return (await this.#engine.doString(`local function health()\n${this.#script}\nend\nreturn health()`)) as ArgoHealth;
  }

  close(): void {
    this.#engine.global.close();
  }
}

/** A JSON value as a Lua 5.1 table constructor (JSON null and absent fields are nil, as in Argo CD). */
export function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(', ')}}`;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => `[${luaString(key)}] = ${luaLiteral(v)}`);
  return `{${entries.join(', ')}}`;
}

/** A Lua string literal; bytes outside printable ASCII as decimal escapes, which every Lua version reads. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (byte >= 0x20 && byte < 0x7f) out += char;
    else out += `\\${byte}`;
  }
  return `${out}"`;
}
