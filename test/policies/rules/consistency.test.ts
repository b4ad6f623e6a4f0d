import { App } from '../../../src/app/app';
import { TimonelChart } from '../../../src/app/chart';
import { runPolicies } from '../../../src/policies/engine';
import { policySubjects } from '../../../src/testing/synth';
import { ExternalSecret } from '../../../src/constructs/external-secret';
import { PostgreSQL } from '../../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../../src/constructs/stateful-store/credentials';
import { WebApp } from '../../../src/constructs/web-app';
import { newChart, quiet, synth } from '../../support/util';
import { deployment, edit, LABELS, lines, surroundings } from '../helpers';

const ok = [deployment(), ...surroundings()];
const service = () => surroundings()[1];
const ingress = (backend: any) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' },
  spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: backend } }] } }] },
});
const route = (ref: any) => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'shop' },
  spec: { parentRefs: [{ name: 'gateway' }], rules: [{ backendRefs: [ref] }] },
});

describe('ref-duplicate-object', () => {
  test('passes the same name in different kinds and namespaces', () => {
    expect(lines('ref-duplicate-object', [...ok, edit(service(), (s) => { s.metadata.namespace = 'other'; })])).toEqual([]);
  });
  test('fails the same kind, namespace and name twice, naming where the first is', () => {
    expect(lines('ref-duplicate-object', [...ok, service()])).toEqual([
      "error: [test.yaml] Service shop/web 'metadata.name' is defined twice (first at test.yaml), got 'web'. Fix: give one of them another name or namespace, or remove the copy",
    ]);
  });
  test("fails two charts that each create their namespace, with the fix that keeps one (trial R: the fix said 'remove the copy' of a Namespace the user never wrote)", () => {
    const app = new App({ outdir: 'unused' });
    new TimonelChart(app, 'serving', { namespace: 'ml' });
    new TimonelChart(app, 'batch', { namespace: 'ml' });
    const found = runPolicies(policySubjects(app)).errors.filter((f) => f.ruleId === 'ref-duplicate-object');
    expect(found.map((f) => f.fix)).toEqual([
      "two charts share the namespace 'ml': let one create it, and give the other createNamespace: false (new TimonelChart(app, 'batch', { namespace: 'ml', createNamespace: false })), or give them namespaces of their own",
    ]);
    const fixed = new App({ outdir: 'unused' });
    new TimonelChart(fixed, 'serving', { namespace: 'ml' });
    new TimonelChart(fixed, 'batch', { namespace: 'ml', createNamespace: false });
    expect(runPolicies(policySubjects(fixed)).errors).toEqual([]);
  });
});

describe('ref-service-selector', () => {
  test('passes a Service selecting a workload that declares its named target port', () => {
    expect(lines('ref-service-selector', ok)).toEqual([]);
  });
  test('fails (warning) a selector that matches no pods, and a named targetPort no pod declares', () => {
    expect(lines('ref-service-selector', [
      deployment(),
      edit(service(), (s) => { s.spec.selector = { 'app.kubernetes.io/name': 'api' }; }),
      edit(service(), (s) => { s.metadata.name = 'web-metrics'; s.spec.ports[0].targetPort = 'metrics'; }),
    ])).toEqual([
      "warning: [test.yaml] Service shop/web 'spec.selector' selects no pods in this set (namespace 'shop'), got {\"app.kubernetes.io/name\":\"api\"}. Fix: match the workload's pod template labels (typically app.kubernetes.io/name and app.kubernetes.io/instance)",
      "warning: [test.yaml] Service shop/web-metrics 'spec.ports[0].targetPort' names the port 'metrics', but no selected pod (Deployment shop/web) declares a container port with that name, got 'metrics'. Fix: name the container port the same, or use the port number",
    ]);
  });
});

describe('ref-backend-service', () => {
  test('passes an Ingress and an HTTPRoute to a Service of the set', () => {
    expect(lines('ref-backend-service', [...ok, ingress({ name: 'web', port: { name: 'http' } }), route({ name: 'web', port: 80 })])).toEqual([]);
  });
  test('fails (warning) backends naming a Service not in the set', () => {
    expect(lines('ref-backend-service', [...ok, ingress({ name: 'frontend', port: { number: 80 } }), route({ name: 'api', namespace: 'backend', port: 80 })])).toEqual([
      "warning: [test.yaml] Ingress shop/web 'spec.rules[0].http.paths[0].backend.service.name' routes to the Service 'frontend' in namespace 'shop', which is not defined in this set, got 'frontend'. Fix: fix the Service name, or define the Service",
      "warning: [test.yaml] HTTPRoute shop/web 'spec.rules[0].backendRefs[0].name' routes to the Service 'api' in namespace 'backend', which is not defined in this set, got 'api'. Fix: fix the Service name, or define the Service",
    ]);
  });
});

describe('ref-backend-port', () => {
  test('passes backend ports the Service exposes (by number and by name)', () => {
    expect(lines('ref-backend-port', [...ok, ingress({ name: 'web', port: { number: 80 } }), route({ name: 'web', port: 80 })])).toEqual([]);
  });
  test('fails ports the Service does not have', () => {
    expect(lines('ref-backend-port', [
      ...ok,
      ingress({ name: 'web', port: { name: 'https' } }),
      edit(route({ name: 'web', port: 8080 }), (r) => { r.metadata.name = 'web-route'; }),
    ])).toEqual([
      "error: [test.yaml] Ingress shop/web 'spec.rules[0].http.paths[0].backend.service.port.name' is not a port name of the Service 'web', got 'https'. Allowed: 'http'. Fix: use one of the Service's port names, or the port number",
      "error: [test.yaml] HTTPRoute shop/web-route 'spec.rules[0].backendRefs[0].port' is not a port of the Service 'web', got 8080. Allowed: '80'. Fix: use one of the Service's ports",
    ]);
  });
});

describe('ref-scale-target', () => {
  const hpa = (name: string) => ({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 1, maxReplicas: 3 },
  });
  test('passes an HPA targeting a workload of the set', () => {
    expect(lines('ref-scale-target', [...ok, hpa('web')])).toEqual([]);
  });
  test('fails (warning) an HPA targeting nothing', () => {
    expect(lines('ref-scale-target', [...ok, hpa('api')])).toEqual([
      "warning: [test.yaml] HorizontalPodAutoscaler shop/web 'spec.scaleTargetRef' targets the Deployment 'api', which is not defined in this set, got {\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"api\"}. Fix: fix the kind and name of the target",
    ]);
  });
});

describe('ref-pdb-selector', () => {
  const pdb = (selector: any) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector } });
  test('passes a PDB selecting pods of the set', () => {
    expect(lines('ref-pdb-selector', [...ok, pdb({ matchLabels: LABELS })])).toEqual([]);
  });
  test('fails (warning) a PDB selecting nothing, or without a selector', () => {
    expect(lines('ref-pdb-selector', [...ok, pdb({ matchLabels: { app: 'web' } }), edit(pdb(undefined), (p) => { p.metadata.name = 'none'; })])).toEqual([
      "warning: [test.yaml] PodDisruptionBudget shop/web 'spec.selector' selects no pods in this set (namespace 'shop'), got {\"matchLabels\":{\"app\":\"web\"}}. Fix: select the workload's pod template labels",
      "warning: [test.yaml] PodDisruptionBudget shop/none 'spec.selector' is missing, so the budget selects no pods. Fix: select the workload's pod template labels",
    ]);
  });
});

describe('ref-missing-dependency: a store\'s Secret (trial U)', () => {
  const shop = (secret?: Record<string, { remoteKey: string; property?: string }>) => {
    const chart = newChart('shop', { namespace: 'shop' });
    if (secret) new ExternalSecret(chart, 'app-secrets', { name: 'shop-db', store: 'vault', data: secret });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db') });
    new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).connectTo(db);
    return quiet(() => lines('ref-missing-dependency', synth(chart)));
  };
  test("the fix fills the keys the pods read, and names the store's own way (it gave an ExternalSecret of 'KEY' that the store could not take)", () => {
    const found = shop();
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("data: { username: { remoteKey: 'app/prod', property: 'username' }, password: { remoteKey: 'app/prod', property: 'password' } }");
    expect(found[0]).toContain("for a store's credentials: credentials: StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'app/prod' })");
  });
  test('fails (warning) when an ExternalSecret fills the Secret by name without a key the pods read (the warning went away with the pods unable to start)', () => {
    expect(shop({ KEY: { remoteKey: 'app/prod', property: 'key' } })).toEqual(expect.arrayContaining([
      expect.stringMatching(/StatefulSet shop\/shop-db 'spec\.template\.spec\.containers\[0\]\.env\[\d\]\.valueFrom\.secretKeyRef\.key' reads the key 'username' of the Secret 'shop-db', which ExternalSecret shop\/shop-db fills with 'KEY' only, got 'username'\. Allowed: 'KEY'\. Fix: add 'username' to the data of ExternalSecret shop\/shop-db/),
    ]));
    expect(shop({ username: { remoteKey: 'db', property: 'u' }, password: { remoteKey: 'db', property: 'p' } })).toEqual([]);
  });
});

describe('ref-missing-dependency', () => {
  const withRefs = () => edit(deployment(), (d) => {
    const s = d.spec.template.spec;
    s.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'opt', key: 'x', optional: true } } }];
    s.containers[0].envFrom = [{ configMapRef: { name: 'settings' } }];
    s.volumes.push({ name: 'data', persistentVolumeClaim: { claimName: 'data' } });
    s.containers[0].volumeMounts.push({ name: 'data', mountPath: '/data' });
  });
  test('passes references to objects of the set (an ExternalSecret counts as the Secret)', () => {
    expect(lines('ref-missing-dependency', [
      withRefs(), ...surroundings(),
      { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db-secret', namespace: 'shop' }, spec: { target: { name: 'db' } } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: {} },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ])).toEqual([]);
  });
  test('fails (warning) each reference to something not in the set; optional references are fine', () => {
    expect(lines('ref-missing-dependency', [withRefs()])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.serviceAccountName' refers to the ServiceAccount 'web', which is not defined in this set (namespace 'shop'). Fix: define the ServiceAccount or fix the name",
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.volumes[1].persistentVolumeClaim.claimName' refers to the PersistentVolumeClaim 'data', which is not defined in this set (namespace 'shop'). Fix: define the PersistentVolumeClaim or fix the name, or mark the reference optional",
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name' refers to the Secret 'db', which is not defined in this set (namespace 'shop'). Fix: declare it here: new ExternalSecret(chart, 'app-secrets', { name: 'db', store: 'vault', data: { password: { remoteKey: 'app/prod', property: 'password' } } }), and pass the construct instead of its name (envFromSecrets: [secret], EnvValue.fromSecret(secret, 'password')) so that it is applied before the pods; or make sure 'db' exists before the pods start (created by hand or by another tool), or fix the name",
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].envFrom[0].configMapRef.name' refers to the ConfigMap 'settings', which is not defined in this set (namespace 'shop'). Fix: define the ConfigMap or fix the name, or mark the reference optional",
    ]);
  });
  test('warns once per missing Secret of a namespace, on the first pod that refers to it and does not suppress the rule, naming the others', () => {
    const reading = (name: string, suppress = false) => edit(deployment(), (d) => {
      d.metadata.name = name;
      d.spec.template.spec.serviceAccountName = 'default';
      d.spec.template.spec.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-auth', key: 'password' } } }];
      if (suppress) d.metadata.annotations = { 'timonel.dev/suppress.ref-missing-dependency': 'db-auth is created by the DBA team' };
    });
    const fix = "Fix: declare it here: new ExternalSecret(chart, 'app-secrets', { name: 'db-auth', store: 'vault', data: { password: { remoteKey: 'app/prod', property: 'password' } } }), and pass the construct instead of its name (envFromSecrets: [secret], EnvValue.fromSecret(secret, 'password')) so that it is applied before the pods; or make sure 'db-auth' exists before the pods start (created by hand or by another tool), or fix the name";
    expect(lines('ref-missing-dependency', ['api', 'web', 'worker', 'jobs'].map((n) => reading(n)))).toEqual([
      `warning: [test.yaml] Deployment shop/api 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name' refers to the Secret 'db-auth', which is not defined in this set (namespace 'shop'); also referred to by Deployment shop/web, Deployment shop/worker and 1 more. ${fix}`,
    ]);
    expect(lines('ref-missing-dependency', [reading('api', true), reading('web')])).toEqual([
      `warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name' refers to the Secret 'db-auth', which is not defined in this set (namespace 'shop'); also referred to by Deployment shop/api. ${fix}`,
    ]);
    const other = edit(reading('api'), (d) => { d.metadata.namespace = 'reports'; });
    expect(lines('ref-missing-dependency', [reading('api'), other])).toHaveLength(2);
  });

  test('fails (warning) once per missing object of a pod, however often it is referenced (credentials in several env vars)', () => {
    const creds = edit(deployment(), (d) => {
      const c = d.spec.template.spec.containers[0];
      c.env = ['username', 'password', 'database'].map((key) => ({ name: `DB_${key.toUpperCase()}`, valueFrom: { secretKeyRef: { name: 'db', key } } }));
      d.spec.template.spec.serviceAccountName = 'default';
    });
    expect(lines('ref-missing-dependency', [creds])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name' refers to the Secret 'db' (here and in 2 more places of the pod), which is not defined in this set (namespace 'shop'). Fix: declare it here: new ExternalSecret(chart, 'app-secrets', { name: 'db', store: 'vault', data: { username: { remoteKey: 'app/prod', property: 'username' }, password: { remoteKey: 'app/prod', property: 'password' }, database: { remoteKey: 'app/prod', property: 'database' } } }), and pass the construct instead of its name (envFromSecrets: [secret], EnvValue.fromSecret(secret, 'username')) so that it is applied before the pods; or make sure 'db' exists before the pods start (created by hand or by another tool), or fix the name",
    ]);
  });

  test('fails (warning) a missing registry Secret without suggesting an ExternalSecret (its type is not Opaque)', () => {
    const pull = edit(deployment(), (d) => {
      d.spec.template.spec.serviceAccountName = 'default';
      d.spec.template.spec.imagePullSecrets = [{ name: 'ghcr' }];
    });
    expect(lines('ref-missing-dependency', [pull])).toEqual([
      "warning: [test.yaml] Deployment shop/web 'spec.template.spec.imagePullSecrets[0].name' refers to the Secret 'ghcr', which is not defined in this set (namespace 'shop'). Fix: make sure 'ghcr' exists before the pods start (created by hand or by another tool), or fix the name",
    ]);
  });
});
