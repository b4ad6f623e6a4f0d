import { App } from '../../../src/app/app';
import { TimonelChart } from '../../../src/app/chart';
import { Migration } from '../../../src/constructs/migration';
import { PostgreSQL } from '../../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../../src/constructs/stateful-store/credentials';
import { WebApp } from '../../../src/constructs/web-app';
import { Worker } from '../../../src/constructs/worker';
import { EnvValue } from '../../../src/core/env';
import { deployment, edit, lines, surroundings } from '../helpers';
import { newChart, quiet, synth } from '../../support/util';

const RULE = 'ref-unreachable-service';
const image = 'ghcr.io/acme/api:1.0.0';

/** A chart with a database that only the api may reach (api.connectTo(db) isolates it). */
function shop() {
  const chart = newChart('shop', { namespace: 'shop' });
  const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db-auth'), database: 'shop' });
  const api = new WebApp(chart, 'api', { image, isolate: true });
  api.connectTo(db);
  return { chart, db, api };
}

describe('ref-unreachable-service', () => {
  test('warns when a Migration is given its database by hand, without connectTo (the database admits only its declared clients)', () => {
    const { chart, api } = shop();
    new Migration(chart, 'migrate', { image, env: { DATABASE_URL: 'postgres://shop-db:5432/shop', DB_PASSWORD: EnvValue.fromSecret('db-auth', 'password') }, before: [api] });
    const found = quiet(() => lines(RULE, synth(chart)));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^warning: \[test\.yaml\] Job shop\/shop-migrate-[0-9a-f]+ 'spec\.template\.spec\.containers\[0\]\.env\[\d\]\.value' 'DATABASE_URL' names the Service 'shop-db', but the NetworkPolicies block its pods' ingress: shop\/shop-migrate-[0-9a-f]+ -> shop\/shop-db on postgres \(5432\)\/TCP is denied: .*isolated by shop\/shop-db-from-shop-api.* Fix: declare the connection to the workload behind 'shop-db' \(a one-off Job takes it when created: connectTo: \[<that workload>\];/);
  });

  test("names the workloads as the code does when it knows them: connectTo: [db], jobs.connectTo(db) (trial N)", () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new App();
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db-auth'), database: 'shop' });
      const api = new WebApp(chart, 'api', { image, isolate: true });
      api.connectTo(db);
      new Migration(chart, 'migrate', { image, env: { DATABASE_URL: 'postgres://shop-db:5432/shop' }, before: [api] });
      new Worker(chart, 'jobs', { image, env: { PGHOST: 'shop-db' } });
      app.render();
      const out = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(out).toContain('(a one-off Job takes it when created: connectTo: [db];');
      expect(out).toContain('(jobs.connectTo(db);');
    } finally {
      stderr.mockRestore();
    }
  });

  test('warns also when another Service of the pods sends the same port number to another container port (trial U: the warning went silent)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image, isolate: true, extraPorts: [{ name: 'admin', port: 9000 }] });
    web.addExtraService({ suffix: 'admin', ports: [{ name: 'admin', port: 80 }] });
    new Worker(chart, 'cli', { image, env: { WEB_URL: 'http://shop-web.shop.svc:80' } });
    const found = quiet(() => lines(RULE, synth(chart)));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/'WEB_URL' names the Service 'shop-web', but the NetworkPolicies block its pods' ingress: shop\/shop-cli -> shop\/shop-web on http \(8080\)\/TCP/);
  });

  test('passes once the Migration connects to the database', () => {
    const { chart, db, api } = shop();
    new Migration(chart, 'migrate', { image, env: { DATABASE_URL: 'postgres://shop-db:5432/shop' }, before: [api], connectTo: [db] });
    expect(quiet(() => lines(RULE, synth(chart)))).toEqual([]);
  });

  test("flags a bare host only under an address-like env name, and never a pod's own Service", () => {
    const { chart } = shop();
    new Worker(chart, 'jobs', { image, env: { PGHOST: 'shop-db', DB_NAME: 'shop-db', OTEL_SERVICE_NAME: 'shop-jobs' } });
    new WebApp(chart, 'web', { image, env: { SELF_URL: 'http://shop-web:80', API_URL: 'http://shop-api' } });
    const found = quiet(() => lines(RULE, synth(chart)));
    expect(found.map((l) => l.replace(/' names.*/, "'"))).toEqual([
      "warning: [test.yaml] Deployment shop/shop-jobs 'spec.template.spec.containers[0].env[0].value' 'PGHOST'",
      "warning: [test.yaml] Deployment shop/shop-web 'spec.template.spec.containers[0].env[1].value' 'API_URL'",
    ]);
  });

  test("names the source's egress when it is the side that blocks, across namespaces by the Service's DNS name", () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const other = newChart('pay', { namespace: 'pay' });
    new WebApp(other, 'gateway', { image });
    const w = new Worker(chart, 'mailer', { image, env: { PAYMENTS_ENDPOINT: 'https://pay-gateway.pay.svc.cluster.local:80/v1' } });
    w.isolateEgress();
    const found = quiet(() => lines(RULE, [...synth(chart), ...synth(other)]));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("'PAYMENTS_ENDPOINT' names the Service 'pay-gateway' in namespace 'pay', but the NetworkPolicies block this pod's egress");
    expect(found[0]).toContain("and an egress allowance on this one");
  });

  test('reads ConfigMap values a container takes with envFrom or configMapKeyRef, and lists of addresses', () => {
    const d = edit(deployment('api'), (x) => {
      x.metadata.labels = { 'app.kubernetes.io/name': 'api' };
      x.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'api' };
      x.spec.template.metadata.labels = { 'app.kubernetes.io/name': 'api' };
      x.spec.template.spec.containers[0].envFrom = [{ configMapRef: { name: 'cfg' } }];
      x.spec.template.spec.containers[0].env = [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'peers' } } }];
    });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { WEB_HOST: 'web', peers: 'example.com:443, web:80' } };
    const found = lines(RULE, [d, cm, deployment(), ...surroundings()]);
    expect(found.map((l) => l.replace(/' names.*/, "'"))).toEqual([
      "warning: [test.yaml] Deployment shop/api 'spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef' 'X'",
    ]);
    // One finding per Service and pod: WEB_HOST (envFrom) names the same Service as X.
    expect(found[0]).toContain("'X' names the Service 'web', but the NetworkPolicies block its pods' ingress");
  });

  test('says nothing without NetworkPolicies, or when the Service is reachable', () => {
    const d = edit(deployment('api'), (x) => {
      x.spec.template.metadata.labels = { 'app.kubernetes.io/name': 'api' };
      x.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'api' };
      x.spec.template.spec.containers[0].env = [{ name: 'WEB_URL', value: 'http://web' }];
    });
    const [sa, svc] = surroundings();
    expect(lines(RULE, [d, deployment(), sa, svc])).toEqual([]);
    const open = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] } };
    expect(lines(RULE, [d, deployment(), ...surroundings(), open])).toEqual([]);
  });
});
