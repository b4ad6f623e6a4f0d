import { isValidLabelKey, isValidLabelValue, LABELS, selectorLabels, standardLabels, versionFromImage } from '../../src/core/labels';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('selectorLabels', () => {
  test('holds only name and instance', () => {
    expect(selectorLabels({ name: 'web', instance: 'shop-web', version: '1.0', component: 'frontend', partOf: 'shop' })).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'shop-web',
    });
  });
});

describe('standardLabels', () => {
  test('holds every recommended label given, plus managed-by, selector labels first', () => {
    const labels = standardLabels({ name: 'web', instance: 'shop-web', version: '1.4.2', component: 'frontend', partOf: 'shop' });
    expect(Object.entries(labels)).toEqual([
      [LABELS.name, 'web'],
      [LABELS.instance, 'shop-web'],
      [LABELS.version, '1.4.2'],
      [LABELS.component, 'frontend'],
      [LABELS.partOf, 'shop'],
      [LABELS.managedBy, 'timonel'],
    ]);
  });

  test('leaves out version, component and part-of when not given', () => {
    expect(standardLabels({ name: 'web', instance: 'shop-web' })).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'shop-web',
      'app.kubernetes.io/managed-by': 'timonel',
    });
  });
});

describe('isValidLabelValue', () => {
  test.each([
    ['1.27.2', true],
    ['', true],
    ['a_b-c.d', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-a', false],
    ['a.', false],
    ['a/b', false],
    ['a b', false],
  ])('%j: %s', (v, valid) => {
    expect(isValidLabelValue(v)).toBe(valid);
  });
});

describe('isValidLabelKey', () => {
  test.each([
    ['app', true],
    ['app.kubernetes.io/name', true],
    ['timonel.dev/config-checksum', true],
    ['My_Key', true],
    ['a/b/c', false],
    ['Example.com/x', false],
    ['example.com/', false],
    ['-app', false],
    [`${'a'.repeat(64)}`, false],
    [`${'a'.repeat(254)}/x`, false],
  ])('%j: %s', (k, valid) => {
    expect(isValidLabelKey(k)).toBe(valid);
  });
});

describe('versionFromImage', () => {
  test('is the tag of a tagged image', () => {
    expect(versionFromImage('nginx:1.27.2')).toBe('1.27.2');
    expect(versionFromImage('ghcr.io/acme/web:1.4.2')).toBe('1.4.2');
  });

  test('ignores a registry port', () => {
    expect(versionFromImage('registry:5000/x/y:tag')).toBe('tag');
    expect(versionFromImage('registry:5000/x/y')).toBeUndefined();
  });

  test('is undefined for an untagged image', () => {
    expect(versionFromImage('nginx')).toBeUndefined();
  });

  test('is the first 12 hex of a digest', () => {
    expect(versionFromImage(`nginx@${DIGEST}`)).toBe('0123456789ab');
    expect(versionFromImage(`nginx:1.27.2@${DIGEST}`)).toBe('0123456789ab');
  });

  test('is undefined when the tag is not a valid label value', () => {
    expect(versionFromImage(`nginx:${'a'.repeat(64)}`)).toBeUndefined();
  });
});
