/**
 * Kubernetes Quantity strings ("296875m", "1.5k", "2Ki", "1e3"), the number format of SMI TrafficMetrics
 * values and of TrafficSplit v1alpha1 weights. Parsed once at the edge into a plain number; formatted
 * back in Kubernetes' canonical DecimalSI form so what Kanari writes reads exactly like what the API
 * machinery itself would emit.
 */

/** Raised for a string that is not a Quantity; the message shows the accepted forms. */
export class QuantityError extends Error {
  constructor(text: unknown) {
    super(`${JSON.stringify(text)} is not a Kubernetes quantity: use a number with an optional suffix, e.g. 90, 500m, 1.5k, 2Ki, 1e3`);
    this.name = 'QuantityError';
  }
}

const DECIMAL_SUFFIX_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX_POWER: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const EXPONENT_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };

// Suffixes are tried before exponents, as in apimachinery: "1E" is one exa, "1E3" is one thousand.
const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?[0-9]+))?$/;

/** Parses a Quantity string (or passes a finite number through); throws QuantityError otherwise. */
export function parseQuantity(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(input);
    return input;
  }
  const match = typeof input === 'string' ? QUANTITY.exec(input.trim()) : null;
  if (!match) throw new QuantityError(input);
  const [, sign, digits, suffix = '', exponent] = match;
  let value = Number(digits);
  if (suffix in BINARY_SUFFIX_POWER) value *= 2 ** BINARY_SUFFIX_POWER[suffix];
  else if (exponent !== undefined) value = Number(`${digits}e${exponent}`);
  else if (suffix) value = Number(`${digits}e${DECIMAL_SUFFIX_EXPONENT[suffix]}`);
  return sign === '-' ? -value : value;
}

/** Like parseQuantity, but returns undefined for input that is not a Quantity. */
export function tryParseQuantity(input: unknown): number | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

/**
 * Formats a number the way apimachinery serialises a DecimalSI Quantity: no fractional digits, the
 * largest suffix that loses no precision (90 → "90", 1000 → "1k", 296.875 → "296875m"), and anything
 * finer than a nano rounded up to the next nano as Kubernetes does.
 */
export function formatQuantity(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityError(value);
  const negative = value < 0;
  const { mantissa, exponent } = exactDecimal(Math.abs(value));
  return formatDecimal(negative ? -mantissa : mantissa, exponent);
}

/**
 * Formats a count of thousandths, the form smi-metrics produced with `NewMilliQuantity(int64(v*1000))`.
 * A bigint, because the int64 extremes that Go's NaN conversion yields must print exactly.
 */
export function formatMilliQuantity(millis: bigint): string {
  return formatDecimal(millis, -3);
}

function formatDecimal(mantissa: bigint, exponent: number): string {
  if (mantissa === 0n) return '0';
  let m = mantissa;
  let e = exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e += 1;
  }
  // The suffix exponent is a multiple of three no larger than e, so the mantissa stays an integer.
  let suffixExponent = Math.min(Math.floor(e / 3) * 3, 18);
  if (suffixExponent < -9) suffixExponent = -9;
  if (e < -9) {
    // Finer than a nano: round the magnitude up to whole nanos.
    const divisor = 10n ** BigInt(-9 - e);
    const magnitude = (m < 0n ? -m : m) + divisor - 1n;
    m = (m < 0n ? -1n : 1n) * (magnitude / divisor);
    e = -9;
  }
  const scaled = m * 10n ** BigInt(e - suffixExponent);
  return `${scaled}${EXPONENT_SUFFIX[suffixExponent]}`;
}

/** The shortest decimal digits that round-trip `value` (JavaScript's own printing), as integer × 10^exponent. */
function exactDecimal(value: number): { mantissa: bigint; exponent: number } {
  const [coefficient, exponentText = '0'] = value.toExponential().split('e');
  const [whole, fraction = ''] = coefficient.split('.');
  return { mantissa: BigInt(whole + fraction), exponent: Number(exponentText) - fraction.length };
}
