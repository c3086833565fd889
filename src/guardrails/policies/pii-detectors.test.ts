import { describe, expect, it } from 'vitest';
import type { GuardrailPiiEntityType } from '../types.js';
import {
  abaRoutingValid,
  cardIssuer,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  itinValid,
  luhnValid,
  nhsNumberValid,
  ninoValid,
  sinValid,
  ssnValid,
  vinValid,
} from './pii-validators.js';
import { detectPii } from './sensitive-information-policy.js';

/** Per type: texts with the exact span expected, and near misses that must not be reported as that type. */
const TABLE: Record<GuardrailPiiEntityType, { hits: [string, string][]; misses: string[] }> = {
  ADDRESS: {
    hits: [
      ['Ship it to 221 Baker Street, London.', '221 Baker Street, London'],
      ['I live at 1600 Pennsylvania Ave, Washington, DC 20500', '1600 Pennsylvania Ave, Washington, DC 20500'],
    ],
    misses: ['I bought 3 apples on the way home.', 'Page 12 Chapter Three'],
  },
  AGE: {
    hits: [
      ['He is 42 years old.', '42 years old'],
      ['Patient aged 37.', '37'],
    ],
    misses: ['The building is 300 meters tall.', 'aged 500 cheese'],
  },
  AWS_ACCESS_KEY: {
    hits: [['key AKIAIOSFODNN7EXAMPLE here', 'AKIAIOSFODNN7EXAMPLE']],
    misses: ['AKIAIOSFODNN7EXAMPL is too short', 'XKIAIOSFODNN7EXAMPLE wrong prefix'],
  },
  AWS_SECRET_KEY: {
    hits: [['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']],
    misses: ['checksum wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'secret: abcdefghijabcdefghijabcdefghijabcdefghij'],
  },
  CA_HEALTH_NUMBER: {
    hits: [['OHIP number 1234-567-890-AB', '1234-567-890-AB']],
    misses: ['order 1234-567-890-AB shipped'],
  },
  CA_SOCIAL_INSURANCE_NUMBER: {
    hits: [
      ['SIN 130 692 544', '130 692 544'],
      ['social insurance number: 130692544', '130692544'],
    ],
    misses: ['SIN 130 692 545', 'ref 130692544'],
  },
  CREDIT_DEBIT_CARD_CVV: {
    hits: [['CVV: 123', '123'], ['the security code is 4821', '4821']],
    misses: ['I have 123 cats', 'CVV: 12'],
  },
  CREDIT_DEBIT_CARD_EXPIRY: {
    hits: [['expires 12/26', '12/26'], ['exp. 3/2027', '3/2027']],
    misses: ['a ratio of 13/26', 'chapter 1/2'],
  },
  CREDIT_DEBIT_CARD_NUMBER: {
    hits: [
      ['card 4111 1111 1111 1111 thanks', '4111 1111 1111 1111'],
      ['amex 378282246310005', '378282246310005'],
      ['mc 5555-5555-5555-4444', '5555-5555-5555-4444'],
    ],
    // Fails Luhn; passes Luhn but no issuer starts with 1; too short.
    misses: ['card 4111 1111 1111 1112', 'id 1234567812345670', 'card 4111 1111 111'],
  },
  DRIVER_ID: {
    hits: [["driver's license number D1234567", 'D1234567']],
    misses: ['driver was D-tier', 'license plate 7ABC123 is not a driver id'],
  },
  EMAIL: {
    hits: [['Write to jane.doe+tag@mail.example.co.uk today', 'jane.doe+tag@mail.example.co.uk']],
    misses: ['twitter @jane_doe', 'jane.doe@localhost'],
  },
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: {
    hits: [
      ['IBAN GB82 WEST 1234 5698 7654 32 please', 'GB82 WEST 1234 5698 7654 32'],
      ['DE89370400440532013000', 'DE89370400440532013000'],
    ],
    // Wrong check digits; wrong length for GB.
    misses: ['IBAN GB83 WEST 1234 5698 7654 32', 'GB82WEST123456987654'],
  },
  IP_ADDRESS: {
    hits: [
      ['host 192.168.1.20 up', '192.168.1.20'],
      ['v6 2001:db8::ff00:42:8329 up', '2001:db8::ff00:42:8329'],
      ['loopback ::1 only', '::1'],
    ],
    misses: ['version 256.1.1.1', 'at 12:30:45 sharp', 'mac 00:1A:2B:3C:4D:5E'],
  },
  LICENSE_PLATE: {
    hits: [['license plate 7ABC123', '7ABC123'], ['number plate AB12 CDE', 'AB12 CDE']],
    misses: ['a dinner plate of 12 inches', 'license plate unknown'],
  },
  MAC_ADDRESS: {
    hits: [['mac 00:1A:2B:3C:4D:5E', '00:1A:2B:3C:4D:5E'], ['cisco 0011.2233.4455', '0011.2233.4455']],
    misses: ['00:1A:2B:3C:4D', 'time 10:20:30'],
  },
  NAME: {
    hits: [['Please thank John Smith for me.', 'John Smith'], ['Ask Dr. Watson', 'Dr. Watson']],
    misses: ['John Street is closed.', 'the smith worked iron', 'Monday Morning'],
  },
  PASSWORD: {
    hits: [['my password is hunter22!', 'hunter22'], ['pwd: s3cr3t-Pass', 's3cr3t-Pass']],
    misses: ['reset your password today', 'password policy changed'],
  },
  PHONE: {
    hits: [
      ['call (555) 234-5678 now', '(555) 234-5678'],
      ['call +1 415-555-2671', '+1 415-555-2671'],
      ['intl +44 20 7946 0958', '+44 20 7946 0958'],
      ['phone 020 7946 0958', '020 7946 0958'],
    ],
    misses: ['order 1234567890', 'code 555-12'],
  },
  PIN: {
    hits: [['PIN: 4821', '4821'], ['my pin code is 908172', '908172']],
    misses: ['pin the note', 'PIN: 12'],
  },
  SWIFT_CODE: {
    hits: [['SWIFT code DEUTDEFF500', 'DEUTDEFF500'], ['BIC: NWBKGB2L', 'NWBKGB2L']],
    misses: ['SWIFT code deutdeff', 'PASSWORD', 'swift reply ABCDQQ12'],
  },
  UK_NATIONAL_HEALTH_SERVICE_NUMBER: {
    hits: [['NHS number 943 476 5919', '943 476 5919']],
    misses: ['NHS number 943 476 5918', 'call 943 476 5919'],
  },
  UK_NATIONAL_INSURANCE_NUMBER: {
    hits: [['NINO AB 12 34 56 C', 'AB 12 34 56 C'], ['QQ? no: JG123456A', 'JG123456A']],
    misses: ['GB123456A', 'AB123456E', 'DA123456A'],
  },
  UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER: {
    hits: [['UTR 12345 67890', '12345 67890'], ['unique taxpayer reference: 1234567890', '1234567890']],
    misses: ['ref 1234567890', 'UTR 12345'],
  },
  URL: {
    hits: [['see https://example.com/a?b=1.', 'https://example.com/a?b=1'], ['www.example.org/x', 'www.example.org/x']],
    misses: ['example dot com', 'http:/broken'],
  },
  USERNAME: {
    hits: [['username: jdoe_42', 'jdoe_42'], ['my login is j.doe', 'j.doe']],
    misses: ['choose a username carefully', 'the login page'],
  },
  US_BANK_ACCOUNT_NUMBER: {
    hits: [['account number 12345678901', '12345678901'], ['acct #: 00123456', '00123456']],
    misses: ['account 123', 'I have 12345678901 reasons'],
  },
  US_BANK_ROUTING_NUMBER: {
    hits: [['routing 021000021', '021000021'], ['ABA 111000025 ok', '111000025']],
    misses: ['routing 021000022', 'routing 991000021'],
  },
  US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER: {
    hits: [['ITIN 912-70-1234', '912-70-1234'], ['itin: 912701234', '912701234']],
    misses: ['ITIN 912-93-1234', 'ITIN 812-70-1234'],
  },
  US_PASSPORT_NUMBER: {
    hits: [['passport number 123456789', '123456789'], ['passport no. A12345678', 'A12345678']],
    misses: ['passport photo 12', 'ticket 123456789'],
  },
  US_SOCIAL_SECURITY_NUMBER: {
    hits: [['SSN 123-45-6789', '123-45-6789'], ['social security number 123456789', '123456789']],
    misses: ['SSN 666-45-6789', 'SSN 123-00-6789', 'SSN 123-45-0000', 'number 123456789 is not a cue'],
  },
  VEHICLE_IDENTIFICATION_NUMBER: {
    hits: [['VIN 1M8GDM9AXKP042788', '1M8GDM9AXKP042788'], ['1HGCM82633A004352', '1HGCM82633A004352']],
    misses: ['VIN 1M8GDM9A1KP042788', 'VIN 1HGCM82633A00435I'],
  },
};

describe('PII detectors: one table per entity type', () => {
  for (const [type, { hits, misses }] of Object.entries(TABLE) as [GuardrailPiiEntityType, (typeof TABLE)[GuardrailPiiEntityType]][]) {
    describe(type, () => {
      it.each(hits)('finds it in %j', (text, expected) => {
        const found = detectPii(text, [type]);
        expect(found.map((entity) => entity.match)).toEqual([expected]);
        expect(found[0]!.type).toBe(type);
        expect(text.slice(found[0]!.start, found[0]!.end)).toBe(expected);
      });
      it.each(misses.map((text) => [text]))('ignores the near miss %j', (text) => {
        expect(detectPii(text, [type])).toEqual([]);
      });
    });
  }

  it('covers every entity type', () => {
    expect(Object.keys(TABLE)).toHaveLength(31);
  });

  it('resolves overlaps once, the longest span winning', () => {
    const found = detectPii('Mail jane@example.com or see https://jane@example.com/x about 192.168.0.1');
    expect(found.map((entity) => [entity.type, entity.match])).toEqual([
      ['EMAIL', 'jane@example.com'],
      ['URL', 'https://jane@example.com/x'],
      ['IP_ADDRESS', '192.168.0.1'],
    ]);
    for (let index = 1; index < found.length; index++) expect(found[index]!.start).toBeGreaterThanOrEqual(found[index - 1]!.end);
  });

  it('does not report "class" or "glass" as anything', () => {
    expect(detectPii('The class was assessing glass.')).toEqual([]);
  });
});

describe('validators', () => {
  it('Luhn and card issuers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(cardIssuer('378282246310005')).toBe('American Express');
    expect(cardIssuer('5555555555554444')).toBe('Mastercard');
    expect(cardIssuer('6011111111111117')).toBe('Discover');
    expect(cardIssuer('4111111111111')).toBeUndefined(); // 13 digits, Luhn fails
    expect(cardIssuer('1234567812345670')).toBeUndefined();
  });
  it('IBAN mod 97 and country lengths', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('FR1420041010050500013M02606')).toBe(true);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false);
    expect(ibanValid('XX82WEST12345698765432')).toBe(false);
  });
  it('VIN, ABA, SSN, ITIN, NHS, NINO, SIN, IP', () => {
    expect(vinValid('11111111111111111')).toBe(true);
    expect(vinValid('1M8GDM9AXKP042788')).toBe(true);
    expect(vinValid('1M8GDM9AXKP04278O')).toBe(false);
    expect(abaRoutingValid('011000015')).toBe(true);
    expect(abaRoutingValid('131000015')).toBe(false);
    expect(ssnValid('078-05-1120')).toBe(true);
    expect(ssnValid('900-12-3456')).toBe(false);
    expect(itinValid('999-88-7777')).toBe(true);
    expect(itinValid('999-89-7777')).toBe(false);
    expect(nhsNumberValid('4010232137')).toBe(true);
    expect(nhsNumberValid('4010232138')).toBe(false);
    expect(ninoValid('TN123456A')).toBe(false);
    expect(sinValid('130692544')).toBe(true);
    expect(sinValid('830692544')).toBe(false);
    expect(ipv4Valid('10.0.0.255')).toBe(true);
    expect(ipv4Valid('10.0.0.01')).toBe(false);
    expect(ipv6Valid('::ffff:192.0.2.1')).toBe(true);
    expect(ipv6Valid('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(ipv6Valid('1::2::3')).toBe(false);
  });
});
