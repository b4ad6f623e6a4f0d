import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { INT32_MAX, validateWholeNumber } from '../../src/core/numbers';

describe('validateWholeNumber', () => {
  const scope = new Construct(Testing.app(), 'web');

  test('accepts integers within the bounds and returns them', () => {
    expect(validateWholeNumber(0, { prop: 'replicas' })).toBe(0);
    expect(validateWholeNumber(INT32_MAX, { prop: 'replicas' })).toBe(INT32_MAX);
    expect(validateWholeNumber(5, { prop: 'x', min: 5, max: 5 })).toBe(5);
  });

  test('fails when below the minimum, naming the construct, prop, value and range', () => {
    expect(() => validateWholeNumber(0, { scope, prop: 'parallelism', min: 1, fix: "set 'suspend: true'" })).toThrow(
      "[web] 'parallelism' must be a whole number of at least 1, got 0. Allowed: an integer from 1 to 2147483647. Fix: set 'suspend: true'",
    );
  });

  test('fails when not an integer', () => {
    expect(() => validateWholeNumber(1.5, { prop: 'replicas' })).toThrow(/'replicas' must be a whole number of at least 0, got 1\.5/);
    expect(() => validateWholeNumber(NaN, { prop: 'replicas' })).toThrow(/got NaN/);
  });

  test('fails when above int32 or the given maximum, with a custom allowed text', () => {
    expect(() => validateWholeNumber(INT32_MAX + 1, { prop: 'backoffLimit' })).toThrow(/got 2147483648/);
    expect(() => validateWholeNumber(11, { prop: 'x', max: 10, allowed: 'up to ten' })).toThrow(/Allowed: up to ten/);
  });
});
