/**
 * Exact decimal arithmetic on BigInt, so unit conversions carry no binary float noise.
 *
 * A JavaScript number is read as the decimal it prints as (its shortest round-trip form: `0.1` is
 * 1/10, not 0.1000000000000000055...), because that is the decimal the device or DRS wrote in its
 * JSON. The product or quotient with a conversion constant is then computed exactly as a fraction and
 * rounded once, half up, to a fixed number of decimal places, and turned back into the number that
 * prints as that decimal.
 */

/** An exact decimal: `coefficient * 10^exponent`. */
export interface ExactDecimal {
  readonly coefficient: bigint;
  readonly exponent: number;
}

/** An exact fraction `numerator / denominator` with a positive denominator. */
export interface Fraction {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const NUMBER_FORM = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;
const DECIMAL_LITERAL = /^(\d+)(?:\.(\d+))?$/;

/** The exact decimal a finite number prints as (`String(value)`), exponent notation included. */
export function decimalOfNumber(value: number): ExactDecimal {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const match = NUMBER_FORM.exec(String(value));
  if (match === null) throw new RangeError(`unexpected number form: ${String(value)}`);
  const [, sign = '', integer = '0', fraction = '', exponent = '0'] = match;
  const magnitude = BigInt(integer + fraction);
  return { coefficient: sign === '-' ? -magnitude : magnitude, exponent: Number(exponent) - fraction.length };
}

/** The exact value of a plain decimal literal such as `"29.5735295625"` (no sign, no exponent). */
export function fractionOfLiteral(literal: string): Fraction {
  const match = DECIMAL_LITERAL.exec(literal);
  if (match === null) throw new RangeError(`not a plain decimal literal: ${literal}`);
  const [, integer = '0', fraction = ''] = match;
  return { numerator: BigInt(integer + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** The exact value of a finite number as a fraction. */
export function fractionOfNumber(value: number): Fraction {
  const { coefficient, exponent } = decimalOfNumber(value);
  return exponent >= 0
    ? { numerator: coefficient * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator: coefficient, denominator: 10n ** BigInt(-exponent) };
}

/** `a * b`, exact. */
export function multiply(a: Fraction, b: Fraction): Fraction {
  return { numerator: a.numerator * b.numerator, denominator: a.denominator * b.denominator };
}

/** `a / b`, exact; `b` must not be zero. */
export function divide(a: Fraction, b: Fraction): Fraction {
  if (b.numerator === 0n) throw new RangeError('division by zero');
  const negative = b.numerator < 0n;
  return {
    numerator: (negative ? -a.numerator : a.numerator) * b.denominator,
    denominator: (negative ? -b.numerator : b.numerator) * a.denominator,
  };
}

/**
 * The number nearest to `value` rounded to `decimals` places, half away from zero. The result is the
 * double that prints as that decimal, so `88.720589` comes out as `88.720589`, never
 * `88.72058899999999`.
 */
export function roundToNumber(value: Fraction, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  const negative = value.numerator < 0n;
  const magnitude = negative ? -value.numerator : value.numerator;
  const scaled = (2n * magnitude * scale + value.denominator) / (2n * value.denominator);
  if (scaled === 0n) return 0;
  const digits = scaled.toString().padStart(decimals + 1, '0');
  const integerPart = digits.slice(0, digits.length - decimals);
  const fractionPart = digits.slice(digits.length - decimals);
  return Number(`${negative ? '-' : ''}${integerPart}${decimals > 0 ? `.${fractionPart}` : ''}`);
}
