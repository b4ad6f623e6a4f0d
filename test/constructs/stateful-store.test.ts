import { ApiObject, JsonPatch } from 'cdk8s';
import {
  InsecureLiteralsAcknowledgement,
  StatefulStore,
  StatefulStoreProps,
  StoreCredentials,
} from '../../src/constructs/stateful-store';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { TimonelError } from '../../src/core/errors';
import { EnvValue } from '../../src/core/env';
import { Probe } from '../../src/core/probes';
import { expectValidManifests } from '../support/schema';
import { all, newChart, one, podSpec, synth } from '../support/util';

const IMAGE = 'ghcr.io/acme/kv:2.1.0';
const SELECTOR = { 'app.kubernetes.io/name': 'kv', 'app.kubernetes.io/instance': 'shop-kv' };

function render(props: Partial<StatefulStoreProps> = {}, chartProps = {}): any[] {
  const chart = newChart('shop', chartProps);
  new StatefulStore(chart, 'kv', { image: IMAGE, port: 7000, ...props });
  return synth(chart);
}

function build(props: Partial<StatefulStoreProps>): () => void {
  return () => new StatefulStore(newChart('shop'), 'kv', { image: IMAGE, port: 7000, ...props });
}

const sts = (objs: any[]) => one(objs, 'StatefulSet');

describe('StatefulStore defaults', () => {
  test('matches the defaults snapshot', () => {
    const objs = render();
    expect(objs).toMatchSnapshot();
    expectValidManifests(objs);
  });

  test('emits ServiceAccount, headless and client Services and the StatefulSet, named after the ids', () => {
    expect(render().map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/shop-kv',
      'Service/shop-kv-headless',
      'Service/shop-kv',
      'StatefulSet/shop-kv',
    ]);
  });

  test('the headless Service governs the StatefulSet and publishes pods before they are ready', () => {
    const objs = render();
    const headless = one(objs, 'Service', 'shop-kv-headless');
    expect(headless.spec).toEqual({
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: SELECTOR,
      ports: [{ name: 'tcp', port: 7000, targetPort: 'tcp', protocol: 'TCP' }],
    });
    expect(sts(objs).spec.serviceName).toBe('shop-kv-headless');
  });

  test('the client Service is a ClusterIP on the store port', () => {
    const svc = one(render(), 'Service', 'shop-kv');
    expect(svc.spec).toEqual({ type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'tcp', port: 7000, targetPort: 'tcp', protocol: 'TCP' }] });
  });

  test('one replica, OrderedReady, RollingUpdate with partition 0, retained volumes', () => {
    const spec = sts(render()).spec;
    expect(spec.replicas).toBe(1);
    expect(spec.podManagementPolicy).toBe('OrderedReady');
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(spec.revisionHistoryLimit).toBe(5);
    expect(spec.selector.matchLabels).toEqual(SELECTOR);
  });

  test('one 10Gi ReadWriteOnce claim "data" mounted at /data, labelled with the selector labels only', () => {
    const spec = sts(render()).spec;
    expect(spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: SELECTOR },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    }]);
    const pod = podSpec(sts(render()));
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    // The claim is provided by the template, not by a pod volume.
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['tmp']);
  });

  test('pods: fsGroup OnRootMismatch, 60 s grace, no preStop, restricted', () => {
    const pod = podSpec(sts(render()));
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(pod.containers[0].lifecycle).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.affinity).toBeUndefined();
    expect(pod.topologySpreadConstraints).toBeUndefined();
  });

  test('probes are TCP with slow-recovery timing: startup may take 10 s × 60 = 10 minutes', () => {
    const c = podSpec(sts(render())).containers[0];
    expect(c.startupProbe).toMatchObject({ tcpSocket: { port: 'tcp' }, periodSeconds: 10, failureThreshold: 60, timeoutSeconds: 5 });
    expect(c.readinessProbe).toMatchObject({ tcpSocket: { port: 'tcp' }, periodSeconds: 10, failureThreshold: 3 });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'tcp' }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5 });
  });

  test('no PodDisruptionBudget with one replica', () => {
    expect(all(render(), 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('StatefulStore props', () => {
  test('replicas ≥ 2: PDB maxUnavailable 1, required host anti-affinity and a zone spread', () => {
    const objs = render({ replicas: 3 });
    expect(one(objs, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    const pod = podSpec(sts(objs));
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: SELECTOR }, topologyKey: 'kubernetes.io/hostname' }],
      },
    });
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } },
    ]);
    expectValidManifests(objs);
  });

  test('spread: false drops anti-affinity and spread', () => {
    const pod = podSpec(sts(render({ replicas: 3, spread: false })));
    expect(pod.affinity).toBeUndefined();
    expect(pod.topologySpreadConstraints).toBeUndefined();
  });

  test('affinity replaces the computed anti-affinity', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } };
    expect(podSpec(sts(render({ replicas: 3, affinity }))).affinity).toEqual(affinity);
  });

  test('disruptionBudget: false opts out; true with two replicas is the default made explicit', () => {
    expect(all(render({ replicas: 3, disruptionBudget: false }), 'PodDisruptionBudget')).toEqual([]);
    expect(all(render({ replicas: 2, disruptionBudget: true }), 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('replicas 0 is allowed (a stopped store keeps its volumes)', () => {
    const objs = render({ replicas: 0 });
    expect(sts(objs).spec.replicas).toBe(0);
    expect(all(objs, 'PodDisruptionBudget')).toEqual([]);
  });

  test('deleteVolumesOnDelete and deleteVolumesOnScaleDown opt in to deletion, each on its own', () => {
    expect(sts(render({ deleteVolumesOnDelete: true })).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    expect(sts(render({ deleteVolumesOnScaleDown: true })).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
  });

  test('podManagementPolicy Parallel and a partition', () => {
    const spec = sts(render({ replicas: 3, podManagementPolicy: 'Parallel', partition: 2 })).spec;
    expect(spec.podManagementPolicy).toBe('Parallel');
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
  });

  test('revisionHistoryLimit: the ControllerRevisions kept for a rollback', () => {
    expect(sts(render({ revisionHistoryLimit: 10 })).spec.revisionHistoryLimit).toBe(10);
    const chart = newChart('shop');
    new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), revisionHistoryLimit: 2 });
    expect(one(synth(chart), 'StatefulSet').spec.revisionHistoryLimit).toBe(2);
  });

  test('storage: several claims with class, size and access modes, each mounted', () => {
    const objs = render({
      storage: [
        { name: 'data', mountPath: '/var/lib/kv', size: '50Gi', storageClassName: 'fast-ssd' },
        { name: 'wal', mountPath: '/var/lib/kv-wal', size: '500Mi', accessModes: ['ReadWriteOncePod'] },
      ],
    });
    expect(sts(objs).spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec])).toEqual([
      ['data', { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } } }],
      ['wal', { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '500Mi' } } }],
    ]);
    expect(podSpec(sts(objs)).containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/var/lib/kv' },
      { name: 'wal', mountPath: '/var/lib/kv-wal' },
    ]);
    expectValidManifests(objs);
  });

  test("storageClassName '' is Kubernetes' no class: the claim binds a pre-created PersistentVolume (trial X, X11)", () => {
    const objs = render({ storage: [{ mountPath: '/var/lib/kv', size: '50Gi', storageClassName: '' }] });
    expect(sts(objs).spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: '50Gi' } } });
    expectValidManifests(objs);
    const chart = newChart('shop');
    new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), storage: { storageClassName: '' } });
    expect(one(synth(chart), 'StatefulSet').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('');
  });

  test('isolate: true admits nobody until a client is declared; without it no NetworkPolicy', () => {
    expect(all(render(), 'NetworkPolicy')).toEqual([]);
    const policy = one(render({ isolate: true }), 'NetworkPolicy');
    expect(policy.metadata.name).toBe(sts(render()).metadata.name);
    expect(policy.spec).toEqual({ podSelector: { matchLabels: sts(render()).spec.selector.matchLabels }, policyTypes: ['Ingress'], ingress: [] });
  });

  test('storage: [] makes a store without volumes', () => {
    const spec = sts(render({ storage: [] })).spec;
    expect(spec.volumeClaimTemplates).toBeUndefined();
    expect(spec.persistentVolumeClaimRetentionPolicy).toBeUndefined();
  });

  test('servicePort, portName and extra ports on both Services', () => {
    const objs = render({ servicePort: 17000, portName: 'kv', extraPorts: [{ name: 'bus', port: 17001 }] });
    expect(one(objs, 'Service', 'shop-kv').spec.ports).toEqual([
      { name: 'kv', port: 17000, targetPort: 'kv', protocol: 'TCP' },
      { name: 'bus', port: 17001, targetPort: 'bus', protocol: 'TCP' },
    ]);
    expect(one(objs, 'Service', 'shop-kv-headless').spec.ports.map((p: any) => p.port)).toEqual([7000, 17001]);
  });

  test('securityContext and terminationGracePeriodSeconds override the store defaults', () => {
    const pod = podSpec(sts(render({ securityContext: { fsGroupChangePolicy: 'Always', runAsUser: 2000 }, terminationGracePeriodSeconds: 120 })));
    expect(pod.securityContext.fsGroupChangePolicy).toBe('Always');
    expect(pod.securityContext.runAsUser).toBe(2000);
    expect(pod.terminationGracePeriodSeconds).toBe(120);
  });

  test('a probe given by the user keeps its own timing over the store defaults', () => {
    const c = podSpec(sts(render({ readiness: Probe.exec(['kv-cli', 'ping'], { periodSeconds: 3 }) }))).containers[0];
    expect(c.readinessProbe).toEqual({
      exec: { command: ['kv-cli', 'ping'] }, periodSeconds: 3, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1, initialDelaySeconds: 0,
    });
  });

  test('the endpoint: host in the namespace, Service port, pod port, env prefix from the id', () => {
    const store = new StatefulStore(newChart('shop', { namespace: 'shop' }), 'orderCache', { image: IMAGE, port: 7000, servicePort: 80 });
    expect(store.endpoint).toMatchObject({
      name: 'shop-ordercache', namespace: 'shop', host: 'shop-ordercache.shop.svc', port: 80, targetPort: 7000, envPrefix: 'ORDER_CACHE', peerTraffic: false,
    });
  });

  test('a derived name over 52 characters is shortened (controller-revision-hash must fit in 63)', () => {
    const store = new StatefulStore(newChart('shop'), 'a-really-long-store-name-that-keeps-going-and-going', { image: IMAGE, port: 7000 });
    expect(store.name).toHaveLength(52);
    expect(store.name).toMatch(/^shop-a-really-long-store-name-that-keeps-go-[0-9a-f]{8}$/);
  });
});

describe('StatefulStore service (IP families)', () => {
  const families = (objs: any[]) => all(objs, 'Service').map((x) => [x.metadata.name, x.spec.ipFamilyPolicy, x.spec.ipFamilies]);

  test('service.dualStack: both Services, the headless one too (the pods\' DNS names get AAAA records only from its families)', () => {
    expect(families(render({ service: { dualStack: true } }))).toEqual([
      ['shop-kv-headless', 'PreferDualStack', ['IPv4', 'IPv6']],
      ['shop-kv', 'PreferDualStack', ['IPv4', 'IPv6']],
    ]);
    const headless = all(render({ service: { dualStack: true } }), 'Service')[0].spec;
    expect([headless.clusterIP, headless.publishNotReadyAddresses]).toEqual(['None', true]);
    expectValidManifests(render({ service: { dualStack: true }, replicas: 3 }));
  });

  test('service.ipFamilyPolicy and .ipFamilies, as on a WebApp; none: the cluster default', () => {
    expect(families(render({ service: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] } }))[1]).toEqual(['shop-kv', 'RequireDualStack', ['IPv6', 'IPv4']]);
    expect(families(render({ service: { ipFamilies: ['IPv6'] } }))[1]).toEqual(['shop-kv', undefined, ['IPv6']]);
    expect(families(render({ service: { ipFamilies: ['IPv4', 'IPv6'] } }))[1]).toEqual(['shop-kv', 'PreferDualStack', ['IPv4', 'IPv6']]);
    expect(families(render())).toEqual([['shop-kv-headless', undefined, undefined], ['shop-kv', undefined, undefined]]);
  });

  test('dual stack changes no NetworkPolicy', () => {
    const policies = (service?: StatefulStoreProps['service']) => {
      const chart = newChart('shop', { namespace: 'shop' });
      const kv = new StatefulStore(chart, 'kv', { image: IMAGE, port: 7000, replicas: 3, service });
      new StatefulStore(chart, 'client', { image: IMAGE, port: 7001 }).connectTo(kv);
      return all(synth(chart), 'NetworkPolicy');
    };
    expect(policies({ dualStack: true })).toEqual(policies());
  });

  test('fails when service asks for a port or a type: the port is servicePort', () => {
    expect(build({ service: { port: 7001 } } as any)).toThrow(
      "[shop/kv] 'service.port' is not a known service option: a store's Service port is a prop of its own, got 7001. Allowed: 'dualStack', 'ipFamilyPolicy', 'ipFamilies'. Fix: write servicePort: <port> beside service",
    );
    expect(build({ service: { type: 'LoadBalancer' } } as any)).toThrow(
      "[shop/kv] 'service.type' is not a known service option: a store's Services are a ClusterIP one for its clients and a headless one for its pods' DNS names, "
      + "got 'LoadBalancer'. Allowed: 'dualStack', 'ipFamilyPolicy', 'ipFamilies'. Fix: clients in the cluster reach it with connectTo; for clients outside it, add a Service of your own that selects its pods (store.selectorLabels)",
    );
  });

  test('fails when the IP family fields contradict each other', () => {
    expect(build({ service: { dualStack: true, ipFamilies: ['IPv6'] } })).toThrow(
      "[shop/kv] 'service.ipFamilies' lists one family, but dualStack is true (IPv4 and IPv6), got [\"IPv6\"]. Allowed: both families (or none) with dualStack: true. Fix: list both, primary first (e.g. ['IPv6', 'IPv4']), or remove dualStack",
    );
    expect(build({ service: { ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'SingleStack' } })).toThrow(
      "[shop/kv] 'service.ipFamilies' has two families, but ipFamilyPolicy is 'SingleStack', got [\"IPv4\",\"IPv6\"]. Allowed: two families with ipFamilyPolicy 'PreferDualStack' or 'RequireDualStack'. Fix: use ipFamilyPolicy: 'PreferDualStack' (or 'RequireDualStack'), or list one family",
    );
    expect(build({ service: { ipFamilyPolicy: 'DualStack' as any } })).toThrow(
      "[shop/kv] 'service.ipFamilyPolicy' is not one of the allowed values, got 'DualStack'. Allowed: 'SingleStack', 'PreferDualStack', 'RequireDualStack'. "
      + "Fix: use 'SingleStack', 'PreferDualStack' or 'RequireDualStack'",
    );
  });
});

describe('StatefulStore credentials', () => {
  const noLiteralSecrets = (objs: any[]) => {
    for (const o of all(objs, 'Secret')) {
      expect(o.data).toBeUndefined();
      expect(o.stringData).toBeUndefined();
    }
  };

  test('fromSecret references an existing Secret: nothing is emitted, default keys username/password', () => {
    const chart = newChart('shop');
    const store = new StatefulStore(chart, 'kv', { image: IMAGE, port: 7000, credentials: StoreCredentials.fromSecret('kv-admin') });
    expect(store.credentials).toEqual({ secretName: 'kv-admin', keys: { username: 'username', password: 'password' } });
    const objs = synth(chart);
    expect(all(objs, 'Secret')).toEqual([]);
    expect(all(objs, 'ExternalSecret')).toEqual([]);
  });

  test('fromSecret with explicit keys uses exactly those keys', () => {
    const store = new StatefulStore(newChart('shop'), 'kv', {
      image: IMAGE, port: 7000, credentials: StoreCredentials.fromSecret('kv-admin', { keys: { username: 'user', password: 'pass', database: 'db' } }),
    });
    expect(store.credentials!.keys).toEqual({ username: 'user', password: 'pass', database: 'db' });
    expect(store.credentialEnv('password')).toEqual(EnvValue.fromSecret('kv-admin', 'pass'));
  });

  test('fromExternalSecret emits an external-secrets.io/v1 ExternalSecret that fills <name>-credentials', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const store = new StatefulStore(chart, 'kv', {
      image: IMAGE, port: 7000,
      credentials: StoreCredentials.fromExternalSecret({ store: 'vault', storeKind: 'ClusterSecretStore', remoteKey: 'db/prod', properties: { username: 'user', password: 'pass' } }),
    });
    const objs = synth(chart);
    const es = one(objs, 'ExternalSecret');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata.name).toBe('shop-kv-credentials');
    expect(es.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'shop-kv-credentials', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'username', remoteRef: { key: 'db/prod', property: 'user' } },
        { secretKey: 'password', remoteRef: { key: 'db/prod', property: 'pass' } },
      ],
    });
    expect(store.credentials).toMatchObject({ secretName: 'shop-kv-credentials', keys: { username: 'username', password: 'password' } });
    // The ExternalSecret comes before the workloads that read its Secret.
    const kinds = objs.map((o) => o.kind);
    expect(kinds.indexOf('ExternalSecret')).toBeLessThan(kinds.indexOf('StatefulSet'));
    noLiteralSecrets(objs);
    expectValidManifests(objs, { skipCustomResources: true });
  });

  test('fromExternalSecret defaults to a SecretStore and the roles the store needs', () => {
    const chart = newChart('shop');
    new StatefulStore(chart, 'kv', {
      image: IMAGE, port: 7000, credentialRoles: ['password'], credentials: StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'kv' }),
    });
    const es = one(synth(chart), 'ExternalSecret');
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'SecretStore' });
    expect(es.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'kv', property: 'password' } }]);
  });

  test('fails when fromExternalSecret refreshInterval is not a Go duration, with the duration meant as the fix', () => {
    const withRefresh = (refreshInterval: string) => build({ credentials: StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'kv', refreshInterval }) });
    expect(withRefresh('1d')).toThrow(
      "[shop/kv] 'credentials.refreshInterval' is not a Go duration, as External Secrets Operator reads it, got '1d'. "
      + "Allowed: a Go duration: a number and a unit, repeated: '30s', '5m', '1h30m' (units ms, s, m, h); '0s' reads the values once. Fix: write '24h'",
    );
    expect(withRefresh('1 hour')).toThrow(/'credentials\.refreshInterval' is not a Go duration.*got '1 hour'.*Fix: write '1h'$/);
    expect(withRefresh('soon')).toThrow(/got 'soon'.*Fix: write a number and a unit, e.g. '5m' or '1h30m'$/);
    for (const ok of ['15m', '1h30m', '24h', '0s']) {
      const chart = newChart('shop');
      new StatefulStore(chart, 'kv', { image: IMAGE, port: 7000, credentials: StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'kv', refreshInterval: ok }) });
      expect(one(synth(chart), 'ExternalSecret').spec.refreshInterval).toBe(ok);
    }
  });

  test('no Secret with literal data is emitted without the opt-in', () => {
    for (const credentials of [undefined, StoreCredentials.fromSecret('kv-admin'), StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'kv' })]) {
      noLiteralSecrets(render({ credentials }));
    }
  });

  test('fromLiteralsINSECURE with the acknowledgement emits a stringData Secret <name>-credentials', () => {
    const chart = newChart('shop');
    const store = new StatefulStore(chart, 'kv', {
      image: IMAGE, port: 7000,
      credentials: StoreCredentials.fromLiteralsINSECURE({ username: 'admin', password: 'dev-only' }, { iUnderstandLiteralSecretsAreStoredInPlainText: true }),
    });
    const secret = one(synth(chart), 'Secret');
    expect(secret.metadata.name).toBe('shop-kv-credentials');
    expect(secret.stringData).toEqual({ username: 'admin', password: 'dev-only' });
    expect(store.credentials!.secret).toBeDefined();
  });

  test('fails when literal credentials come without the acknowledgement', () => {
    const ack = { iUnderstandLiteralSecretsAreStoredInPlainText: false } as unknown as InsecureLiteralsAcknowledgement;
    expect(build({ credentials: StoreCredentials.fromLiteralsINSECURE({ username: 'a', password: 'b' }, ack) })).toThrow(
      /\[shop\/kv\] 'credentials' holds literal secret values without the acknowledgement.*Allowed: \{ iUnderstandLiteralSecretsAreStoredInPlainText: true \}/,
    );
  });

  test('fails when an env var that looks like a secret is a literal', () => {
    expect(build({ env: { KV_PASSWORD: 'hunter2' } })).toThrow(
      /\[shop\/kv\] 'env\.KV_PASSWORD' is a literal value, but secrets are passed by reference/,
    );
    expect(build({ env: { KV_PASSWORD_FILE: '/run/secrets/pw', KV_TOKEN: EnvValue.fromSecret('s', 'k') } })).not.toThrow();
  });

  test('reads a role the keys do not name from the key of its own name', () => {
    expect(build({ credentials: StoreCredentials.fromSecret('kv-admin', { keys: { username: 'user' } }) })).not.toThrow();
  });

  test('fails when a role the store needs is mapped to undefined', () => {
    expect(build({ credentials: StoreCredentials.fromSecret('kv-admin', { keys: { username: 'user', password: undefined } }) })).toThrow(
      /'credentials\.keys' has no 'password', which the store needs/,
    );
  });

  test('fails when a Secret key is invalid', () => {
    expect(build({ credentials: StoreCredentials.fromSecret('kv-admin', { keys: { username: 'user name', password: 'p' } }) })).toThrow(
      /'credentials\.keys\.username' is not a valid Secret key, got 'user name'/,
    );
  });
});

describe('StoreCredentials factories', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['fromSecret(undefined)', () => StoreCredentials.fromSecret(undefined as any), /^\[StoreCredentials\.fromSecret\] 'secretName' is required, got undefined\. Allowed: the name of a Secret/],
    ['fromSecret(null)', () => StoreCredentials.fromSecret(null as any), /^\[StoreCredentials\.fromSecret\] 'secretName' must be a string, but is null/],
    ['fromSecret(\'\')', () => StoreCredentials.fromSecret(''), /'secretName' must not be empty/],
    ['fromSecret with options 5', () => StoreCredentials.fromSecret('db', 5 as any), /'options' must be an object, but is a number/],
    ['fromSecret with an unknown role', () => StoreCredentials.fromSecret('db', { keys: { pasword: 'p' } as any }), /'options\.keys\.pasword' is not a known credential role.*did you mean 'password'\?/],
    ['fromExternalSecret(undefined)', () => StoreCredentials.fromExternalSecret(undefined as any), /^\[StoreCredentials\.fromExternalSecret\] 'options' is required/],
    ['fromExternalSecret without remoteKey', () => StoreCredentials.fromExternalSecret({ store: 'vault' } as any), /^\[StoreCredentials\.fromExternalSecret\] 'options\.remoteKey' is required/],
    ['fromLiteralsINSECURE(undefined)', () => StoreCredentials.fromLiteralsINSECURE(undefined as any, undefined as any), /^\[StoreCredentials\.fromLiteralsINSECURE\] has 2 invalid props:\n  'values' is required.*\n  'acknowledgement' is required/],
    ['fromLiteralsINSECURE with a number', () => StoreCredentials.fromLiteralsINSECURE({ password: 1 as any }, { iUnderstandLiteralSecretsAreStoredInPlainText: true }), /'values\.password' must be a string, but is a number/],
  ])('fails at the call when %s, with a TimonelError', (_what, call, message) => {
    expect(call).toThrow(TimonelError);
    expect(call).toThrow(message);
  });

  test('a bad Secret name is reported by the store that binds it, with its path', () => {
    const chart = newChart('shop');
    expect(() => new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('Shop_DB') })).toThrow(
      /^\[shop\/db\] 'credentials\.secretName' is not a valid DNS-1123 subdomain, got 'Shop_DB'.*Fix: write 'shop-db'$/,
    );
  });
});

describe('StatefulStore escape hatches', () => {
  test('children are public, the StatefulSet is the default child and JSON patches apply', () => {
    const chart = newChart('shop');
    const store = new StatefulStore(chart, 'kv', { image: IMAGE, port: 7000 });
    expect(store.node.defaultChild).toBe(store.statefulSet);
    ApiObject.of(store.statefulSet).addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
    expect(sts(synth(chart)).spec.minReadySeconds).toBe(10);
  });
});

describe('StatefulStore bad input', () => {
  test.each([
    ['storage size is "10GB"', { storage: [{ mountPath: '/data', size: '10GB' }] },
      /\[shop\/kv\] 'storage\[0\]\.size' is not a valid Kubernetes storage quantity, got '10GB'.*Fix: write '10Gi'/],
    ['storage size is "-1Gi"', { storage: [{ mountPath: '/data', size: '-1Gi' }] },
      /\[shop\/kv\] 'storage\[0\]\.size' must be greater than zero, got '-1Gi'/],
    ['an access mode is unknown', { storage: [{ mountPath: '/data', accessModes: ['ReadWriteAll'] }] },
      /'storage\[0\]\.accessModes\[0\]' is not one of the allowed values, got 'ReadWriteAll'\. Allowed: 'ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'/],
    ['an access mode is misspelt', { storage: [{ mountPath: '/data', accessModes: ['readwriteonce'] }] },
      /'storage\[0\]\.accessModes\[0\]' is not one of the allowed values, got 'readwriteonce'.*Fix: did you mean 'ReadWriteOnce'\?/],
    ['access modes are empty', { storage: [{ mountPath: '/data', accessModes: [] }] }, /'storage\[0\]\.accessModes' must have at least 1 item/],
    ['replicas is 0 and a PDB is requested', { replicas: 0, disruptionBudget: true },
      /\[shop\/kv\] 'disruptionBudget' is requested with 0 replicas: there are no pods, so it would protect nothing, got true.*Fix: run 2 or more: replicas: 2/],
    ['one replica and a PDB is requested (trial V6: as a WebApp refuses it)', { replicas: 1, disruptionBudget: true },
      /^\[shop\/kv\] 'disruptionBudget' is requested with 1 replica: a budget of maxUnavailable 1 lets a node drain evict the only pod, so it would protect nothing, got true\. Allowed: true with replicas ≥ 2 \(the default already adds the budget there\)\. Fix: run 2 or more: replicas: 2; or remove 'disruptionBudget' \(a single pod is down while it is moved\)$/],
    ['the default replica count and a PDB is requested', { disruptionBudget: true }, /'disruptionBudget' is requested with 1 replica/],
    ['a mount path is not absolute', { storage: [{ mountPath: 'data' }] },
      /\[shop\/kv\] 'storage\[0\]\.mountPath' must start with '\/', got 'data'.*Fix: use '\/data'/],
    ['two claims have the same name', { storage: [{ name: 'data', mountPath: '/a' }, { name: 'data', mountPath: '/b' }] },
      /\[shop\/kv\] 'storage\[1\]\.name' names a second claim 'data', got 'data'\. Allowed: unique claim names/],
    ['two claims share a mount path', { storage: [{ name: 'a', mountPath: '/data' }, { name: 'b', mountPath: '/data' }] },
      /'storage\[1\]\.mountPath' is the mount path of another claim, got '\/data'/],
    ['a claim name is not a DNS label', { storage: [{ name: 'Data_1', mountPath: '/data' }] }, /'storage\[0\]\.name' is not a valid DNS-1123 label, got 'Data_1'/],
    ['a claim takes the name of a pod volume', { storage: [{ name: 'tmp', mountPath: '/data' }] },
      /'storage\[0\]\.name' names the claim 'tmp', which another volume of the pod already uses/],
    ['podManagementPolicy is unknown', { podManagementPolicy: 'Random' }, /'podManagementPolicy' is not one of the allowed values, got 'Random'\. Allowed: 'OrderedReady', 'Parallel'/],
    ['partition is negative', { partition: -1 }, /'partition' must be a whole number of at least 0, got -1/],
    ['revisionHistoryLimit is negative', { revisionHistoryLimit: -1 }, /'revisionHistoryLimit' must be a whole number of at least 0, got -1/],
    ['replicas is negative', { replicas: -1 }, /'replicas' must be a whole number of at least 0, got -1/],
    ['port is missing', { port: undefined }, /'port' is required, got undefined\. Allowed: an integer from 1 to 65535/],
    ['the explicit name is over 52 characters', { name: 'x'.repeat(53) }, /'name' must be at most 52 characters for a DNS-1035 label, but is 53/],
    ['envPrefix is invalid', { envPrefix: '1DB' }, /'envPrefix' is not a valid env var prefix, got '1DB'/],
    ['the storage class is invalid', { storage: [{ mountPath: '/data', storageClassName: 'Fast SSD' }] }, /'storage\[0\]\.storageClassName' is not a valid DNS-1123 subdomain/],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props as unknown as Partial<StatefulStoreProps>)).toThrow(message);
  });
});
