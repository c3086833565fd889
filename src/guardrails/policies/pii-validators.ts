/**
 * Check-digit and structure validators of identifiers, so that a number that merely looks right (a 16-digit
 * order number, a 17-character code) is not reported as a card or a VIN.
 */

/**
 * Luhn (mod 10) check over the digits of a string.
 *
 * @example
 * ```ts
 * luhnValid('4111 1111 1111 1111'); // true
 * luhnValid('4111111111111112'); // false
 * ```
 */
export function luhnValid(value: string): boolean {
  let sum = 0;
  let double = false;
  let count = 0;
  for (let index = value.length - 1; index >= 0; index--) {
    const code = value.charCodeAt(index) - 48;
    if (code < 0 || code > 9) continue;
    count++;
    let digit = code;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return count > 0 && sum % 10 === 0;
}

/** Card issuers: prefix ranges (inclusive, compared on the same number of leading digits) and lengths. */
const CARD_ISSUERS: { name: string; ranges: [number, number][]; lengths: number[] }[] = [
  { name: 'Visa', ranges: [[4, 4]], lengths: [13, 16, 19] },
  { name: 'Mastercard', ranges: [[51, 55], [2221, 2720]], lengths: [16] },
  { name: 'American Express', ranges: [[34, 34], [37, 37]], lengths: [15] },
  { name: 'Discover', ranges: [[6011, 6011], [644, 649], [65, 65], [622126, 622925]], lengths: [16, 17, 18, 19] },
  { name: 'JCB', ranges: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { name: 'Diners Club', ranges: [[300, 305], [36, 36], [38, 39]], lengths: [14, 15, 16, 17, 18, 19] },
  { name: 'UnionPay', ranges: [[62, 62]], lengths: [16, 17, 18, 19] },
  { name: 'Maestro', ranges: [[50, 50], [56, 58], [6759, 6759], [6761, 6763], [67, 67]], lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { name: 'Mir', ranges: [[2200, 2204]], lengths: [16, 17, 18, 19] },
];

/**
 * The issuer of a card number whose prefix, length and Luhn check are all valid, or undefined.
 *
 * @example
 * ```ts
 * cardIssuer('4111111111111111'); // 'Visa'
 * cardIssuer('1234567812345670'); // undefined (no issuer starts with 1)
 * ```
 */
export function cardIssuer(digits: string): string | undefined {
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) return undefined;
  for (const issuer of CARD_ISSUERS) {
    if (!issuer.lengths.includes(digits.length)) continue;
    for (const [low, high] of issuer.ranges) {
      const prefix = Number(digits.slice(0, String(low).length));
      if (prefix >= low && prefix <= high) return issuer.name;
    }
  }
  return undefined;
}

/**
 * IBAN lengths per country (ISO 13616 registry).
 *
 * @example
 * ```ts
 * IBAN_LENGTHS.DE; // 22
 * ```
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19,
  SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/**
 * Whether a compact IBAN (no spaces, upper case) has its country's length and a valid mod-97 check.
 *
 * @example
 * ```ts
 * ibanValid('GB82WEST12345698765432'); // true
 * ibanValid('GB83WEST12345698765432'); // false
 * ```
 */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban) || IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    // Letters count as two digits (A=10 … Z=35); the remainder is carried digit group by digit group.
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6,
  X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/**
 * Whether a 17-character VIN has a valid check digit at position 9 (North American rule, ISO 3779 alphabet).
 *
 * @example
 * ```ts
 * vinValid('1M8GDM9AXKP042788'); // true
 * vinValid('1M8GDM9A1KP042788'); // false
 * ```
 */
export function vinValid(vin: string): boolean {
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) return false;
  let sum = 0;
  for (let index = 0; index < 17; index++) {
    const char = vin[index]!;
    const value = char >= '0' && char <= '9' ? Number(char) : VIN_VALUES[char]!;
    sum += value * VIN_WEIGHTS[index]!;
  }
  const check = sum % 11;
  return vin[8] === (check === 10 ? 'X' : String(check));
}

/**
 * Whether a 9-digit US ABA routing number has a valid Federal Reserve prefix and checksum
 * (3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 mod 10).
 *
 * @example
 * ```ts
 * abaRoutingValid('021000021'); // true
 * abaRoutingValid('021000022'); // false
 * ```
 */
export function abaRoutingValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const prefix = Number(digits.slice(0, 2));
  if (!((prefix >= 0 && prefix <= 12) || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80)) return false;
  const d = [...digits].map(Number);
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0 && digits !== '000000000';
}

/**
 * Whether area/group/serial are possible for a US SSN (area not 000, 666 or 9xx; group not 00; serial not 0000).
 *
 * @example
 * ```ts
 * ssnValid('123-45-6789'); // true
 * ssnValid('666-45-6789'); // false
 * ```
 */
export function ssnValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 9) return false;
  const area = Number(digits.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

/**
 * Whether a value is a possible ITIN: 9xx area and group 50–65, 70–88, 90–92 or 94–99.
 *
 * @example
 * ```ts
 * itinValid('912-70-1234'); // true
 * itinValid('912-93-1234'); // false
 * ```
 */
export function itinValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 9 || digits[0] !== '9') return false;
  const group = Number(digits.slice(3, 5));
  return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || (group >= 94 && group <= 99);
}

/**
 * UK NHS number mod-11 check (weights 10…2 over the first nine digits; a check of 10 is never issued).
 *
 * @example
 * ```ts
 * nhsNumberValid('943 476 5919'); // true
 * nhsNumberValid('943 476 5918'); // false
 * ```
 */
export function nhsNumberValid(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < 9; index++) sum += Number(digits[index]) * (10 - index);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/**
 * UK National Insurance number prefix rules: first letter not D F I Q U V, second not D F I O Q U V, and not
 * one of the prefixes never issued (BG GB KN NK NT TN ZZ); suffix A–D.
 *
 * @example
 * ```ts
 * ninoValid('AB 12 34 56 C'); // true
 * ninoValid('GB 12 34 56 C'); // false
 * ```
 */
export function ninoValid(value: string): boolean {
  const compact = value.replace(/\s/g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(compact)) return false;
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(compact.slice(0, 2));
}

/**
 * Canadian SIN: nine digits, Luhn-valid, not starting with 0 or 8.
 *
 * @example
 * ```ts
 * sinValid('046 454 286'); // true
 * sinValid('046 454 287'); // false
 * ```
 */
export function sinValid(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  return /^[1-79]\d{8}$/.test(digits) && luhnValid(digits);
}

/**
 * Whether a dotted quad is a valid IPv4 address (each part 0–255, no leading zeros).
 *
 * @example
 * ```ts
 * ipv4Valid('192.168.0.1'); // true
 * ipv4Valid('256.1.1.1'); // false
 * ```
 */
export function ipv4Valid(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((part) => /^(?:0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/**
 * Whether a value is a valid IPv6 address (eight groups, or fewer with one `::`, optionally ending in IPv4).
 *
 * @example
 * ```ts
 * ipv6Valid('2001:db8::1'); // true
 * ipv6Valid('12:30:45'); // false
 * ```
 */
export function ipv6Valid(value: string): boolean {
  if (value.length < 2) return false;
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...left, ...right];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!ipv4Valid(last)) return false;
    all.pop();
    count += 1; // an embedded IPv4 takes two groups
  }
  if (!all.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}
