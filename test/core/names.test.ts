import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { deriveName, explicitName, isValidName, nameFromParts, NameRule, shortenName, suggestName, validateName } from '../../src/core/names';
import { newChart } from '../support/util';

const sha8 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

describe('isValidName', () => {
  test.each([
    ['web', NameRule.DNS_1123_LABEL, true],
    ['shop-web-2', NameRule.DNS_1123_LABEL, true],
    ['9lives', NameRule.DNS_1123_LABEL, true],
    ['9lives', NameRule.DNS_1035_LABEL, false],
    ['web.v1', NameRule.DNS_1123_SUBDOMAIN, true],
    ['web.v1', NameRule.DNS_1123_LABEL, false],
    ['Web', NameRule.DNS_1123_SUBDOMAIN, false],
    ['bad_name', NameRule.DNS_1123_SUBDOMAIN, false],
    ['-web', NameRule.DNS_1123_LABEL, false],
    ['web-', NameRule.DNS_1123_LABEL, false],
    ['a'.repeat(63), NameRule.DNS_1123_LABEL, true],
    ['a'.repeat(64), NameRule.DNS_1123_LABEL, false],
    ['a'.repeat(64), NameRule.DNS_1123_SUBDOMAIN, true],
    ['a'.repeat(254), NameRule.DNS_1123_SUBDOMAIN, false],
  ])('%s as a %s: %s', (name, rule, valid) => {
    expect(isValidName(name, rule)).toBe(valid);
  });

  test('applies a stricter maxLength', () => {
    expect(isValidName('a'.repeat(52), NameRule.DNS_1123_LABEL, 52)).toBe(true);
    expect(isValidName('a'.repeat(53), NameRule.DNS_1123_LABEL, 52)).toBe(false);
  });
});

describe('validateName', () => {
  test('returns a valid name unchanged', () => {
    expect(validateName('shop-web', NameRule.DNS_1035_LABEL)).toBe('shop-web');
  });

  test('fails when the name has characters the rule forbids, suggesting a valid name', () => {
    expect(() => validateName('Bad_Name', NameRule.DNS_1123_LABEL)).toThrow(
      /^'name' is not a valid DNS-1123 label, got 'Bad_Name'\. Allowed: lowercase letters, digits and '-'.*Fix: write 'bad-name'$/,
    );
  });

  test.each([[undefined, /^'name' is required\. Allowed: a DNS-1123 label/], [null, /^'name' must be a string, but is null, got null/], [5, /^'name' must be a string, but is a number, got 5/]])(
    'fails with a TimonelError when the name is %p', (name, message) => {
      expect(() => validateName(name as any, NameRule.DNS_1123_LABEL)).toThrow(message);
    },
  );

  test('fails without a suggestion when no valid name is near', () => {
    expect(() => validateName('__', NameRule.DNS_1123_LABEL)).toThrow(/Fix: use lowercase letters/);
  });

  test('fails when the name is too long, saying how long it is', () => {
    expect(() => validateName('a'.repeat(64), NameRule.DNS_1123_LABEL)).toThrow(
      /'name' must be at most 63 characters for a DNS-1123 label, but is 64.*Fix: choose a shorter id or name/,
    );
  });

  test('fails when the name is over a stricter maxLength', () => {
    expect(() => validateName('a'.repeat(53), NameRule.DNS_1123_LABEL, { maxLength: 52 })).toThrow(/must be at most 52 characters/);
  });

  test('fails when a DNS-1035 label starts with a digit, suggesting a letter', () => {
    expect(() => validateName('9lives', NameRule.DNS_1035_LABEL)).toThrow(/is not a valid DNS-1035 label, got '9lives'.*Fix: start the name with a letter/);
  });

  test('names the scope and prop in the message', () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(() => validateName('x_y', NameRule.DNS_1123_LABEL, { scope: web, prop: 'serviceName' })).toThrow(/^\[shop\/web\] 'serviceName' is not/);
  });
});

describe('suggestName', () => {
  test.each([
    ['Bad_NS', NameRule.DNS_1123_LABEL, 'bad-ns'],
    [' My App ', NameRule.DNS_1123_LABEL, 'my-app'],
    ['Shop__Web-', NameRule.DNS_1035_LABEL, 'shop-web'],
    ['My_Config.v1', NameRule.DNS_1123_SUBDOMAIN, 'my-config.v1'],
    ['a._b', NameRule.DNS_1123_SUBDOMAIN, 'a.b'],
  ])('suggests a valid name for %j', (name, rule, expected) => {
    expect(suggestName(name, rule)).toBe(expected);
    expect(isValidName(expected, rule)).toBe(true);
  });

  test.each([['9_lives', NameRule.DNS_1035_LABEL], ['__', NameRule.DNS_1123_LABEL], ['ok', NameRule.DNS_1123_LABEL], ['A'.repeat(70), NameRule.DNS_1123_LABEL]])(
    'suggests nothing for %j (no valid name near, or already valid)', (name, rule) => {
      expect(suggestName(name, rule)).toBeUndefined();
    },
  );
});

describe('shortenName', () => {
  test('keeps names within the limit unchanged', () => {
    expect(shortenName('a'.repeat(63), 63)).toBe('a'.repeat(63));
  });

  test('keeps the first max-9 characters, then - and 8 hex of the sha256 of the full name', () => {
    const name = 'b'.repeat(100);
    const short = shortenName(name, 63);
    expect(short).toBe(`${'b'.repeat(54)}-${sha8(name)}`);
    expect(short).toHaveLength(63);
  });

  test('drops trailing - and . before the hash', () => {
    const name = `${'a'.repeat(52)}.-${'b'.repeat(20)}`;
    expect(shortenName(name, 63)).toBe(`${'a'.repeat(52)}-${sha8(name)}`);
  });

  test('is deterministic', () => {
    const name = 'shop-'.repeat(20);
    expect(shortenName(name, 40)).toBe(shortenName(name, 40));
  });

  test('gives different long names with the same prefix different suffixes', () => {
    const a = shortenName(`${'x'.repeat(70)}-one`, 63);
    const b = shortenName(`${'x'.repeat(70)}-two`, 63);
    expect(a.slice(0, 54)).toBe(b.slice(0, 54));
    expect(a).not.toBe(b);
  });
});

describe('deriveName', () => {
  test('joins the ids from the chart down with -', () => {
    const chart = newChart('shop');
    expect(deriveName(new Construct(chart, 'web'))).toBe('shop-web');
    expect(deriveName(new Construct(new Construct(chart, 'backend'), 'api'))).toBe('shop-backend-api');
  });

  test('lowercases the ids', () => {
    expect(deriveName(new Construct(newChart('Shop'), 'WebApp'))).toBe('shop-webapp');
  });

  test('fails when an id yields an invalid name', () => {
    expect(() => deriveName(new Construct(newChart('shop'), 'Bad_Name'))).toThrow(
      /^\[shop\/Bad_Name\] 'id' is not a valid DNS-1123 label, got 'shop-bad_name'.*'Bad_Name' is invalid/,
    );
  });

  test('fails when a DNS-1035 name would start with a digit', () => {
    expect(() => deriveName(new Construct(newChart('9shop'), 'web'), { rule: NameRule.DNS_1035_LABEL })).toThrow(
      /'id' is not a valid DNS-1035 label, got '9shop-web'/,
    );
  });

  test('shortens a name over the limit by the documented rule', () => {
    const id = 'w'.repeat(70);
    const name = deriveName(new Construct(newChart('shop'), id));
    expect(name).toBe(`shop-${'w'.repeat(49)}-${sha8(`shop-${id}`)}`);
  });

  test('shortens to a stricter maxLength', () => {
    const name = deriveName(new Construct(newChart('shop'), 'w'.repeat(60)), { maxLength: 52 });
    expect(name).toHaveLength(52);
    expect(name).toMatch(/^shop-w{38}-[0-9a-f]{8}$/);
  });

  // The derived name cut at the limit ends with '-' here: shortening must still apply.
  test('shortens a long name whose cut falls on a -', () => {
    const id = `${'a'.repeat(57)}-bcd`; // 'test-' + 57 chars: the 63rd character is '-'
    const full = `test-${id}`;
    expect(deriveName(new Construct(newChart('test'), id))).toBe(`${full.slice(0, 54)}-${sha8(full)}`);
  });

  // Ids are not sanitised: an invalid character must fail even when shortening would cut it off.
  test('fails when an invalid character lies beyond the shortening cut', () => {
    expect(() => deriveName(new Construct(newChart('test'), `${'a'.repeat(70)}Bad_Name`))).toThrow(/is not a valid DNS-1123 label/);
  });
});

describe('nameFromParts', () => {
  test('keeps a suffix after shortening, within the limit', () => {
    const chart = newChart('shop');
    const name = nameFromParts(chart, ['x'.repeat(60)], { suffix: '-config' });
    expect(name).toHaveLength(63);
    expect(name).toBe(`${'x'.repeat(47)}-${sha8('x'.repeat(60))}-config`);
  });

  test('adds a suffix to a short name unchanged', () => {
    expect(nameFromParts(newChart('shop'), ['shop', 'Web'], { suffix: '-config' })).toBe('shop-web-config');
  });
});

describe('explicitName', () => {
  test('returns a valid name as it is', () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(explicitName(web, 'name', 'storefront', NameRule.DNS_1035_LABEL)).toBe('storefront');
  });

  test('fails when an explicit name is too long instead of shortening it', () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(() => explicitName(web, 'name', 'a'.repeat(64), NameRule.DNS_1035_LABEL)).toThrow(
      /^\[shop\/web\] 'name' must be at most 63 characters for a DNS-1035 label, but is 64/,
    );
  });

  test('fails when an explicit name is over a stricter maxLength', () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(() => explicitName(web, 'name', 'a'.repeat(53), NameRule.DNS_1123_LABEL, 52)).toThrow(/'name' must be at most 52 characters/);
  });

  test('fails when an explicit name is invalid', () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(() => explicitName(web, 'name', 'Store', NameRule.DNS_1035_LABEL)).toThrow(/'name' is not a valid DNS-1035 label, got 'Store'/);
  });
});
