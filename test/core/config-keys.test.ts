import { Testing } from 'cdk8s';
import { TimonelChart } from '../../src/app/chart';
import { ExternalSecret } from '../../src/constructs/external-secret';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { CONFIG_KEY_ALLOWED, configKeyFix, configKeyProblem, isConfigKey } from '../../src/core/config-keys';
import { EnvValue } from '../../src/core/env';
import { ConfigSource } from '../../src/workload/config-source';
import { thrown } from '../support/util';

const IMAGE = 'ghcr.io/acme/app:1.0.0';
const ALLOWED = "letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'";

describe('isConfigKey: Kubernetes IsConfigMapKey', () => {
  test.each(['a', 'app.properties', '.env', '.a.b', 'a..b', 'a.', '-x', '_', 'K'.repeat(253), 'x..', '.-'])('accepts %j', (k) => {
    expect(isConfigKey(k)).toBe(true);
    expect(configKeyProblem(k)).toBeUndefined();
  });
  test.each(['', '.', '..', '..data', '...', '..a', 'a b', 'config/app.yaml', 'ключ', 'K'.repeat(254)])('refuses %j', (k) => {
    expect(isConfigKey(k)).toBe(false);
    expect(configKeyProblem(k)).toEqual({ message: 'has an invalid key', allowed: ALLOWED, fix: configKeyFix(k) });
  });
  test('one Allowed text', () => expect(CONFIG_KEY_ALLOWED).toBe(ALLOWED));
});

describe('configKeyFix', () => {
  test.each([
    ['a b', "write 'a-b'"],
    ['config/app.yaml', "write 'config-app.yaml'"],
    ['..data', "write 'data'"],
    ['../etc/passwd', "write 'etc-passwd'"],
    ['K'.repeat(254), `write '${'K'.repeat(253)}'`],
    ['..', "use letters, digits, '-', '_' and '.', e.g. 'app.properties'"],
    ['.', "use letters, digits, '-', '_' and '.', e.g. 'app.properties'"],
    ['', "use letters, digits, '-', '_' and '.', e.g. 'app.properties'"],
    ['///', "use letters, digits, '-', '_' and '.', e.g. 'app.properties'"],
  ])('%j: %s', (k, fix) => {
    expect(configKeyFix(k)).toBe(fix);
  });
});

// The same rule wherever a ConfigMap or Secret key is given: '..' (and a leading '..') is refused
// with the construct's path, the prop as written, the key, the one Allowed text and a fix.
describe('every place a key is given refuses ..', () => {
  const chart = () => new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
  const HELD = 'Fix: write the key as the Secret holds it (kubectl get secret <name> -o jsonpath={.data} lists them)';
  const GENERIC = "Fix: use letters, digits, '-', '_' and '.', e.g. 'app.properties'";

  test('fails when an ExternalSecret data key is ..', () => {
    expect(thrown(() => new ExternalSecret(chart(), 'sec', { store: 'vault', data: { '..': { remoteKey: 'x/y' } } })).message)
      .toBe(`[shop/sec] 'data' has a key that is not a valid Secret key, got '..'. Allowed: ${ALLOWED}. ${GENERIC}`);
    expect(thrown(() => new ExternalSecret(chart(), 'sec', { store: 'vault', data: { '..data': { remoteKey: 'x/y' } } })).message)
      .toBe(`[shop/sec] 'data' has a key that is not a valid Secret key, got '..data'. Allowed: ${ALLOWED}. Fix: write 'data'`);
  });

  test('fails when EnvValue.fromSecret reads the key ..', () => {
    const c = chart();
    const s = new ExternalSecret(c, 'sec', { store: 'vault', data: { TOKEN: { remoteKey: 'x/y' } } });
    expect(thrown(() => EnvValue.fromSecret(s, '..')).message)
      .toBe(`[EnvValue.fromSecret] 'key' is not a valid key, got '..'. Allowed: ${ALLOWED}. ${GENERIC}`);
    expect(thrown(() => EnvValue.fromSecret('app-secrets', '..token')).message)
      .toBe(`[EnvValue.fromSecret] 'key' is not a valid key, got '..token'. Allowed: ${ALLOWED}. Fix: write 'token'`);
  });

  test("fails when a store's credentials key is ..", () => {
    expect(thrown(() => new StatefulStore(chart(), 'kv', { image: IMAGE, port: 7000, credentials: StoreCredentials.fromSecret('kv-admin', { keys: { password: '..' } }) })).message)
      .toBe(`[shop/kv] 'credentials.keys.password' is not a valid Secret key, got '..'. Allowed: ${ALLOWED}. ${HELD}`);
  });

  test('fails when a connectTo credentials key is ..', () => {
    const c = chart();
    const db = new PostgreSQL(c, 'db', { credentials: StoreCredentials.fromSecret('shop-db') });
    const api = new Worker(c, 'api', { image: IMAGE });
    expect(thrown(() => api.connectTo(db, { credentials: { secretName: 'api-db', keys: { password: '..' } } })).message)
      .toBe(`[shop/api] 'connectTo.credentials.keys.password' is not a valid Secret key, got '..'. Allowed: ${ALLOWED}. ${HELD}`);
  });

  test('fails when a config key is .. or starts with ..', () => {
    expect(thrown(() => new WebApp(chart(), 'web', { image: IMAGE, config: { '..': 'x' } })).message)
      .toBe(`[shop/web] 'config' has an invalid key, got '..'. Allowed: ${ALLOWED}. ${GENERIC}`);
    expect(thrown(() => new WebApp(chart(), 'web', { image: IMAGE, config: { '..data': 'x' } })).message)
      .toBe(`[shop/web] 'config' has an invalid key, got '..data'. Allowed: ${ALLOWED}. Fix: write 'data'`);
  });

  test('fails when a ConfigSource key is ..', () => {
    expect(thrown(() => ConfigSource.fromBinary('..', new Uint8Array([1]))).message)
      .toBe(`[ConfigSource.fromBinary] 'key' is not a valid ConfigMap key, got '..'. Allowed: ${ALLOWED}. ${GENERIC}`);
  });
});
