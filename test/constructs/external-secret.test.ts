import { ApiObject, JsonPatch } from 'cdk8s';
import { App } from '../../src/app/app';
import { ARGOCD_SYNC_WAVE } from '../../src/app/delivery';
import { TimonelChart } from '../../src/app/chart';
import { ExternalSecret, ExternalSecretProps } from '../../src/constructs/external-secret';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { EnvValue } from '../../src/core/env';
import { isSecretSource } from '../../src/core/secret-source';
import { crdErrors } from '../support/crd-schema';
import { expectValidManifests } from '../support/schema';
import { newChart, one, podSpec, synth } from '../support/util';

const IMAGE = 'ghcr.io/mastodon/mastodon:v4.3.2';
const DATA: ExternalSecretProps['data'] = {
  SECRET_KEY_BASE: { remoteKey: 'mastodon/app', property: 'secret_key_base' },
  OTP_SECRET: { remoteKey: 'mastodon/app', property: 'otp_secret' },
};

function appSecrets(chart: TimonelChart, props: Partial<ExternalSecretProps> = {}): ExternalSecret {
  return new ExternalSecret(chart, 'app-secrets', { store: 'vault', data: DATA, ...props });
}

describe('ExternalSecret', () => {
  test('matches the defaults snapshot, and the ExternalSecret CRD (external-secrets.io/v1)', () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    appSecrets(chart);
    const objs = synth(chart);
    expect(objs).toMatchSnapshot();
    expect(crdErrors(one(objs, 'ExternalSecret'))).toEqual([]);
    expectValidManifests(objs, { skipCustomResources: true });
  });

  test('fills the Secret <chart>-<id>, owned by it, from a SecretStore every hour by default', () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    const secret = appSecrets(chart);
    const es = one(synth(chart), 'ExternalSecret');
    expect(es.metadata.name).toBe('masto-app-secrets');
    expect(es.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'app-secrets', 'app.kubernetes.io/instance': 'masto-app-secrets',
      'app.kubernetes.io/part-of': 'masto', 'app.kubernetes.io/managed-by': 'timonel',
    });
    expect(es.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'SecretStore' },
      target: { name: 'masto-app-secrets', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'SECRET_KEY_BASE', remoteRef: { key: 'mastodon/app', property: 'secret_key_base' } },
        { secretKey: 'OTP_SECRET', remoteRef: { key: 'mastodon/app', property: 'otp_secret' } },
      ],
    });
    expect(secret.secretName).toBe('masto-app-secrets');
    expect(secret.namespace).toBe('mastodon');
    expect(secret.secretKeys).toEqual(['SECRET_KEY_BASE', 'OTP_SECRET']);
    expect(isSecretSource(secret)).toBe(true);
  });

  test('name, storeKind, refreshInterval and dataFrom; a key without property reads the whole remote value', () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    const secret = new ExternalSecret(chart, 'smtp', {
      name: 'mastodon-smtp', store: 'vault', storeKind: 'ClusterSecretStore', refreshInterval: '15m',
      data: { SMTP_LOGIN: { remoteKey: 'mastodon/smtp-login' } }, dataFrom: [{ remoteKey: 'mastodon/smtp' }],
    });
    const es = one(synth(chart), 'ExternalSecret');
    expect(es.metadata.name).toBe('mastodon-smtp');
    expect(es.spec).toEqual({
      refreshInterval: '15m',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'mastodon-smtp', creationPolicy: 'Owner' },
      data: [{ secretKey: 'SMTP_LOGIN', remoteRef: { key: 'mastodon/smtp-login' } }],
      dataFrom: [{ extract: { key: 'mastodon/smtp' } }],
    });
    expect(crdErrors(es)).toEqual([]);
    // With dataFrom the keys are known only in the cluster.
    expect(secret.secretKeys).toBeUndefined();
  });

  test('the primary child is Resource, and it takes JSON patches', () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    const secret = appSecrets(chart);
    expect(secret.node.defaultChild).toBe(secret.resource);
    ApiObject.of(secret.resource).addJsonPatch(JsonPatch.add('/spec/target/deletionPolicy', 'Delete'));
    expect(one(synth(chart), 'ExternalSecret').spec.target).toEqual({ name: 'masto-app-secrets', creationPolicy: 'Owner', deletionPolicy: 'Delete' });
  });

  test('fails when neither data nor dataFrom is given', () => {
    expect(() => new ExternalSecret(newChart('masto'), 'app-secrets', { store: 'vault' })).toThrow(
      "[masto/app-secrets] 'data' is required (or dataFrom): without either the ExternalSecret fills no key, got undefined. "
      + "Allowed: an object of Secret keys to { remoteKey, property? }, and/or dataFrom: [{ remoteKey }]. "
      + "Fix: add data: { SECRET_KEY_BASE: { remoteKey: 'app/prod', property: 'secret_key_base' } }, or dataFrom: [{ remoteKey: 'app/prod' }] for every property of it",
    );
  });

  test('fails when props have the wrong types or values, naming each prop', () => {
    expect(() => new ExternalSecret(newChart('masto'), 'app-secrets', {
      store: 'Vault', storeKind: 'ClusterStore', refreshInterval: '1d', data: { 'a b': 'mastodon/app' },
    } as any)).toThrow([
      '[masto/app-secrets] has 5 invalid props:',
      "  'store' is not a valid DNS-1123 subdomain, got 'Vault'. Allowed: a DNS-1123 subdomain: lowercase letters, digits and '-' and '.', at most 253 characters. Fix: write 'vault'",
      "  'storeKind' is not one of the allowed values, got 'ClusterStore'. Allowed: 'SecretStore', 'ClusterSecretStore'. Fix: use 'SecretStore' or 'ClusterSecretStore'",
      "  'refreshInterval' is not a Go duration, as External Secrets Operator reads it, got '1d'. "
      + "Allowed: a Go duration: a number and a unit, repeated: '30s', '5m', '1h30m' (units ms, s, m, h); '0s' reads the values once. Fix: write '24h'",
      "  'data' has a key that is not a valid Secret key, got 'a b'. Allowed: letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'. Fix: write 'a-b'",
      "  'data[\"a b\"]' must be an object, but is a string, got 'mastodon/app'. Allowed: an object. Fix: write { remoteKey: 'mastodon/app' }, with property: '…' for one field of it",
    ].join('\n'));
  });

  test('fails when the store is missing, or a remote key is empty', () => {
    expect(() => new ExternalSecret(newChart('masto'), 'app-secrets', { dataFrom: [{ remoteKey: '' }] } as any)).toThrow([
      '[masto/app-secrets] has 2 invalid props:',
      "  'store' is required, got undefined. Allowed: the name of a SecretStore or ClusterSecretStore, e.g. 'vault'. "
      + "Fix: name the store External Secrets Operator reads from: store: 'vault' (with storeKind: 'ClusterSecretStore' for a cluster-wide one)",
      "  'dataFrom[0].remoteKey' must not be empty, got ''. Allowed: the secret's key (path) in the provider, e.g. 'shop/db'. Fix: name the secret in the provider, e.g. 'shop/db'",
    ].join('\n'));
  });

  test('fails when it is not in a chart', () => {
    expect(() => new ExternalSecret(new App(), 'app-secrets', { store: 'vault', data: DATA })).toThrow(
      "[app-secrets] must be created inside a TimonelChart, but its scope is the app. Allowed: a scope inside a TimonelChart. Fix: create it in the chart of the workloads that read it: new ExternalSecret(chart, 'app-secrets', { ... })",
    );
  });
});

describe('workloads reading an ExternalSecret', () => {
  test('envFromSecrets and EnvValue.fromSecret take the construct: its Secret by name, and no ref-missing-dependency warning', () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    const secret = appSecrets(chart);
    const web = new WebApp(chart, 'web', { image: IMAGE, port: 3000, envFromSecrets: [secret, 'extra'] });
    const worker = new Worker(chart, 'sidekiq', { image: IMAGE, env: { SECRET_KEY_BASE: EnvValue.fromSecret(secret, 'SECRET_KEY_BASE', { optional: true }) } });
    const objs = synth(chart);
    expect(podSpec(one(objs, 'Deployment', 'masto-web')).containers[0].envFrom).toEqual([{ secretRef: { name: 'masto-app-secrets' } }, { secretRef: { name: 'extra' } }]);
    expect(podSpec(one(objs, 'Deployment', 'masto-sidekiq')).containers[0].env).toEqual([
      { name: 'SECRET_KEY_BASE', valueFrom: { secretKeyRef: { name: 'masto-app-secrets', key: 'SECRET_KEY_BASE', optional: true } } },
    ]);
    // Both depend on it, so that it is applied first, here and across charts.
    expect(web.node.dependencies).toContain(secret);
    expect(worker.node.dependencies).toContain(secret);
    const kinds = objs.map((o) => o.kind);
    expect(kinds.indexOf('ExternalSecret')).toBeLessThan(kinds.indexOf('Deployment'));
  });

  test('addEnv, sidecars and init containers depend on it too', () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    const secret = appSecrets(chart);
    const other = new ExternalSecret(chart, 'other', { store: 'vault', dataFrom: [{ remoteKey: 'mastodon/other' }] });
    const third = new ExternalSecret(chart, 'third', { store: 'vault', dataFrom: [{ remoteKey: 'mastodon/third' }] });
    const web = new WebApp(chart, 'web', {
      image: IMAGE, port: 3000,
      sidecars: [{ name: 'proxy', image: 'nginx:1.27.2', envFromSecrets: [other] }],
      initContainers: [{ name: 'init', image: 'busybox:1.36.1', env: { TOKEN: EnvValue.fromSecret(third, 'token') } }],
    });
    web.addEnv({ OTP_SECRET: EnvValue.fromSecret(secret, 'OTP_SECRET') });
    expect(web.node.dependencies).toEqual(expect.arrayContaining([secret, other, third]));
    const spec = podSpec(one(synth(chart), 'Deployment'));
    expect(spec.containers[1].envFrom).toEqual([{ secretRef: { name: 'masto-other' } }]);
    expect(spec.initContainers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'masto-third', key: 'token' });
  });

  test('with dataFrom, EnvValue.fromSecret takes any key', () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    const smtp = new ExternalSecret(chart, 'smtp', { store: 'vault', dataFrom: [{ remoteKey: 'mastodon/smtp' }] });
    expect(EnvValue.fromSecret(smtp, 'password').toEnvVar('SMTP_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'masto-smtp', key: 'password' } });
  });

  test('a chart of the same namespace applies after the chart of the ExternalSecret (Argo CD waves)', () => {
    const app = new App({ delivery: 'argocd' });
    const secrets = new TimonelChart(app, 'secrets', { namespace: 'mastodon' });
    const apps = new TimonelChart(app, 'apps', { namespace: 'mastodon', createNamespace: false });
    const secret = appSecrets(secrets);
    new WebApp(apps, 'web', { image: IMAGE, port: 3000, envFromSecrets: [secret] });
    const waves = app.render().map((f) => f.docs.map((d) => Number(d.metadata.annotations[ARGOCD_SYNC_WAVE])));
    expect(Math.min(...waves[1])).toBeGreaterThan(Math.max(...waves[0]));
  });

  test('fails when a key is not one the ExternalSecret declares', () => {
    const secret = appSecrets(newChart('masto', { namespace: 'mastodon' }));
    expect(() => EnvValue.fromSecret(secret, 'SECRET_KEY')).toThrow(
      "[EnvValue.fromSecret] 'key' is not a key of the Secret 'masto-app-secrets' that 'masto/app-secrets' declares, got 'SECRET_KEY'. "
      + "Allowed: 'SECRET_KEY_BASE', 'OTP_SECRET'. Fix: use one of its keys, or add 'SECRET_KEY' to its data: { SECRET_KEY: { remoteKey: '…', property: '…' } }",
    );
  });

  test("fails when env sets a key the ExternalSecret gives through envFromSecrets (env would silently win over the Secret's value)", () => {
    const chart = newChart('masto', { namespace: 'mastodon' });
    const secrets = appSecrets(chart);
    expect(() => new WebApp(chart, 'web', { image: IMAGE, env: { SECRET_KEY_BASE: 'dev' }, envFromSecrets: [secrets] })).toThrow(
      "[masto/web] 'envFromSecrets[0]' defines the variable 'SECRET_KEY_BASE' through the Secret (envFrom), which 'env' also defines: the 'env' value would silently win, got 'SECRET_KEY_BASE'. "
      + "Allowed: each variable name once per container. Fix: define 'SECRET_KEY_BASE' in one place: remove it from 'envFromSecrets[0]' or from 'env', or rename it");
    const web = new WebApp(chart, 'web2', { image: IMAGE, envFromSecrets: [secrets] });
    expect(() => web.addEnv({ OTP_SECRET: 'x' })).toThrow(/'addEnv' defines the variable 'OTP_SECRET', which 'envFromSecrets\[0\]' already defines through the Secret \(envFrom\)/);
    // With dataFrom the keys are only known in the cluster: nothing to compare.
    const whole = new ExternalSecret(chart, 'whole', { store: 'vault', dataFrom: [{ remoteKey: 'mastodon/app' }] });
    new WebApp(chart, 'web3', { image: IMAGE, env: { SECRET_KEY_BASE: 'x' }, envFromSecrets: [whole] });
  });

  test('fails when a workload of another namespace reads it', () => {
    const app = new App();
    const secret = appSecrets(new TimonelChart(app, 'masto', { namespace: 'mastodon' }));
    const other = new TimonelChart(app, 'ops', { namespace: 'ops' });
    const message = "reads the Secret 'masto-app-secrets' of 'masto/app-secrets' in namespace 'mastodon', but its pods run in namespace 'ops': "
      + "a pod reads Secrets of its own namespace only, got 'masto/app-secrets'. Allowed: a Secret of the workload's own namespace. "
      + "Fix: declare an ExternalSecret in a chart of namespace 'ops' (e.g. the chart 'ops' of the workload), reading the same remote keys, and pass that one";
    expect(() => new WebApp(other, 'web', { image: IMAGE, port: 3000, envFromSecrets: [secret] })).toThrow(`[ops/web] 'envFromSecrets[0]' ${message}`);
    expect(() => new Worker(other, 'sidekiq', { image: IMAGE, env: { KEY: EnvValue.fromSecret(secret, 'OTP_SECRET') } })).toThrow(`[ops/sidekiq] 'env.KEY' ${message}`);
    const web = new WebApp(other, 'admin', { image: IMAGE, port: 3000 });
    expect(() => web.addEnv({ KEY: EnvValue.fromSecret(secret, 'OTP_SECRET') })).toThrow(`[ops/admin] 'addEnv.KEY' ${message}`);
    expect(web.node.dependencies).toEqual([]);
  });

  test('fails when envFromSecrets holds a store\'s credentials, with the ExternalSecret as the fix', () => {
    const credentials = StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'mastodon/app' });
    expect(() => new WebApp(newChart('masto'), 'web', { image: IMAGE, envFromSecrets: [credentials] } as any)).toThrow(
      "[masto/web] 'envFromSecrets[0]' must be the name of a Secret, or an ExternalSecret, but is a ExternalSecretCredentials, got {\"options\":{\"store\":\"vault\",\"remoteKey\":\"mastodon/app\"}}. "
      + 'Allowed: the name of a Secret, or an ExternalSecret. '
      + "Fix: declare the app's Secret with new ExternalSecret(chart, 'app-secrets', { store: 'vault', data: { SECRET_KEY_BASE: { remoteKey: 'app/prod', property: 'secret_key_base' } } }) and pass it, "
      + 'or pass the name of an existing Secret (StoreCredentials are the credentials of a StatefulStore)',
    );
  });
});
