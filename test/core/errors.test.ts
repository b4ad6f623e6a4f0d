import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, formatValue, TimonelError } from '../../src/core/errors';
import { newChart } from '../support/util';

describe('TimonelError message', () => {
  test('reads [path] \'prop\' message, got value. Allowed: ... Fix: ...', () => {
    const web = new Construct(newChart('shop'), 'web');
    const e = new TimonelError({ scope: web, prop: 'replicas', message: 'must be at least 1', value: 0, allowed: 'an integer of at least 1', fix: 'set replicas: 1' });
    expect(e.message).toBe("[shop/web] 'replicas' must be at least 1, got 0. Allowed: an integer of at least 1. Fix: set replicas: 1");
  });

  test('leaves out the parts that are not given', () => {
    expect(new TimonelError({ message: 'something is off' }).message).toBe('something is off');
    expect(new TimonelError({ prop: 'image', message: 'is missing' }).message).toBe("'image' is missing");
    expect(new TimonelError({ message: 'is bad', fix: 'do better' }).message).toBe('is bad. Fix: do better');
    expect(new TimonelError({ message: 'is bad', allowed: 'good things' }).message).toBe('is bad. Allowed: good things');
  });

  test('uses `path` when there is no scope', () => {
    expect(new TimonelError({ path: 'dist/shop.k8s.yaml', message: 'is broken' }).message).toBe('[dist/shop.k8s.yaml] is broken');
  });

  test('prefers the scope path over `path`', () => {
    const web = new Construct(newChart('shop'), 'web');
    const e = new TimonelError({ scope: web, path: 'ignored', message: 'is broken' });
    expect(e.message).toBe('[shop/web] is broken');
    expect(e.path).toBe('shop/web');
  });

  test('shows <root> for the root construct', () => {
    expect(new TimonelError({ scope: Testing.app(), message: 'is broken' }).message).toBe('[<root>] is broken');
  });

  test('shows a value given as undefined, but not a value left out', () => {
    expect(new TimonelError({ message: 'is required', value: undefined }).message).toBe('is required, got undefined');
    expect(new TimonelError({ message: 'is required' }).message).toBe('is required');
  });
});

describe('TimonelError fields', () => {
  test('keeps prop, value, allowed, fix and whether a value was given', () => {
    const e = new TimonelError({ path: 'p', prop: 'port', message: 'm', value: 70000, allowed: 'a', fix: 'f' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TimonelError');
    expect(e.path).toBe('p');
    expect(e.prop).toBe('port');
    expect(e.value).toBe(70000);
    expect(e.hasValue).toBe(true);
    expect(e.allowed).toBe('a');
    expect(e.fix).toBe('f');
  });

  test('hasValue is false when no value was given', () => {
    expect(new TimonelError({ message: 'm' }).hasValue).toBe(false);
  });
});

describe('fail', () => {
  test('throws a TimonelError with the rendered message', () => {
    expect(() => fail({ prop: 'x', message: 'is wrong', value: 'y' })).toThrow(TimonelError);
    expect(() => fail({ prop: 'x', message: 'is wrong', value: 'y' })).toThrow("'x' is wrong, got 'y'");
  });
});

describe('formatValue', () => {
  test('quotes strings', () => {
    expect(formatValue('nginx')).toBe("'nginx'");
  });

  test('prints numbers, booleans, null and undefined as they are', () => {
    expect(formatValue(0)).toBe('0');
    expect(formatValue(1.5)).toBe('1.5');
    expect(formatValue(false)).toBe('false');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('undefined');
  });

  test('renders objects and arrays as JSON', () => {
    expect(formatValue({ request: '1Gi', limit: '512Mi' })).toBe('{"request":"1Gi","limit":"512Mi"}');
    expect(formatValue(['a', 1])).toBe('["a",1]');
  });

  test('cuts JSON longer than 200 characters to 200, ending in ...', () => {
    const text = formatValue({ data: 'x'.repeat(300) });
    expect(text).toHaveLength(200);
    expect(text.startsWith('{"data":"xxx')).toBe(true);
    expect(text.endsWith('...')).toBe(true);
  });

  test('shows a construct as its path, also inside an object (not as a circular object)', () => {
    const db = new Construct(newChart('shop'), 'db');
    expect(formatValue(db)).toBe("'shop/db'");
    expect(formatValue({ target: db, option: { envPrefix: 'DB' } })).toBe('{"target":"<shop/db>","option":{"envPrefix":"DB"}}');
  });

  test('falls back to String() for values JSON cannot render', () => {
    const circular: any = {};
    circular.self = circular;
    expect(formatValue(circular)).toBe('[object Object]');
  });
});
