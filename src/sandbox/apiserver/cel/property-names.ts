// Kubernetes exposes a schema property to CEL under an escaped name when the name is a CEL keyword or holds
// characters an identifier cannot (apiserver/pkg/cel/escaping.go): `namespace` is `__namespace__`,
// `x-y` is `x__dash__y`. Rules in upstream CRDs rely on it (Gateway API's `p1.__namespace__`).

const reservedWords = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

const escapes: Record<string, string> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/** The name CEL sees for a property, or undefined when Kubernetes cannot expose it (then rules cannot read it). */
export function escapePropertyName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (reservedWords.has(name)) return `__${name}__`;
  let ok = true;
  const escaped = name.replace(/__|[-./]|[^a-zA-Z0-9_]/g, (s) => {
    const e = escapes[s];
    if (e === undefined) ok = false;
    return e ?? '';
  });
  return ok ? escaped : undefined;
}
