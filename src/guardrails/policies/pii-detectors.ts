/**
 * One detector per PII entity type. Each is a pre-compiled global regex scanned once over the text, plus a
 * validator where the identifier has one (Luhn, mod 97, VIN check digit, ABA checksum, mod 11…). Types with no
 * check digit are recognised by a context cue right before the value ("passport no.", "PIN:", "password is").
 * Every regex starts with a negative look-behind so that a scan never restarts inside a run of characters it
 * already rejected: the cost stays linear in the text length.
 */
import type { GuardrailPiiEntityType } from '../types.js';
import { FIRST_NAMES, NOT_SURNAMES } from './first-names.js';
import {
  abaRoutingValid,
  cardIssuer,
  IBAN_LENGTHS,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  itinValid,
  nhsNumberValid,
  ninoValid,
  sinValid,
  ssnValid,
  vinValid,
} from './pii-validators.js';

/**
 * A detected entity.
 *
 * @example
 * ```ts
 * const span: PiiSpan = { type: 'EMAIL', start: 5, end: 12, specificity: 80, reason: 'address' };
 * ```
 */
export interface PiiSpan {
  type: GuardrailPiiEntityType;
  start: number;
  end: number;
  /** Higher wins between two overlapping spans of the same length. */
  specificity: number;
  /** Why it was recognised (the validation or cue), for explanations. */
  reason: string;
}

/**
 * A detector: appends the spans it finds in `text` to `out`.
 *
 * @example
 * ```ts
 * const none: PiiDetector = { type: 'PIN', detect() {} };
 * ```
 */
export interface PiiDetector {
  type: GuardrailPiiEntityType;
  detect(text: string, out: PiiSpan[]): void;
}

/** A validator: `true`/a reason accepts the value, `false` rejects it. */
type Validate = (value: string) => boolean | string;

function scan(regex: RegExp, text: string, onMatch: (match: RegExpExecArray) => void): void {
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match; match = regex.exec(text)) {
    if (match[0].length === 0) regex.lastIndex++;
    else onMatch(match);
  }
}

/** A detector from a pattern and an optional validator; the whole match is the entity. */
function patternDetector(type: GuardrailPiiEntityType, regex: RegExp, specificity: number, reason: string, validate?: Validate): PiiDetector {
  return {
    type,
    detect(text, out) {
      scan(regex, text, (match) => {
        const verdict = validate ? validate(match[0]) : true;
        if (verdict === false) return;
        out.push({ type, start: match.index, end: match.index + match[0].length, specificity, reason: typeof verdict === 'string' ? verdict : reason });
      });
    },
  };
}

const TRAILING_PUNCTUATION = /[.,;:!?)\]}"'’”]+$/;

/**
 * A detector for values that only a context cue identifies: `cue` words, a short gap (":", "#", "is",
 * "number"…) and the value (capture group 1). With `strictGap`, the gap must contain ":", "=" or "is"/"was",
 * so that "reset your password today" does not report "today".
 */
function cueDetector(
  type: GuardrailPiiEntityType,
  cues: string,
  value: string,
  options: { specificity?: number; validate?: Validate; strictGap?: boolean; trimPunctuation?: boolean; caseSensitive?: boolean } = {},
): PiiDetector {
  const gap = options.strictGap
    ? `[^\\S\\n]*(?:[:=]|[^\\S\\n]+(?:is|was|are)[:]?)[^\\S\\n]*["'“‘]?`
    : `(?:[^\\S\\n]*[:#=.-]?[^\\S\\n]*(?:(?:number|no|num|nr|id|code|is|was|of)\\.?[^\\S\\n]*[:#=.-]?[^\\S\\n]*){0,3})["'“‘]?`;
  const regex = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${cues})(?![\\p{L}\\p{N}_])${gap}(${value})`, options.caseSensitive ? 'gdu' : 'gdiu');
  const specificity = options.specificity ?? 60;
  return {
    type,
    detect(text, out) {
      scan(regex, text, (match) => {
        const indices = match.indices?.[1];
        let captured = match[1];
        if (!indices || captured === undefined) return;
        let end = indices[1];
        if (options.trimPunctuation) {
          const trimmed = captured.replace(TRAILING_PUNCTUATION, '');
          end -= captured.length - trimmed.length;
          captured = trimmed;
          if (captured.length === 0) return;
        }
        const verdict = options.validate ? options.validate(captured) : true;
        if (verdict === false) return;
        out.push({ type, start: indices[0], end, specificity, reason: typeof verdict === 'string' ? verdict : `value after the cue "${match[0].slice(0, indices[0] - match.index).trim()}"` });
      });
    },
  };
}

const hasDigit = (value: string) => /\d/.test(value);
const digitsOf = (value: string) => value.replace(/\D/g, '');

const SWIFT_COUNTRIES = new Set([
  ...Object.keys(IBAN_LENGTHS),
  ...'US CA MX AR CL CO PE VE JP CN HK TW KR SG MY TH ID PH VN IN PK BD LK AU NZ ZA NG KE GH MA DZ ET TZ UG'.split(' '),
]);

function ibanDetector(): PiiDetector {
  const regex = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;
  return {
    type: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
    detect(text, out) {
      scan(regex, text, (match) => {
        const expected = IBAN_LENGTHS[match[0].slice(0, 2)];
        if (expected === undefined) return;
        // The pattern may take one group too many (a following word); cut at the country's length.
        let kept = 0;
        let end = match.index;
        let compact = '';
        for (const char of match[0]) {
          end++;
          if (char === ' ') continue;
          compact += char;
          if (++kept === expected) break;
        }
        if (kept !== expected) return;
        const next = text[end];
        if (next !== undefined && next !== ' ' && /[A-Za-z0-9]/.test(next)) return;
        if (ibanValid(compact)) out.push({ type: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', start: match.index, end, specificity: 90, reason: `IBAN: ${compact.slice(0, 2)} length ${expected} and mod-97 check valid` });
      });
    },
  };
}

function secretKeyDetector(): PiiDetector {
  const regex = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
  const context = /secret|aws_?secret|(?:AKIA|ASIA)[A-Z0-9]{16}/i;
  return {
    type: 'AWS_SECRET_KEY',
    detect(text, out) {
      scan(regex, text, (match) => {
        const value = match[0];
        if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9/+]/.test(value)) return;
        if (!context.test(text.slice(Math.max(0, match.index - 120), match.index))) return;
        out.push({ type: 'AWS_SECRET_KEY', start: match.index, end: match.index + value.length, specificity: 90, reason: '40-character key near a secret-key or access-key context' });
      });
    },
  };
}

function nameDetector(): PiiDetector {
  const capitalised = /(?<![\p{L}\p{N}_'’-])[A-Z][a-z]{1,20}(?![\p{L}\p{N}_])/gu;
  const surname = /(?:[^\S\n]+[A-Z]\.)?[^\S\n]+([A-Z][a-z'’]{1,25}(?:-[A-Z][a-z]{1,25})?)(?![\p{L}\p{N}_])/uy;
  const titled = /(?<![\p{L}\p{N}_])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame)\.?[^\S\n]+[A-Z][a-z'’]{1,25}(?:-[A-Z][a-z]{1,25})?(?:[^\S\n]+[A-Z][a-z'’]{1,25})?(?![\p{L}\p{N}_])/gu;
  return {
    type: 'NAME',
    detect(text, out) {
      scan(capitalised, text, (match) => {
        if (!FIRST_NAMES.has(match[0])) return;
        surname.lastIndex = match.index + match[0].length;
        const last = surname.exec(text);
        if (!last || NOT_SURNAMES.has(last[1]!)) return;
        out.push({ type: 'NAME', start: match.index, end: surname.lastIndex, specificity: 40, reason: `given name "${match[0]}" followed by a capitalised surname` });
        // Resume after the surname: "John John John" is one name, then another, never overlapping ones.
        capitalised.lastIndex = surname.lastIndex;
      });
      scan(titled, text, (match) => {
        out.push({ type: 'NAME', start: match.index, end: match.index + match[0].length, specificity: 40, reason: 'title followed by a capitalised name' });
      });
    },
  };
}

const STREET_TYPES =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Close|Crescent|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Row|Gardens|Grove|Mews|Trail|Plaza|Alley';

/**
 * Builds the detectors, one per entity type (a type may have several patterns).
 *
 * @example
 * ```ts
 * const detectors = createPiiDetectors();
 * const spans: PiiSpan[] = [];
 * for (const detector of detectors) if (detector.type === 'EMAIL') detector.detect('mail me@example.com', spans);
 * ```
 */
export function createPiiDetectors(): PiiDetector[] {
  return [
    patternDetector('EMAIL', /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g, 80, 'address with a local part, "@" and a domain'),
    {
      type: 'URL',
      detect(text, out) {
        scan(/(?<![\w@/.])(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`{}|\\^[\]]+/gi, text, (match) => {
          const value = match[0].replace(TRAILING_PUNCTUATION, '');
          if (value.length < 5) return;
          out.push({ type: 'URL', start: match.index, end: match.index + value.length, specificity: 70, reason: 'scheme or www. followed by a host' });
        });
      },
    },
    patternDetector('IP_ADDRESS', /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)/g, 80, 'IPv4 address with every part 0–255', ipv4Valid),
    patternDetector('IP_ADDRESS', /(?<![\w:])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])/g, 80, 'valid IPv6 address', ipv6Valid),
    patternDetector('MAC_ADDRESS', /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])/g, 80, 'six hex octets with one separator'),
    patternDetector('MAC_ADDRESS', /(?<![\w.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.])/g, 80, 'three dotted hex groups', (value) => /[0-9]/.test(value)),
    patternDetector('CREDIT_DEBIT_CARD_NUMBER', /(?<![\d-])\d(?:[ -]?\d){11,18}(?!\d)/g, 90, 'card number', (value) => {
      const issuer = cardIssuer(digitsOf(value));
      return issuer ? `${issuer} prefix and length, Luhn check valid` : false;
    }),
    patternDetector('CREDIT_DEBIT_CARD_EXPIRY', /(?<![\d/.-])(?:0[1-9]|1[0-2])[^\S\n]?[/-][^\S\n]?\d{2}(?![\d/.-])/g, 55, 'MM/YY with a valid month'),
    cueDetector('CREDIT_DEBIT_CARD_EXPIRY', 'exp(?:iry|iration|ires|\\.)?(?: date)?|valid (?:thru|through|until)|good thru', '(?:0?[1-9]|1[0-2])[^\\S\\n]?[/-][^\\S\\n]?(?:20\\d{2}|\\d{2})(?![\\d/])', { specificity: 60 }),
    cueDetector('CREDIT_DEBIT_CARD_CVV', 'cvv2?|cvc2?|cvn|cid|csc|security code|card verification (?:code|value|number)|card security code', '\\d{3,4}(?!\\d)', { specificity: 70 }),
    patternDetector('US_SOCIAL_SECURITY_NUMBER', /(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])/g, 85, 'SSN area/group/serial valid', ssnValid),
    cueDetector('US_SOCIAL_SECURITY_NUMBER', 'ssn|social security(?: number| no)?|soc(?:ial)? sec(?: no)?', '\\d{3}[- ]?\\d{2}[- ]?\\d{4}(?![\\d-])', { specificity: 88, validate: (value) => ssnValid(value) && 'SSN cue, area/group/serial valid' }),
    patternDetector('US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', /(?<![\d-])9\d{2}([- ])\d{2}\1\d{4}(?![\d-])/g, 86, 'ITIN 9xx area with a valid group', itinValid),
    cueDetector('US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', 'itin|individual taxpayer identification(?: number)?|taxpayer id', '9\\d{2}[- ]?\\d{2}[- ]?\\d{4}(?![\\d-])', { specificity: 88, validate: itinValid }),
    patternDetector('US_BANK_ROUTING_NUMBER', /(?<![\d-])\d{9}(?![\d-])/g, 75, 'ABA prefix and checksum valid', abaRoutingValid),
    cueDetector('US_BANK_ACCOUNT_NUMBER', '(?:bank |checking |savings |deposit )?account(?: number| no| #)?|acct(?: number| no| #)?|a/c', '\\d{6,17}(?!\\d)', { specificity: 65 }),
    cueDetector('US_PASSPORT_NUMBER', '(?:us |u\\.s\\. )?passport(?: number| no| #)?', '[A-Z]?\\d{8,9}(?![\\dA-Za-z])', { specificity: 70 }),
    cueDetector('DRIVER_ID', "driver'?s?'? licen[cs]e(?: number| no| id)?|driving licen[cs]e(?: number| no)?|dl(?: number| no| #)?|licen[cs]e (?:number|no)|driver id", '[A-Z0-9][A-Z0-9-]{4,18}(?![A-Za-z0-9])', { specificity: 65, validate: hasDigit }),
    cueDetector('LICENSE_PLATE', 'licen[cs]e plate(?: number| no)?|number plate|plate (?:number|no)|registration (?:number|plate|no)|reg(?:istration)? no', '(?:[A-Z0-9]{1,4}(?:[- ][A-Z0-9]{1,4}){1,2}|[A-Z0-9]{2,8})(?![A-Za-z0-9])', {
      specificity: 60,
      validate: (value) => hasDigit(value) && value.replace(/[- ]/g, '').length >= 2 && value.replace(/[- ]/g, '').length <= 8,
    }),
    cueDetector('SWIFT_CODE', 'swift(?:/bic)?(?: code)?|bic(?: code)?', '[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?(?![A-Za-z0-9])', {
      specificity: 70,
      validate: (value) => /^[A-Z0-9]+$/.test(value) && SWIFT_COUNTRIES.has(value.slice(4, 6)) && `SWIFT cue, country ${value.slice(4, 6)}`,
    }),
    cueDetector('CA_HEALTH_NUMBER', "health (?:card|insurance)(?: number| no)?|health number|ohip(?: number| no)?|care card|personal health number|phn|ramq|carte (?:santé|d'assurance maladie)", '(?:\\d{4}[- ]?\\d{3}[- ]?\\d{3}(?:[- ]?[A-Z]{2})?|[A-Z]{4}[- ]?\\d{4}[- ]?\\d{4}|\\d{9,10})(?![A-Za-z0-9])', { specificity: 70 }),
    patternDetector('CA_SOCIAL_INSURANCE_NUMBER', /(?<![\d-])\d{3}([- ])\d{3}\1\d{3}(?![\d-])/g, 85, 'SIN: Luhn check valid', sinValid),
    cueDetector('CA_SOCIAL_INSURANCE_NUMBER', "sin|social insurance(?: number| no)?|nas|numéro d'assurance sociale", '\\d{3}[- ]?\\d{3}[- ]?\\d{3}(?![\\d-])', { specificity: 88, validate: (value) => sinValid(value) && 'SIN cue, Luhn check valid' }),
    cueDetector('UK_NATIONAL_HEALTH_SERVICE_NUMBER', 'nhs(?: number| no)?|national health service(?: number)?|health service number', '\\d{3}[- ]?\\d{3}[- ]?\\d{4}(?![\\d-])', { specificity: 88, validate: (value) => nhsNumberValid(value) && 'NHS cue, mod-11 check valid' }),
    patternDetector('UK_NATIONAL_INSURANCE_NUMBER', /(?<![A-Za-z0-9])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g, 85, 'NINO prefix rules valid', ninoValid),
    cueDetector('UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER', 'utr|unique tax(?:payer)? reference(?: number)?|tax reference(?: number)?|self assessment reference', '\\d{5}[^\\S\\n]?\\d{5}K?(?![\\dA-Za-z])', { specificity: 70 }),
    patternDetector('VEHICLE_IDENTIFICATION_NUMBER', /(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])/g, 90, 'VIN check digit (position 9) valid', (value) => /[A-Z]/.test(value) && /\d/.test(value) && vinValid(value)),
    ibanDetector(),
    patternDetector('AWS_ACCESS_KEY', /(?<![A-Za-z0-9])(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, 95, 'AWS key-id prefix and 20 characters'),
    secretKeyDetector(),
    patternDetector('PHONE', /(?<![\w+])(?:\+?1[-. ]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[-. ]?[2-9]\d{2}[-. ]\d{4}(?![\d-])/g, 50, 'North American number'),
    patternDetector('PHONE', /(?<![\w+])\+[1-9]\d{0,2}(?:[-. ]?\(?\d{1,4}\)?){2,6}(?![\d-])/g, 50, 'international number', (value) => {
      const count = digitsOf(value).length;
      return count >= 8 && count <= 15;
    }),
    cueDetector('PHONE', 'phone(?: number)?|tel(?:ephone)?|mobile|cell|fax|call(?: me)?(?: at| on)?|ring(?: me)?(?: on)?', '0\\d{2,4}[ -]\\d{3,4}[ -]?\\d{3,4}(?![\\d-])', { specificity: 50, validate: (value) => digitsOf(value).length >= 10 && digitsOf(value).length <= 11 }),
    cueDetector('PIN', 'pin(?: code| number)?', '\\d{4,8}(?!\\d)', { specificity: 60 }),
    cueDetector('PASSWORD', 'password|passwd|pwd|passcode|passphrase|pass phrase', '[^\\s"“”]{4,64}', { specificity: 60, strictGap: true, trimPunctuation: true }),
    cueDetector('USERNAME', 'user ?name|user ?id|login(?: name| id)?|screen name|handle', '[A-Za-z0-9][A-Za-z0-9._@-]{2,40}', { specificity: 60, strictGap: true, trimPunctuation: true }),
    patternDetector('AGE', /(?<![\d.])\d{1,3}[- ](?:years?|yrs?)[- ]old(?![\p{L}])/giu, 45, 'age in years', (value) => Number(value.match(/\d+/)?.[0]) <= 130),
    cueDetector('AGE', 'aged|age', '\\d{1,3}(?!\\d|\\.\\d)', { specificity: 45, validate: (value) => Number(value) <= 130 }),
    nameDetector(),
    patternDetector(
      'ADDRESS',
      new RegExp(
        `(?<![\\w.,/-])\\d{1,6}[A-Za-z]?[^\\S\\n]+(?:(?:[A-Z][A-Za-z'.-]*|\\d+(?:st|nd|rd|th))[^\\S\\n]+){1,4}(?:${STREET_TYPES})\\b\\.?` +
          `(?:,?[^\\S\\n]+(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\\.?[^\\S\\n]*[A-Za-z0-9-]+)?` +
          `(?:,[^\\S\\n]*[A-Z][a-z]+(?:[^\\S\\n][A-Z][a-z]+){0,2})?(?:,[^\\S\\n]*[A-Z]{2})?(?:[^\\S\\n]+\\d{5}(?:-\\d{4})?)?`,
        'g',
      ),
      45,
      'street number, street name and street type',
    ),
  ];
}
