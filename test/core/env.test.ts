import { Construct } from 'constructs';
import { EnvList, EnvValue, validateEnvName } from '../../src/core/env';
import { newChart } from '../support/util';

describe('EnvValue', () => {
  test('renders a literal', () => {
    const v = EnvValue.value('info');
    expect(v.isLiteral).toBe(true);
    expect(v.toEnvVar('LOG_LEVEL')).toEqual({ name: 'LOG_LEVEL', value: 'info' });
  });

  test('renders an empty literal as a literal', () => {
    expect(EnvValue.value('').isLiteral).toBe(true);
    expect(EnvValue.value('').toEnvVar('EMPTY')).toEqual({ name: 'EMPTY', value: '' });
  });

  test('renders a ConfigMap key reference', () => {
    const v = EnvValue.fromConfigMap('settings', 'mode');
    expect(v.isLiteral).toBe(false);
    expect(v.toEnvVar('MODE')).toEqual({ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } });
    expect(EnvValue.fromConfigMap('settings', 'mode', { optional: true }).toEnvVar('MODE').valueFrom?.configMapKeyRef?.optional).toBe(true);
  });

  test('renders a Secret key reference, without the value', () => {
    const v = EnvValue.fromSecret('db-credentials', 'password');
    expect(v.isLiteral).toBe(false);
    expect(v.toEnvVar('DB_PASSWORD')).toEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } });
    expect(EnvValue.fromSecret('s', 'k', { optional: true }).toEnvVar('X').valueFrom?.secretKeyRef?.optional).toBe(true);
  });

  test('fails when a pod field path is not one an env var can read (the API server refused the pod; trial L)', () => {
    const allowed = "Allowed: 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs', or a label or annotation by its key: metadata.labels['<key>'], metadata.annotations['<key>']";
    expect(() => EnvValue.fromField('metadata.nam')).toThrow(`[EnvValue.fromField] 'fieldPath' is not a pod field an env var can read (the API server refuses the pod), got 'metadata.nam'. ${allowed}. Fix: write 'metadata.name'`);
    expect(() => EnvValue.fromField('spec.nodename')).toThrow(/Fix: write 'spec\.nodeName'$/);
    expect(() => EnvValue.fromField('metadata.labels.team')).toThrow(/a label or annotation is read by its key in brackets, got 'metadata\.labels\.team'\..*Fix: write "metadata\.labels\['team'\]"$/);
    expect(() => EnvValue.fromField('metadata.annotations')).toThrow(/is the whole map, which an env var cannot hold/);
    expect(EnvValue.fromField("metadata.labels['app.kubernetes.io/name']").toEnvVar('APP').valueFrom?.fieldRef?.fieldPath).toBe("metadata.labels['app.kubernetes.io/name']");
  });

  test('fails when a ConfigMap or Secret key is invalid, with the key to write', () => {
    expect(() => EnvValue.fromConfigMap('cm', 'a b')).toThrow("[EnvValue.fromConfigMap] 'key' is not a valid key, got 'a b'. Allowed: letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'. Fix: write 'a-b'");
    expect(() => EnvValue.fromSecret('s', 'tls/key')).toThrow(/Fix: write 'tls-key'$/);
    expect(() => EnvValue.fromSecret('-', 'k')).toThrow(/'secretName' is not a valid object name.*Fix: /);
  });

  test('renders a pod field reference', () => {
    expect(EnvValue.fromField('status.podIP').toEnvVar('POD_IP')).toEqual({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  });
});

describe('validateEnvName', () => {
  test.each(['LOG_LEVEL', '_X', 'a.b-c', 'x1'])('accepts %s', (name) => {
    expect(validateEnvName(name)).toBe(name);
  });

  test('fails when the name starts with a digit, suggesting a rename', () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(() => validateEnvName('1ABC', web)).toThrow(
      /^\[shop\/web\] 'env' has an invalid variable name, got '1ABC'\. Allowed: letters, digits.*Fix: rename it, e.g\. '_1ABC' or 'VAR_1ABC'/,
    );
  });

  test('fails when the name has a space or =', () => {
    expect(() => validateEnvName('MY VAR')).toThrow(/has an invalid variable name, got 'MY VAR'.*Fix: use names like LOG_LEVEL/);
    expect(() => validateEnvName('A=B', undefined, 'config')).toThrow(/^'config' has an invalid variable name/);
    expect(() => validateEnvName('')).toThrow(/has an invalid variable name, got ''/);
  });
});

describe('EnvList', () => {
  const scope = () => new Construct(newChart('shop'), 'web');

  test('renders variables in the order they were added, literals and references', () => {
    const list = new EnvList(scope());
    list.add({ B: '2', A: EnvValue.fromSecret('s', 'k') });
    list.add({ C: '3' });
    expect(list.names).toEqual(['B', 'A', 'C']);
    expect(list.render()).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'C', value: '3' },
    ]);
  });

  test('renders undefined when empty', () => {
    const list = new EnvList(scope());
    list.add(undefined);
    list.add({});
    expect(list.render()).toBeUndefined();
  });

  test('fails when a variable is defined twice, naming the second source', () => {
    const list = new EnvList(scope());
    list.add({ LOG_LEVEL: 'info' });
    expect(() => list.add({ LOG_LEVEL: 'debug' }, 'addEnv')).toThrow(
      /^\[shop\/web\] 'addEnv' defines the variable 'LOG_LEVEL' twice \(first through 'env'\), got 'LOG_LEVEL'.*Fix: remove one of the definitions or rename it/,
    );
    expect(list.render()).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
  });

  test('fails when a value is an EnvValue factory not called, naming the call (trial AA6)', () => {
    const list = new EnvList(scope());
    expect(() => list.add({ DB_PASSWORD: EnvValue.fromSecret as any }, 'addEnv')).toThrow(
      /^\[shop\/web\] 'addEnv\.DB_PASSWORD' must be a string or an EnvValue, but is a function, got a function\..*Fix: call it: EnvValue\.fromSecret\('<secret>', '<key>'\)$/,
    );
    expect(() => list.add({ NODE: EnvValue.fromField as any })).toThrow(/Fix: call it: EnvValue\.fromField\('metadata\.name'\)$/);
  });

  test('fails when a name is invalid, naming the list prop', () => {
    const list = new EnvList(scope(), 'sidecars[0].env');
    expect(() => list.add({ '1ABC': 'x' })).toThrow(/'sidecars\[0\]\.env' has an invalid variable name, got '1ABC'/);
  });
});
