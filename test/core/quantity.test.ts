import { Construct } from 'constructs';
import { parseQuantity, validateQuantity, validateRequestWithinLimit } from '../../src/core/quantity';
import { newChart } from '../support/util';

describe('parseQuantity', () => {
  test.each([
    ['500m', 0.5],
    ['0.5', 0.5],
    ['2', 2],
    ['.5', 0.5],
    ['1.', 1],
    ['+3', 3],
    ['128Mi', 128 * 2 ** 20],
    ['1Ki', 1024],
    ['1Gi', 2 ** 30],
    ['1e3', 1000],
    ['1E3', 1000],
    ['5e-1', 0.5],
    ['2k', 2000],
    ['2M', 2e6],
    ['2G', 2e9],
  ])('%s is %d', (q, value) => {
    expect(parseQuantity(q)).toBeCloseTo(value, 10);
  });

  // 'E' alone is the exa suffix; only 'E' followed by digits is an exponent.
  test("'1E' is one exa (1e18), not 1e0", () => {
    expect(parseQuantity('1E')).toBe(1e18);
    expect(parseQuantity('2E')).toBeGreaterThan(parseQuantity('1Gi')!);
  });

  test('takes finite numbers as they are', () => {
    expect(parseQuantity(0.25)).toBe(0.25);
    expect(parseQuantity(Number.NaN)).toBeUndefined();
    expect(parseQuantity(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  test.each(['1 core', '10GB', '128MB', 'Mi', '', '1.2.3', '1mi', '1Kb', '0x10'])('%j is not a quantity', (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });
});

describe('validateQuantity', () => {
  test.each(['500m', '0.5', '2', '1e2', '999'])('accepts the CPU quantity %s', (q) => {
    expect(validateQuantity(q, { prop: 'cpu', kind: 'cpu' })).toBe(q);
  });

  test.each(['128Mi', '2G', '1e9', '1Gi'])('accepts the memory quantity %s', (q) => {
    expect(validateQuantity(q, { prop: 'memory', kind: 'memory' })).toBe(q);
  });

  test('returns numbers as strings', () => {
    expect(validateQuantity(0.5, { prop: 'cpu', kind: 'cpu' })).toBe('0.5');
  });

  test("fails when a CPU quantity is written '1 core', saying to drop the unit", () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(() => validateQuantity('1 core', { scope: web, prop: 'resources.cpu.request', kind: 'cpu' })).toThrow(
      /^\[shop\/web\] 'resources\.cpu\.request' is not a valid Kubernetes cpu quantity, got '1 core'\. Allowed: cores as a number or millicores.*Fix: write '1'$/,
    );
  });

  test("fails when memory is written '10GB', suggesting '10Gi'", () => {
    expect(() => validateQuantity('10GB', { prop: 'resources.memory.limit', kind: 'memory' })).toThrow(
      /'resources\.memory\.limit' is not a valid Kubernetes memory quantity, got '10GB'.*not 'MB'\/'GB'.*Fix: write '10Gi'/,
    );
  });

  test("fails when storage is written '500 mb', suggesting '500Mi'", () => {
    expect(() => validateQuantity('500 mb', { prop: 'size', kind: 'storage' })).toThrow(/Fix: write '500Mi'/);
  });

  test('fails when a quantity is not one, listing the allowed forms as the fix', () => {
    expect(() => validateQuantity('lots', { prop: 'cpu', kind: 'cpu' })).toThrow(/got 'lots'.*Fix: use cores as a number or millicores/);
  });

  test.each([
    ['500M', "'cpu' is 500,000,000 cores (the suffix 'M' multiplies), more than any node has, got '500M'.", "Fix: for millicores write '500m'"],
    ['2k', "'cpu' is 2,000 cores (the suffix 'k' multiplies), more than any node has, got '2k'.", "Fix: for millicores write '2m'"],
    [500 * 1000, "'cpu' is 500,000 cores, more than any node has, got 500000.", "Fix: for millicores write '500000m'"],
    ['1500', "'cpu' is 1,500 cores, more than any node has, got '1500'.", "Fix: for millicores write '1500m'"],
  ])("fails when a CPU quantity is more cores than any node has (%s: a memory suffix, or millicores without 'm')", (q, message, fix) => {
    expect(() => validateQuantity(q, { prop: 'cpu', kind: 'cpu' })).toThrow(message);
    expect(() => validateQuantity(q, { prop: 'cpu', kind: 'cpu' })).toThrow(fix);
  });

  test('fails when a quantity is zero', () => {
    expect(() => validateQuantity('0', { prop: 'cpu', kind: 'cpu' })).toThrow(/'cpu' must be greater than zero, got '0'/);
  });

  test('accepts zero when allowZero is set', () => {
    expect(validateQuantity('0', { prop: 'cpu', kind: 'cpu', allowZero: true })).toBe('0');
  });

  test('fails when a quantity is negative', () => {
    expect(() => validateQuantity('-1Gi', { prop: 'memory', kind: 'memory', allowZero: true })).toThrow(/'memory' must be zero or more, got '-1Gi'/);
  });

  test("fails when memory uses the milli suffix 'm', suggesting 'Mi'", () => {
    expect(() => validateQuantity('512m', { prop: 'memory', kind: 'memory' })).toThrow(/'memory' uses the milli suffix 'm'.*Fix: for mebibytes write 'Mi'/);
  });

  test('fails when memory is under 1Mi: a unit left out (512 bytes) or the wrong one (trial R: a 512-byte limit was written to the YAML)', () => {
    expect(() => validateQuantity('512', { prop: 'memory', kind: 'memory' })).toThrow(
      "'memory' is 512 bytes (a number without a unit is bytes), less than any container needs, got '512'. Allowed: bytes with a binary suffix: '128Mi', '1Gi' (or decimal 'M', 'G'; not 'MB'/'GB'), at least 1Mi. Fix: write '512Mi' (or '512Gi')",
    );
    expect(() => validateQuantity('512Ki', { prop: 'memory', kind: 'memory' })).toThrow(/is 524,288 bytes, less than any container needs.*Fix: write '512Mi'/);
    // Trial U (U3): the fix appended 'Mi' to anything ('1e6Mi' is no quantity; '1048575Mi' is a TiB).
    expect(() => validateQuantity('1e6', { prop: 'memory', kind: 'memory' })).toThrow(/is 1,000,000 bytes \(a number without a unit is bytes\).*Fix: write '1Mi' \(the next whole mebibyte\), or the memory the process needs, e\.g\. '256Mi'$/);
    expect(() => validateQuantity('1048575', { prop: 'memory', kind: 'memory' })).toThrow(/Fix: write '1Mi' \(the next whole mebibyte\)/);
    expect(() => validateQuantity('500k', { prop: 'memory', kind: 'memory' })).toThrow(/Fix: write '500Mi'/);
    expect(validateQuantity('1Mi', { prop: 'memory', kind: 'memory' })).toBe('1Mi');
    expect(validateQuantity('536870912', { prop: 'memory', kind: 'memory' })).toBe('536870912');
    expect(validateQuantity('0', { prop: 'memory', kind: 'memory', allowZero: true })).toBe('0');
  });

  test("fails when storage uses the milli suffix 'm'", () => {
    expect(() => validateQuantity('10m', { prop: 'size', kind: 'storage' })).toThrow(/uses the milli suffix 'm'/);
  });
});

describe('validateRequestWithinLimit', () => {
  test('accepts a request equal to or below its limit, across units', () => {
    expect(() => validateRequestWithinLimit('500m', '1', { prop: 'cpu', kind: 'cpu' })).not.toThrow();
    expect(() => validateRequestWithinLimit('1Gi', '1024Mi', { prop: 'memory', kind: 'memory' })).not.toThrow();
    expect(() => validateRequestWithinLimit(0.5, '500m', { prop: 'cpu', kind: 'cpu' })).not.toThrow();
  });

  test('accepts a missing request or limit', () => {
    expect(() => validateRequestWithinLimit('8Gi', undefined, { prop: 'memory', kind: 'memory' })).not.toThrow();
    expect(() => validateRequestWithinLimit(undefined, '1Mi', { prop: 'memory', kind: 'memory' })).not.toThrow();
  });

  test('fails when the request is above the limit', () => {
    expect(() => validateRequestWithinLimit('1Gi', '512Mi', { prop: 'resources.memory', kind: 'memory' })).toThrow(
      /'resources\.memory' request 1Gi is above the limit 512Mi, got \{"request":"1Gi","limit":"512Mi"\}.*Fix: raise the memory limit or lower the request/,
    );
  });

  test('fails when a decimal request is above a binary limit', () => {
    // 1G = 1e9 bytes > 900Mi = 943718400 bytes
    expect(() => validateRequestWithinLimit('1G', '900Mi', { prop: 'memory', kind: 'memory' })).toThrow(/request 1G is above the limit 900Mi/);
  });
});
