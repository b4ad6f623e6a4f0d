import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TimonelError } from '../../src/core/errors';
import { BatchJob } from '../../src/constructs/batch-job';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { Redis } from '../../src/constructs/presets/redis';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { envPrefixFromId, isConnectable } from '../../src/workload/connections';
import { Workload } from '../../src/workload/workload';
import { EgressTarget, NetworkAccess } from '../../src/workload/network';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { expectValidManifests } from '../support/schema';
import { all, newChart, one, podSpec, synth } from '../support/util';

const API_IMAGE = 'ghcr.io/acme/api:1.0.0';
const sel = (name: string, instance: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': instance });

function shop(namespace: string | null = 'shop') {
  const chart = newChart('shop', namespace ? { namespace } : {});
  const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db-admin') });
  const api = new WebApp(chart, 'api', { image: API_IMAGE });
  return { chart, db, api };
}

const envOf = (workload: any) => Object.fromEntries((podSpec(workload).containers[0].env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

/** The objects a workload construct owns (by instance label), as `Kind/name`. */
function objectsOf(objs: any[], instance: string): number[] {
  return objs.flatMap((o, i) => (o.metadata?.labels?.['app.kubernetes.io/instance'] === instance ? [i] : []));
}

/**
 * A connectTo from `client` to `target` left its three marks: env on the client, both policies,
 * and, for every kind both have, the target's objects first.
 */
function expectConnected(objs: any[], c: { kind: string; name: string; selector: any }, t: { name: string; selector: any; port: number; portName: string }, prefix: string) {
  const workload = one(objs, c.kind, c.name);
  const env = envOf(workload);
  expect(env[`${prefix}_HOST`]).toMatch(new RegExp(`^${t.name}(\\.|$)`));
  expect(env[`${prefix}_PORT`]).toMatch(/^\d+$/);
  const egress = one(objs, 'NetworkPolicy', `${c.name}-to-${t.name}`);
  expect(egress.spec.podSelector.matchLabels).toEqual(c.selector);
  expect(egress.spec.policyTypes).toEqual(['Egress']);
  // The target's port by name (old and new pods match while a rollout changes the number), then by number.
  const ports = [{ protocol: 'TCP', port: t.portName }, { protocol: 'TCP', port: t.port }];
  expect(egress.spec.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: t.selector } }], ports });
  const ingress = one(objs, 'NetworkPolicy', `${t.name}-from-${c.name}`);
  expect(ingress.spec.podSelector.matchLabels).toEqual(t.selector);
  expect(ingress.spec.policyTypes).toEqual(['Ingress']);
  expect(ingress.spec.ingress).toEqual([{ from: [expect.objectContaining({ podSelector: { matchLabels: c.selector } })], ports }]);
  // Order: within every kind both own, each target object precedes each client object.
  const targetIdx = objectsOf(objs, t.name);
  const clientIdx = objectsOf(objs, c.name);
  for (const kind of new Set(targetIdx.map((i) => objs[i].kind))) {
    const ts = targetIdx.filter((i) => objs[i].kind === kind);
    const cs = clientIdx.filter((i) => objs[i].kind === kind);
    for (const ci of cs) expect(Math.max(...ts)).toBeLessThan(ci);
  }
}

describe('envPrefixFromId', () => {
  test.each([
    ['db', 'DB'], ['shop-db', 'SHOP_DB'], ['orderDb', 'ORDER_DB'], ['ordersDB2', 'ORDERS_DB2'], ['api.v2', 'API_V2'], ['2fa', '_2FA'], ['--', '_'],
  ])('%s -> %s', (id, prefix) => {
    expect(envPrefixFromId(id)).toBe(prefix);
  });
});

describe('connectTo', () => {
  test('WebApp -> PostgreSQL: env, both policies, DNS egress, ordering; everything schema-valid', () => {
    const { chart, db, api } = shop();
    const conn = api.connectTo(db);
    const objs = synth(chart);
    expectConnected(objs, { kind: 'Deployment', name: 'shop-api', selector: sel('api', 'shop-api') }, { name: 'shop-db', selector: sel('db', 'shop-db'), port: 5432, portName: 'postgres' }, 'DB');
    expect(envOf(one(objs, 'Deployment'))).toEqual({
      DB_HOST: 'shop-db.shop.svc',
      DB_PORT: '5432',
      DB_USER: { secretKeyRef: { name: 'shop-db-admin', key: 'username' } },
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-admin', key: 'password' } },
    });
    expect(one(objs, 'NetworkPolicy', 'shop-api-to-shop-db').spec.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    });
    expect(conn.env).toEqual({ host: 'DB_HOST', port: 'DB_PORT', username: 'DB_USER', password: 'DB_PASSWORD' });
    expect(conn.egressPolicy.name).toBe('shop-api-to-shop-db');
    expect(conn.ingressPolicy.name).toBe('shop-db-from-shop-api');
    expect(api.node.dependencies).toContain(db);
    expectValidManifests(objs);
  });

  test('the target comes first even when the client was constructed first', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    const cache = new Redis(chart, 'cache', { credentials: StoreCredentials.fromSecret('auth', { keys: { password: 'pw' } }) });
    // Without the connection, construct order decides: api's objects come first in each kind.
    const before = synth(chart).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(before.indexOf('Service/shop-api')).toBeLessThan(before.indexOf('Service/shop-cache'));
    api.connectTo(cache);
    const objs = synth(chart);
    expectConnected(objs, { kind: 'Deployment', name: 'shop-api', selector: sel('api', 'shop-api') }, { name: 'shop-cache', selector: sel('cache', 'shop-cache'), port: 6379, portName: 'redis' }, 'CACHE');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/shop',
      'NetworkPolicy/shop-cache-from-shop-api',
      'NetworkPolicy/shop-api-to-shop-cache',
      'ServiceAccount/shop-cache',
      'ServiceAccount/shop-api',
      'Service/shop-cache-headless',
      'Service/shop-cache',
      'Service/shop-api',
      'StatefulSet/shop-cache',
      'Deployment/shop-api',
      'PodDisruptionBudget/shop-api',
    ]);
  });

  test('WebApp -> WebApp: the Service port in env, the container port in the policies', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: API_IMAGE, port: 9000 });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    web.connectTo(api);
    const objs = synth(chart);
    expectConnected(objs, { kind: 'Deployment', name: 'shop-web', selector: sel('web', 'shop-web') }, { name: 'shop-api', selector: sel('api', 'shop-api'), port: 9000, portName: 'http' }, 'API');
    expect(envOf(one(objs, 'Deployment', 'shop-web'))).toEqual({ API_HOST: 'shop-api.shop.svc', API_PORT: '80' });
    // WebApps have no peer traffic to keep open.
    expect(all(objs, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['shop-api-from-shop-web', 'shop-web-to-shop-api']);
    expectValidManifests(objs);
  });

  test('BatchJob -> StatefulStore: a Workload without a Service is a client', () => {
    const { chart, db } = shop();
    const job = new BatchJob(chart, 'migrate', { image: 'ghcr.io/acme/migrate:1.0.0', schedule: '0 3 * * *' });
    expect(isConnectable(job)).toBe(false);
    job.connectTo(db);
    const objs = synth(chart);
    expectConnected(objs, { kind: 'CronJob', name: 'shop-migrate', selector: sel('migrate', 'shop-migrate') }, { name: 'shop-db', selector: sel('db', 'shop-db'), port: 5432, portName: 'postgres' }, 'DB');
    expectValidManifests(objs);
  });

  test('a custom Workload subclass gets connectTo from the base class', () => {
    class Worker extends Workload {
      constructor(scope: TimonelChart, id: string) {
        super(scope, id, { image: 'ghcr.io/acme/worker:1.0.0' });
      }
    }
    const { chart, db } = shop();
    const worker = new Worker(chart, 'worker');
    worker.connectTo(db, { envPrefix: 'PG' });
    expect(worker.pod.env.names).toEqual(['PG_HOST', 'PG_PORT', 'PG_USER', 'PG_PASSWORD']);
  });

  test('envPrefix and env override the names', () => {
    const { chart, db, api } = shop();
    const conn = api.connectTo(db, { envPrefix: 'ORDERS_DB', env: { host: 'DATABASE_HOST', password: 'PGPASSWORD' } });
    expect(Object.keys(envOf(one(synth(chart), 'Deployment')))).toEqual(['DATABASE_HOST', 'ORDERS_DB_PORT', 'ORDERS_DB_USER', 'PGPASSWORD']);
    expect(conn.env).toEqual({ host: 'DATABASE_HOST', port: 'ORDERS_DB_PORT', username: 'ORDERS_DB_USER', password: 'PGPASSWORD' });
  });

  test('the credentials option swaps in a least-privilege Secret', () => {
    const { chart, db, api } = shop();
    api.connectTo(db, { credentials: { secretName: 'shop-db-app', keys: { username: 'user', password: 'pass' } } });
    expect(envOf(one(synth(chart), 'Deployment'))).toMatchObject({
      DB_USER: { secretKeyRef: { name: 'shop-db-app', key: 'user' } },
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-app', key: 'pass' } },
    });
  });

  test('without namespaces the host is the short Service name', () => {
    const { chart, db, api } = shop(null);
    api.connectTo(db);
    expect(envOf(one(synth(chart), 'Deployment')).DB_HOST).toBe('shop-db');
  });

  test("dns: 'any' allows port 53 anywhere (NodeLocal DNSCache)", () => {
    const { chart, db, api } = shop();
    api.connectTo(db, { dns: 'any' });
    expect(one(synth(chart), 'NetworkPolicy', 'shop-api-to-shop-db').spec.egress[1]).toEqual({
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    });
  });

  test('a store that is a target keeps ingress among its replicas open; as a client also egress', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const primary = new StatefulStore(chart, 'kv', { image: 'ghcr.io/acme/kv:2.1.0', port: 7000, replicas: 3 });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    api.connectTo(primary);
    const peers = () => one(synth(chart), 'NetworkPolicy', 'shop-kv-peers').spec;
    expect(peers()).toEqual({
      podSelector: { matchLabels: sel('kv', 'shop-kv') },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: sel('kv', 'shop-kv') } }] }],
    });
    const other = new StatefulStore(chart, 'ledger', { image: 'ghcr.io/acme/kv:2.1.0', port: 7100 });
    primary.connectTo(other);
    expect(peers().policyTypes).toEqual(['Ingress', 'Egress']);
    expect(peers().egress).toEqual([{ to: [{ podSelector: { matchLabels: sel('kv', 'shop-kv') } }] }]);
    expectValidManifests(synth(chart));
  });

  test.each([
    ['isolate: true', (kv: StatefulStore) => kv],
    ['allowFrom({ namespace })', (kv: StatefulStore) => kv.allowFrom({ namespace: 'ops' })],
    ['an egress allowance', (kv: StatefulStore) => kv.allowEgress(EgressTarget.cidrs(['10.0.0.0/8'], { ports: [443] }))],
  ])('a store of 3 replicas isolated by %s keeps traffic among its replicas open (was cut: no -peers policy)', (how, isolateBy) => {
    const chart = newChart('shop', { namespace: 'shop' });
    const kv = new StatefulStore(chart, 'kv', { image: 'ghcr.io/acme/kv:2.1.0', port: 7000, replicas: 3, ...(how === 'isolate: true' ? { isolate: true } : {}) });
    isolateBy(kv);
    const objects = synth(chart);
    const traffic = TrafficEvaluator.fromManifests(objects);
    const peer = { from: { workload: 'shop/shop-kv' }, to: { workload: 'shop/shop-kv' }, port: 7000 };
    expect(traffic.check(peer).allowed).toBe(true);
    if (how === 'an egress allowance') expect(one(objects, 'NetworkPolicy', 'shop-kv-peers').spec.policyTypes).toEqual(['Egress']);
    else expect(one(objects, 'NetworkPolicy', 'shop-kv-peers').spec.policyTypes).toEqual(['Ingress']);
    expectValidManifests(objects);
  });

  test('across namespaces with the allowance: namespaceSelectors on both sides, charts ordered by the dependency', () => {
    const app = new App({ outdir: '/nonexistent-never-written' });
    // The client's chart is created first; the dependency still puts the data chart's file first.
    const web = new TimonelChart(app, 'storefront', { namespace: 'storefront' });
    const data = new TimonelChart(app, 'data', { namespace: 'data' });
    const api = new WebApp(web, 'api', { image: API_IMAGE });
    const db = new PostgreSQL(data, 'db', { credentials: StoreCredentials.fromSecret('db-admin') });
    api.connectTo(db, { allowCrossNamespace: true, credentials: { secretName: 'db-admin-copy' } });
    const files = app.render();
    expect(files.map((f) => f.fileName)).toEqual(['0000-data.k8s.yaml', '0001-storefront.k8s.yaml']);
    const [dataDocs, webDocs] = files.map((f) => f.docs);
    const egress = one(webDocs, 'NetworkPolicy', 'storefront-api-to-data-db');
    expect(egress.metadata.namespace).toBe('storefront');
    expect(egress.spec.egress[0].to).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: sel('db', 'data-db') },
    }]);
    const ingress = one(dataDocs, 'NetworkPolicy', 'data-db-from-storefront-api');
    expect(ingress.metadata.namespace).toBe('data');
    expect(ingress.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'storefront' } }, podSelector: { matchLabels: sel('api', 'storefront-api') },
    }]);
    expect(envOf(one(webDocs, 'Deployment'))).toMatchObject({
      DB_HOST: 'data-db.data.svc',
      DB_PASSWORD: { secretKeyRef: { name: 'db-admin-copy', key: 'password' } },
    });
    expectValidManifests([...dataDocs, ...webDocs]);
  });

  test('long policy names are shortened deterministically to 63 characters', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const store = new StatefulStore(chart, 'the-primary-inventory-database', { image: 'ghcr.io/acme/kv:2.1.0', port: 7000 });
    const app = new WebApp(chart, 'the-storefront-application-server', { image: API_IMAGE });
    const conn = app.connectTo(store);
    expect(conn.egressPolicy.name).toHaveLength(63);
    expect(conn.egressPolicy.name).toMatch(/^shop-the-storefront-application-server-to-shop-the-pri-[0-9a-f]{8}$/);
    expect(conn.ingressPolicy.name).toMatch(/^shop-the-primary-inventory-database-from-shop-the-stor-[0-9a-f]{8}$/);
  });

  test('allowFrom opens only the policies: no env, no ordering', () => {
    const { chart, db, api } = shop();
    const job = new BatchJob(chart, 'report', { image: 'ghcr.io/acme/report:1.0.0' });
    const conn = db.allowFrom(job);
    expect(conn.env).toEqual({});
    expect(job.node.dependencies).toEqual([]);
    const objs = synth(chart);
    expect(one(objs, 'NetworkPolicy', 'shop-report-to-shop-db')).toBeDefined();
    expect(one(objs, 'NetworkPolicy', 'shop-db-from-shop-report')).toBeDefined();
    expect(envOf(one(objs, 'Job'))).toEqual({});
    void api;
  });

  test('allowFrom opens the reverse direction of a connection without a cycle', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    web.connectTo(api);
    web.allowFrom(api);
    const names = all(synth(chart), 'NetworkPolicy').map((p) => p.metadata.name).sort();
    expect(names).toEqual(['shop-api-from-shop-web', 'shop-api-to-shop-web', 'shop-web-from-shop-api', 'shop-web-to-shop-api']);
  });
});

describe('a port change while the old pods roll', () => {
  // The policies come first (apply order, Argo CD wave 0): until the last old pod is gone, the Service
  // still sends to old pods on the old port, under the new policies. Named ports match both.
  function platform(v: { api: number; kv: number; metrics: number }) {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: API_IMAGE, port: v.api, isolate: true, metrics: { port: v.api } });
    const web = new WebApp(chart, 'web', { image: API_IMAGE });
    const kv = new StatefulStore(chart, 'kv', { image: 'ghcr.io/acme/kv:2.1.0', port: v.kv });
    new Worker(chart, 'jobs', { image: API_IMAGE, isolate: true, metrics: { port: v.metrics } });
    const report = new BatchJob(chart, 'report', { image: API_IMAGE, schedule: '0 3 * * *' });
    web.connectTo(api);
    api.connectTo(kv);
    report.connectTo(kv);
    web.allowEgress(EgressTarget.app(kv));
    return Testing.synth(chart);
  }

  test('old pods under the new policies are reached as before, on both sides (connectTo, EgressTarget.app, metrics scraping)', () => {
    const before = platform({ api: 8080, kv: 7000, metrics: 9394 });
    const after = platform({ api: 9090, kv: 7100, metrics: 9400 });
    const window = TrafficEvaluator.fromManifests([...before.filter((o) => o.kind !== 'NetworkPolicy'), ...after.filter((o) => o.kind === 'NetworkPolicy')]);
    const at = (workload: string) => ({ workload, namespace: 'shop' });
    const prometheus = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    for (const [from, to, port] of [
      [at('shop-web'), at('shop-api'), 'http'], [at('shop-api'), at('shop-kv'), 'tcp'], [at('shop-report'), at('shop-kv'), 'tcp'],
      [at('shop-web'), at('shop-kv'), 'tcp'], [prometheus, at('shop-api'), 'http'], [prometheus, at('shop-jobs'), 'metrics'],
    ] as const) {
      const v = window.check({ from, to, port });
      expect([v.explanation, v.allowed]).toEqual([v.explanation, true]);
    }
    // the old number is not opened by name on the new pods' neighbours: another app is still refused
    expect(window.allows({ from: at('shop-jobs'), to: at('shop-api'), port: 'http' })).toBe(false);
  });

  test('the policies name the port, then give its number (for network plugins that resolve no names)', () => {
    const objs = platform({ api: 9090, kv: 7100, metrics: 9400 });
    expect(one(objs, 'NetworkPolicy', 'shop-web-to-shop-api').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 9090 }]);
    expect(one(objs, 'NetworkPolicy', 'shop-kv-from-shop-api').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'tcp' }, { protocol: 'TCP', port: 7100 }]);
    expect(one(objs, 'NetworkPolicy', 'shop-jobs').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'metrics' }, { protocol: 'TCP', port: 9400 }]);
    // DNS, the API server and addresses have no named ports: numbers only
    expect(one(objs, 'NetworkPolicy', 'shop-web-to-shop-api').spec.egress[1].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expectValidManifests(all(objs, 'NetworkPolicy'));
  });
});

describe('connectTo bad input', () => {
  test('fails when the URL scheme has its ://, envForm lists a form twice, or containers is a number', () => {
    const { api, db } = shop();
    expect(() => api.connectTo(db, { envForm: 'url', url: { scheme: 'postgres://' } })).toThrow(
      /'connectTo\.url\.scheme' is not a URL scheme, got 'postgres:\/\/'.*Fix: write 'postgres' \(the scheme alone: timonel writes ':\/\/'\)$/,
    );
    expect(() => api.connectTo(db, { envForm: ['url', 'url'] })).toThrow(/'connectTo\.envForm' lists 'url' twice, got \["url","url"\]\. Allowed: each form once\. Fix: write each form once: \['url'\]$/);
    // a number is no container name: no 'wrap it in brackets' fix
    expect(() => api.connectTo(db, { containers: 5 as any })).toThrow(/'connectTo\.containers' must be .*got 5\. Allowed: [^.]*\]\. Fix: use 'main' or 'all'$/);
  });

  test('fails when envForm has a hole (a TypeError; trial AC3)', () => {
    const { api, db } = shop();
    expect(() => api.connectTo(db, { envForm: [, 'url'] as any })).toThrow(/'connectTo\.envForm\[0\]' is an empty slot \(a hole in the list\), got undefined/);
  });

  test('fails when a workload connects to itself', () => {
    const { api } = shop();
    expect(() => api.connectTo(api)).toThrow(/\[shop\/api\] 'connectTo' cannot connect a workload to itself, got 'shop\/api'/);
  });

  test('fails when a WebApp connects to itself or allows itself, with a fix for a WebApp (it spoke of StatefulStore replicas; trial S, S8)', () => {
    const { chart, api, db } = shop();
    const fix = "name another workload (e.g. api.connectTo(db)); pods of one app reach each other through its Service with nothing to declare, "
      + "unless NetworkPolicies isolate them (isolate: true, a client, a connectTo): then api.allowEgress(EgressTarget.app(api)) admits them (and limits api's egress to what is declared)";
    expect(() => api.connectTo(api)).toThrow(
      `[shop/api] 'connectTo' cannot connect a workload to itself, got 'shop/api'. Allowed: another workload. Fix: ${fix}`,
    );
    expect(() => api.allowFrom(api)).toThrow(
      `[shop/api] 'allowFrom' cannot connect a workload to itself, got 'shop/api'. Allowed: another workload. Fix: ${fix.replace('api.connectTo(db)', 'api.allowFrom(web)')}`,
    );
    // a StatefulStore keeps the headless-Service fix
    expect(() => db.connectTo(db)).toThrow(
      "[shop/db] 'connectTo' cannot connect a workload to itself, got 'shop/db'. Allowed: another workload. Fix: replicas of a StatefulStore already reach each other through its headless Service",
    );
    // the fix: its pods reach each other with nothing declared; once isolated, through EgressTarget.app(itself)
    const self = { workload: 'shop-api', namespace: 'shop' };
    expect(TrafficEvaluator.fromManifests(synth(chart)).allows({ from: self, to: self, port: 8080 })).toBe(true);
    api.connectTo(db);
    NetworkAccess.of(api).isolate();
    expect(TrafficEvaluator.fromManifests(synth(chart)).allows({ from: self, to: self, port: 8080 })).toBe(false);
    api.allowEgress(EgressTarget.app(api));
    const t = TrafficEvaluator.fromManifests(synth(chart));
    expect(t.allows({ from: self, to: self, port: 8080 })).toBe(true);
    expect(t.allows({ from: self, to: { workload: 'shop-db', namespace: 'shop' }, port: 5432 })).toBe(true);
  });

  test('fails when connecting to a store in a different namespace without an explicit namespace allowance', () => {
    const app = Testing.app();
    const db = new PostgreSQL(new TimonelChart(app, 'data', { namespace: 'data' }), 'db', { credentials: StoreCredentials.fromSecret('db-admin') });
    const api = new WebApp(new TimonelChart(app, 'web', { namespace: 'web' }), 'api', { image: API_IMAGE });
    expect(() => api.connectTo(db)).toThrow(
      /\[web\/api\] 'connectTo' reaches 'data\/db' in namespace 'data' from namespace 'web' without a cross-namespace allowance.*Fix: pass \{ allowCrossNamespace: true \} to connectTo/,
    );
    expect(api.pod.env.names).toEqual([]);
  });

  test('fails when the client\'s chart has no namespace, with the fix that works first (trial Z, Z6)', () => {
    const app = Testing.app();
    const api = new WebApp(new TimonelChart(app, 'pay', { namespace: 'pay' }), 'api', { image: API_IMAGE });
    const s = new WebApp(new TimonelChart(app, 'risk'), 's', { image: API_IMAGE });
    const fix = "Fix: set 'namespace' on the client's TimonelChart: 'pay' if the client runs beside 'pay/api' (no allowance needed then), or its own namespace";
    expect(() => s.connectTo(api)).toThrow(
      "[risk/s] 'connectTo' crosses namespaces but the client's chart has no namespace, so no policy can name it, got {\"client\":null,\"target\":\"pay\"}. "
        + `Allowed: charts with explicit namespaces on both sides. ${fix}, and then pass { allowCrossNamespace: true } to connectTo if this traffic is intended`,
    );
    expect(() => s.connectTo(api, { allowCrossNamespace: true })).toThrow(new RegExp(`${fix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
    // the fix works: the namespace of the target, with no allowance
    const fixed = new WebApp(new TimonelChart(app, 'risk2', { namespace: 'pay' }), 's2', { image: API_IMAGE });
    expect(() => fixed.connectTo(api)).not.toThrow();
  });

  test('fails when crossing namespaces to a store with credentials but no Secret in the client namespace', () => {
    const app = Testing.app();
    const db = new PostgreSQL(new TimonelChart(app, 'data', { namespace: 'data' }), 'db', { credentials: StoreCredentials.fromSecret('db-admin') });
    const api = new WebApp(new TimonelChart(app, 'web', { namespace: 'web' }), 'api', { image: API_IMAGE });
    expect(() => api.connectTo(db, { allowCrossNamespace: true })).toThrow(
      /'connectTo\.credentials' is required across namespaces: a pod can only read Secrets of its own namespace, and 'db-admin' is in 'data'/,
    );
  });

  test('fails when crossing namespaces from a chart without a namespace', () => {
    const app = Testing.app();
    const db = new PostgreSQL(new TimonelChart(app, 'data', { namespace: 'data' }), 'db', { credentials: StoreCredentials.fromSecret('db-admin') });
    const api = new WebApp(new TimonelChart(app, 'web'), 'api', { image: API_IMAGE });
    expect(() => api.connectTo(db, { allowCrossNamespace: true })).toThrow(/'connectTo' crosses namespaces but the client's chart has no namespace/);
  });

  test('fails when the same target is connected twice', () => {
    const { db, api } = shop();
    api.connectTo(db);
    expect(() => api.connectTo(db, { envPrefix: 'PG' })).toThrow(
      /\[shop\/api\] 'connectTo' wires 'shop\/api' to 'shop\/db' twice \(already done by connectTo\)/,
    );
  });

  test('fails when an env var name collides with an existing one', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db-admin') });
    const api = new WebApp(chart, 'api', { image: API_IMAGE, env: { DB_PORT: '1234' } });
    expect(() => api.connectTo(db)).toThrow(/'connectTo\(db\)' defines the variable 'DB_PORT' twice/);
    // Nothing was half-added.
    expect(api.pod.env.names).toEqual(['DB_PORT']);
    expect(api.node.dependencies).toEqual([]);
  });

  test.each([
    ['two roles are given one name', { host: 'SAME', port: 'SAME' }, 'SAME', "'connectTo.env.port'", "for its 'host', then for its 'port'",
      "give each role a name of its own, e.g. env: { host: 'SAME', port: 'DB_PORT' }"],
    ["a role is renamed to another role's default name", { host: 'DB_PORT' }, 'DB_PORT', "'connectTo.env.host'", "for its 'host', then for its 'port'",
      "leave 'host' out of env, so the host is 'DB_HOST' (the port is 'DB_PORT'), or give it a name no other variable has"],
    ['the password is named as the default user', { password: 'DB_USER' }, 'DB_USER', "'connectTo.env.password'", "for its 'username', then for its 'password'",
      "leave 'password' out of env, so the password is 'DB_PASSWORD' (the username is 'DB_USER'), or give it a name no other variable has"],
  ])('fails when %s in connectTo env, naming both roles (one variable was silently dropped; trial S, S2)', (_what, env, name, prop, roles, fix) => {
    const { api, db } = shop();
    expect(() => api.connectTo(db, { env })).toThrow(
      `[shop/api] ${prop} defines the variable '${name}' twice (through 'connectTo(db)': ${roles}), got '${name}'. Allowed: each variable name once per container. Fix: ${fix}`,
    );
    expect(api.pod.env.names).toEqual([]);
  });

  test('following the fix of a repeated env name gives each role its variable', () => {
    const a = shop();
    a.api.connectTo(a.db, { env: { host: 'SAME', port: 'DB_PORT' } });
    expect(Object.keys(envOf(one(synth(a.chart), 'Deployment', 'shop-api')))).toEqual(['SAME', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']);
    const b = shop();
    b.api.connectTo(b.db, { env: {} });
    expect(Object.keys(envOf(one(synth(b.chart), 'Deployment', 'shop-api')))).toEqual(['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']);
  });

  test('fails when two targets would give the same env names', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const a = new Redis(chart, 'cache', { credentials: StoreCredentials.fromSecret('a', { keys: { password: 'p' } }) });
    const b = new Redis(chart, 'sessions', { credentials: StoreCredentials.fromSecret('b', { keys: { password: 'p' } }) });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    api.connectTo(a);
    expect(() => api.connectTo(b, { envPrefix: 'CACHE' })).toThrow(/'connectTo\(sessions\)' defines the variable 'CACHE_HOST' twice/);
  });

  test('fails when the connection would make a dependency cycle', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    web.connectTo(api);
    expect(() => api.connectTo(web)).toThrow(
      /\[shop\/api\] 'connectTo' would make a dependency cycle: 'shop\/web' already depends on 'shop\/api'.*Fix: keep the existing connectTo and open this direction with 'web\.allowFrom\(api\)'/,
    );
  });

  test('fails when the connection would make a cycle between charts', () => {
    const app = Testing.app();
    const a = new TimonelChart(app, 'a', { namespace: 'a' });
    const b = new TimonelChart(app, 'b', { namespace: 'b' });
    const aApi = new WebApp(a, 'api', { image: API_IMAGE });
    const bApi = new WebApp(b, 'api', { image: API_IMAGE });
    const bWorker = new WebApp(b, 'worker', { image: API_IMAGE });
    aApi.connectTo(bApi, { allowCrossNamespace: true });
    expect(() => bWorker.connectTo(aApi, { allowCrossNamespace: true })).toThrow(/\[b\/worker\] 'connectTo' would make a cycle between charts: chart 'a' already depends on chart 'b'.*Fix: .*'api\.allowFrom\(worker\)'/);
  });

  test('fails when envPrefix has lower-case letters (the names would be db_HOST, db_PASSWORD)', () => {
    const { db, api } = shop();
    expect(() => api.connectTo(db, { envPrefix: 'db' })).toThrow("[shop/api] 'connectTo.envPrefix' has lower-case letters, but the names it starts end in upper case ('db_HOST', 'db_PORT'), got 'db'. Allowed: upper-case letters, digits and '_', not starting with a digit, e.g. 'DB'. Fix: write 'DB'; for names of another form, name each variable: env: { host: '…', port: '…' }");
  });

  test('fails when two targets give the same names (two WebApps with id web inside constructs of yours), naming both and the envPrefix that fixes it (trial L)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const front = new WebApp(new Construct(chart, 'front'), 'web', { image: API_IMAGE });
    const api = new WebApp(new Construct(chart, 'api'), 'web', { image: API_IMAGE });
    const worker = new WebApp(chart, 'worker', { image: API_IMAGE });
    worker.connectTo(front);
    expect(() => worker.connectTo(api)).toThrow("[shop/worker] 'connectTo(api/web)' defines the variable 'WEB_HOST' twice (first through 'connectTo(front/web)'), got 'WEB_HOST'. "
      + "Allowed: each variable name once per container. Fix: give this connection names of its own: connectTo(web, { envPrefix: 'API_WEB' }), or name each variable (env: { host: '…', port: '…' }), or envForm: 'none' when the app needs no address");
    worker.connectTo(api, { envPrefix: 'API_WEB' });
    expect(Object.keys(envOf(one(synth(chart), 'Deployment', 'shop-worker')))).toEqual(expect.arrayContaining(['WEB_HOST', 'API_WEB_HOST']));
  });

  test('fails when the app\'s own env has the names, suggesting an envPrefix whose names are free, never the same one (trial AA3)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db') });
    const web = new WebApp(chart, 'web', { image: API_IMAGE, env: { DB_HOST: 'legacy', SHOP_DB_PORT: '1' } });
    const fix = "Fix: give this connection names of its own: connectTo(db, { envPrefix: 'DB2' }), or name each variable (env: { host: '…', port: '…' }), or envForm: 'none' when the app needs no address";
    expect(() => web.connectTo(db)).toThrow("[shop/web] 'connectTo(db)' defines the variable 'DB_HOST' twice (first through 'env'), got 'DB_HOST'. Allowed: each variable name once per container. " + fix);
    expect(() => web.connectTo(db, { envPrefix: 'DB' })).toThrow(fix);
    web.connectTo(db, { envPrefix: 'DB2' });
    expect(Object.keys(envOf(one(synth(chart), 'Deployment', 'shop-web')))).toEqual(['DB_HOST', 'SHOP_DB_PORT', 'DB2_HOST', 'DB2_PORT', 'DB2_USER', 'DB2_PASSWORD']);
  });

  test('fails when a name given in env is taken, suggesting no envPrefix (no prefix renames it)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db') });
    const web = new WebApp(chart, 'web', { image: API_IMAGE, env: { PGHOST: 'legacy' } });
    expect(() => web.connectTo(db, { env: { host: 'PGHOST' } })).toThrow(
      "Fix: give this connection names of its own: name each variable (env: { host: '…', port: '…' }), or envForm: 'none' when the app needs no address");
  });

  test('fails when envPrefix is not a variable prefix', () => {
    const { db, api } = shop();
    expect(() => api.connectTo(db, { envPrefix: 'my-db' })).toThrow(/'connectTo\.envPrefix' is not a valid env var prefix, got 'my-db'/);
  });

  test('fails when allowFrom is called on a workload without a Service', () => {
    const { chart, api } = shop();
    const job = new BatchJob(chart, 'report', { image: 'ghcr.io/acme/report:1.0.0' });
    expect(() => job.allowFrom(api)).toThrow(/\[shop\/report\] 'allowFrom' needs a workload that serves a port/);
  });

  test.each<[string, unknown, RegExp]>([
    ['undefined', undefined, /got undefined\..*Fix: pass a construct created before this call, e\.g\. api\.connectTo\(db\)/],
    ['null', null, /got null\./],
    ['a name', 'db', /got 'db'\..*Fix: pass the construct itself, not its name/],
    ['a plain object without endpoint', { host: 'db' }, /got \{"host":"db"\}\./],
  ])('fails when the connectTo target is %s, with a TimonelError', (_what, target, message) => {
    const { api } = shop();
    expect(() => api.connectTo(target as any)).toThrow(TimonelError);
    expect(() => api.connectTo(target as any)).toThrow(/^\[shop\/api\] 'connectTo' needs the construct to connect to, got /);
    expect(() => api.connectTo(target as any)).toThrow(message);
    expect(api.pod.env.names).toEqual([]);
  });

  test('fails when the connectTo target is a construct that serves no port', () => {
    const { chart, api } = shop();
    const job = new BatchJob(chart, 'report', { image: 'ghcr.io/acme/report:1.0.0' });
    expect(() => api.connectTo(job as any)).toThrow(
      "[shop/api] 'connectTo' is given a workload that serves no port, so nothing can connect to it, got 'shop/report'. Allowed: a timonel workload that serves a port: a WebApp, a StatefulStore, a preset such as PostgreSQL or Redis, or another IConnectable. Fix: for traffic the other way, write report.connectTo(api); only a workload that serves a port (a WebApp, a StatefulStore) can be connected to",
    );
    expect(() => api.connectTo(new Construct(chart, 'plain') as any)).toThrow(/got 'shop\/plain'/);
  });

  test('fails when the connectTo target is a chart, naming the workloads in it', () => {
    const { chart, api } = shop();
    const other = newChart('billing', { namespace: 'shop' });
    expect(() => api.connectTo(chart as any)).toThrow(
      "[shop/api] 'connectTo' is given a chart, but connects to one workload, got 'shop'. Allowed: a timonel workload that serves a port: a WebApp, a StatefulStore, a preset such as PostgreSQL or Redis, or another IConnectable. Fix: connect to a workload of the chart, e.g. api.connectTo(db) (the ones that serve a port: db)",
    );
    expect(() => api.connectTo(other as any)).toThrow("Fix: connect to one workload that serves a port, e.g. api.connectTo(db) for a StatefulStore or WebApp named db; chart 'billing' has none");
  });

  test('fails when the connectTo target is the chart of the caller alone, with no example of the caller connecting to itself (trial AA10)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: API_IMAGE });
    expect(() => web.connectTo(chart as any)).toThrow(
      "Fix: connect to one workload that serves a port, e.g. web.connectTo(db) for a StatefulStore or WebApp named db; chart 'shop' has none besides web");
  });

  test("fails when the connectTo target is a workload's Service, pointing to the workload", () => {
    const { chart, api } = shop();
    const web = new WebApp(chart, 'web', { image: API_IMAGE });
    expect(() => api.connectTo(web.service as any)).toThrow(
      /^\[shop\/api\] 'connectTo' is given a part of 'shop\/web', not the workload, got 'shop\/web\/Service'\..*Fix: connect to the workload itself: api\.connectTo\(web\)$/,
    );
  });

  test('fails when the connectTo target is a Service timonel did not build, saying to use allowEgress', () => {
    const { chart, api } = shop();
    const svc = new kplus.Service(chart, 'legacy', { ports: [{ port: 80 }] });
    expect(() => api.connectTo(svc as any)).toThrow(
      "[shop/api] 'connectTo' is given a construct that is not a timonel workload serving a port, got 'shop/legacy'. Allowed: a timonel workload that serves a port: a WebApp, a StatefulStore, a preset such as PostgreSQL or Redis, or another IConnectable. Fix: connect to a timonel workload; to reach a Service timonel did not build (a kplus Service, another chart's or a Helm release's), allow the traffic with api.allowEgress(EgressTarget.namespace('<its namespace>', { podLabels: { … }, ports: [<its pod port>] })) (or EgressTarget.cidrs([...]) for addresses outside the cluster) and give api its address with addEnv",
    );
    expect(api.pod.env.names).toEqual([]);
  });

  test('fails when connectTo or allowFrom options have a typo, with did-you-mean', () => {
    const { db, api } = shop();
    const opts = (o: object) => o as any;
    expect(() => api.connectTo(db, opts({ envFrom: 'addr' }))).toThrow(
      "[shop/api] 'connectTo.envFrom' is not a known option of connectTo, got 'addr'. Allowed: 'allowCrossNamespace', 'dns', 'envPrefix', 'env', 'envForm', 'url', 'credentials', 'containers'. Fix: did you mean 'envForm'?",
    );
    expect(() => db.allowFrom(api, opts({ allowCrossNamespaces: true }))).toThrow(
      "[shop/db] 'allowFrom.allowCrossNamespaces' is not a known option of allowFrom, got true. Allowed: 'allowCrossNamespace', 'dns'. Fix: did you mean 'allowCrossNamespace'?",
    );
    expect(api.pod.env.names).toEqual([]);
  });

  test('fails when an env name in connectTo is not a variable name, saying what one is', () => {
    const { db, api } = shop();
    expect(() => api.connectTo(db, { envForm: 'addr', env: { addr: 'my addr' } })).toThrow(
      "[shop/api] 'connectTo.env.addr' is not a valid variable name, got 'my addr'. Allowed: an env var name: letters, digits, '_', '-' and '.', not starting with a digit, e.g. 'DATABASE_URL'. Fix: write 'MY_ADDR'",
    );
  });

  test('fails when an envForm item is unknown, naming the item', () => {
    const { db, api } = shop();
    expect(() => api.connectTo(db, { envForm: ['addr', 'uri' as any] })).toThrow(
      "[shop/api] 'connectTo.envForm[1]' is not one of the allowed values, got 'uri'. Allowed: 'host-port', 'addr', 'url', 'none'. Fix: did you mean 'url'?",
    );
  });

  test("fails when url options are given without envForm 'url', as env names are", () => {
    const { db, api } = shop();
    expect(() => api.connectTo(db, { url: { scheme: 'postgres' } })).toThrow(
      `[shop/api] 'connectTo.url' shapes a URL variable, but the env form 'host-port' sets none, got {"scheme":"postgres"}. Allowed: 'url' options together with envForm 'url'. Fix: add 'url' to envForm: envForm: ['host-port', 'url']`,
    );
    expect(() => api.connectTo(db, { envForm: ['addr', 'host-port'], url: { path: '/x' } })).toThrow("the env forms 'addr', 'host-port' set none");
    expect(api.pod.env.names).toEqual([]);
  });

  test('fails when a one-off BatchJob connects to nothing, before saying it is built', () => {
    const { chart } = shop();
    const job = new BatchJob(chart, 'report', { image: 'ghcr.io/acme/report:1.0.0' });
    expect(() => job.connectTo(undefined as any)).toThrow(/^\[shop\/report\] 'connectTo' needs the construct to connect to, got undefined/);
  });

  test.each([undefined, null, 'api', {}])('fails when the allowFrom peer is %p, with a TimonelError', (peer) => {
    const { db } = shop();
    expect(() => db.allowFrom(peer as any)).toThrow(/^\[shop\/db\] 'allowFrom' needs the workload whose pods may connect, got /);
    const { chart } = shop();
    const job = new BatchJob(chart, 'report', { image: 'ghcr.io/acme/report:1.0.0' });
    expect(() => job.allowFrom(peer as any)).toThrow(/\[shop\/report\] 'allowFrom' needs a workload that serves a port.*db\.allowFrom\(api\)/);
  });

  test('fails when allowFrom and connectTo wire the same pair', () => {
    const { db, api } = shop();
    db.allowFrom(api);
    expect(() => api.connectTo(db)).toThrow(/wires 'shop\/api' to 'shop\/db' twice \(already done by allowFrom\)/);
  });
});

describe('connectTo env forms', () => {
  const envList = (chart: any) => podSpec(one(synth(chart), 'Deployment')).containers[0].env ?? [];

  test("'addr' gives host:port in one variable, and no stray host or port", () => {
    const { chart, db, api } = shop();
    const conn = api.connectTo(db, { envForm: 'addr' });
    expect(envList(chart).map((e: any) => [e.name, e.value ?? 'ref'])).toEqual([
      ['DB_ADDR', 'shop-db.shop.svc:5432'], ['DB_USER', 'ref'], ['DB_PASSWORD', 'ref'],
    ]);
    expect(conn.env).toEqual({ addr: 'DB_ADDR', username: 'DB_USER', password: 'DB_PASSWORD' });
  });

  test("'url' refers to the credential variables (so the values stay in the Secret), after them", () => {
    const { chart, api } = shop();
    const chart2 = chart;
    const web = new WebApp(chart2, 'web', { image: API_IMAGE });
    const store = new Redis(chart, 'kv', { credentials: StoreCredentials.fromSecret('kv-auth') });
    api.connectTo(store, { envForm: 'url', url: { scheme: 'redis' } });
    web.connectTo(api, { envForm: ['host-port', 'url'], url: { scheme: 'http', path: '/v1' } });
    const objs = synth(chart);
    const apiEnv = podSpec(one(objs, 'Deployment', 'shop-api')).containers[0].env;
    expect(apiEnv.map((e: any) => e.name)).toEqual(['KV_PASSWORD', 'KV_URL']);
    expect(apiEnv[1].value).toBe('redis://:$(KV_PASSWORD)@shop-kv.shop.svc:6379');
    const webEnv = envOf(one(objs, 'Deployment', 'shop-web'));
    expect(webEnv).toEqual({ API_HOST: 'shop-api.shop.svc', API_PORT: '80', API_URL: 'http://shop-api.shop.svc:80/v1' });
  });

  test("a database URL: user, password and database by reference; credentials: false leaves them out", () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db-admin', { keys: { username: 'u', password: 'p', database: 'd' } }) });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    const job = new WebApp(chart, 'reader', { image: API_IMAGE });
    api.connectTo(db, { envForm: 'url', url: { scheme: 'postgres' }, env: { url: 'DATABASE_URL' } });
    job.connectTo(db, { envForm: 'url', url: { scheme: 'postgresql', credentials: false } });
    const objs = synth(chart);
    const env = podSpec(one(objs, 'Deployment', 'shop-api')).containers[0].env;
    expect(env.map((e: any) => e.name)).toEqual(['DB_USER', 'DB_PASSWORD', 'DB_DATABASE', 'DATABASE_URL']);
    expect(env[3].value).toBe('postgres://$(DB_USER):$(DB_PASSWORD)@shop-db.shop.svc:5432/$(DB_DATABASE)');
    expect(envOf(one(objs, 'Deployment', 'shop-reader')).DB_URL).toBe('postgresql://shop-db.shop.svc:5432/$(DB_DATABASE)');
  });

  test('credentials: false with the url form alone gives the pod no user and password; env names them back, other forms keep them', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db-auth'), database: 'shop' });
    const reader = new WebApp(chart, 'reader', { image: API_IMAGE });
    const jdbc = new WebApp(chart, 'jdbc', { image: API_IMAGE });
    const both = new WebApp(chart, 'both', { image: API_IMAGE });
    reader.connectTo(db, { envForm: 'url', url: { credentials: false } });
    jdbc.connectTo(db, { envForm: 'url', url: { credentials: false }, env: { username: 'SPRING_DATASOURCE_USERNAME', password: 'SPRING_DATASOURCE_PASSWORD' } });
    both.connectTo(db, { envForm: ['host-port', 'url'], url: { credentials: false } });
    const objs = synth(chart);
    const names = (name: string) => podSpec(one(objs, 'Deployment', name)).containers[0].env.map((e: any) => e.name);
    expect(envOf(one(objs, 'Deployment', 'shop-reader'))).toEqual({ DB_DATABASE: 'shop', DB_URL: 'postgresql://shop-db.shop.svc:5432/$(DB_DATABASE)' });
    expect(names('shop-jdbc')).toEqual(['SPRING_DATASOURCE_USERNAME', 'SPRING_DATASOURCE_PASSWORD', 'DB_DATABASE', 'DB_URL']);
    expect(names('shop-both')).toEqual(['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DB_DATABASE', 'DB_URL']);
  });

  test('a database name a URL must encode is written encoded in the URL; the variable keeps the name', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db-auth'), database: 'my shop/x?' });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    api.connectTo(db, { envForm: 'url' });
    const env = envOf(one(synth(chart), 'Deployment'));
    expect(env.DB_DATABASE).toBe('my shop/x?');
    expect(env.DB_URL).toBe('postgresql://$(DB_USER):$(DB_PASSWORD)@shop-db.shop.svc:5432/my%20shop%2Fx%3F');
  });

  test("a target without a scheme of its own needs 'url.scheme'; StatefulStore takes one as 'scheme'", () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: API_IMAGE });
    const plain = new StatefulStore(chart, 'docs', { image: 'mongo:7.0.14', port: 27017 });
    const mongo = new StatefulStore(chart, 'mongo', { image: 'mongo:7.0.14', port: 27017, scheme: 'mongodb' });
    expect(() => api.connectTo(plain, { envForm: 'url' })).toThrow(
      "[shop/api] 'connectTo.url.scheme' is needed: the target has no URL scheme of its own. Allowed: a lowercase scheme such as 'http', 'postgres' or 'redis'. Fix: pass { url: { scheme: 'http' } }",
    );
    api.connectTo(mongo, { envForm: 'url' });
    expect(envOf(one(synth(chart), 'Deployment'))).toEqual({ MONGO_URL: 'mongodb://shop-mongo.shop.svc:27017' });
  });

  test('fails when envForm url reaches a gRPC app without a scheme (it wrote http://, an HTTP/1.1 URL for a gRPC server)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const cart = new WebApp(chart, 'cart', { image: API_IMAGE, port: 7070, portName: 'grpc', service: { port: 7070 } });
    const byProtocol = new WebApp(chart, 'ad', { image: API_IMAGE, port: 9555, appProtocol: 'grpc' });
    const web = new WebApp(chart, 'web', { image: API_IMAGE });
    expect(() => web.connectTo(cart, { envForm: 'url' })).toThrow(
      "[shop/web] 'connectTo.url.scheme' is needed: 'shop/cart' serves gRPC, which has no URL scheme of its own (gRPC clients dial host:port; "
      + "an http:// URL would make an HTTP client speak HTTP/1.1 to it), got undefined. Allowed: the scheme your gRPC client parses, such as 'grpc'. "
      + "Fix: use envForm: 'addr' (CART_ADDR=shop-cart.shop.svc:7070, what gRPC clients dial), or name the scheme your client parses: url: { scheme: 'grpc' }");
    expect(() => web.connectTo(byProtocol, { envForm: 'url', envPrefix: 'ADS' })).toThrow('ADS_ADDR=shop-ad.shop.svc:80');
    // following the fix
    web.connectTo(cart, { envForm: ['addr', 'url'], url: { scheme: 'grpc' } });
    expect(envOf(one(synth(chart), 'Deployment', 'shop-web'))).toEqual({ CART_ADDR: 'shop-cart.shop.svc:7070', CART_URL: 'grpc://shop-cart.shop.svc:7070' });
    // an HTTP app keeps its http:// URL
    expect(new WebApp(chart, 'api', { image: API_IMAGE }).endpoint.scheme).toBe('http');
  });

  test("'none' gives no env at all, but the policies and the order", () => {
    const { chart, db, api } = shop();
    const conn = api.connectTo(db, { envForm: 'none' });
    expect(conn.env).toEqual({});
    expect(api.pod.env.names).toEqual([]);
    expect(all(synth(chart), 'NetworkPolicy').map((p: any) => p.metadata.name)).toContain('shop-api-to-shop-db');
  });

  test.each([
    ['a form with none', { envForm: ['none', 'addr'] }, "'connectTo.envForm' needs one or more forms, or 'none' alone"],
    ['an unknown form', { envForm: 'dsn' }, "'connectTo.envForm' is not one of the allowed values, got 'dsn'. Allowed: 'host-port', 'addr', 'url', 'none'"],
    ['a name for a variable the form does not set', { envForm: 'addr', env: { host: 'DB_HOSTNAME' } }, "'connectTo.env.host' names a variable the env form 'addr' does not set, got 'DB_HOSTNAME'. Allowed: username, password, database, addr. Fix: add 'host-port' to envForm"],
    ['env with none', { envForm: 'none', env: { url: 'X' } }, "'connectTo.envForm' is 'none', so 'env' and 'url' would be ignored"],
    ['a URL scheme that is not one', { envForm: 'url', url: { scheme: 'Redis DB' } }, "'connectTo.url.scheme' is not a URL scheme, got 'Redis DB'"],
    ['a path without a slash', { envForm: 'url', url: { scheme: 'http', path: 'v1' } }, "'connectTo.url.path' must start with '/', got 'v1'"],
  ])('fails when given %s', (_w, options, message) => {
    const chart = newChart('shop', { namespace: 'shop' });
    const a = new WebApp(chart, 'a', { image: API_IMAGE });
    const db = new WebApp(chart, 'db', { image: API_IMAGE });
    expect(() => a.connectTo(db, options as any)).toThrow(message);
    expect(a.pod.env.names).toEqual([]);
  });

  test("fails when the URL path has no leading '/', and the fix's path is in the URL", () => {
    const { chart, db, api } = shop();
    expect(() => api.connectTo(db, { envForm: 'url', url: { path: 'shop' } })).toThrow(
      "[shop/api] 'connectTo.url.path' must start with '/', got 'shop'. Allowed: a path starting with '/'. Fix: write '/shop'",
    );
    api.connectTo(db, { envForm: 'url', url: { path: '/shop' } });
    expect(envOf(one(synth(chart), 'Deployment')).DB_URL).toMatch(/\/shop$/);
  });
});
