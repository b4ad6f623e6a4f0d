import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { TimonelError } from '../../src/core/errors';
import { PolicyError, Profile } from '../../src/policies';
import { findObject, findObjects, podSpecOf, synth, timonelMatchers } from '../../src/testing';
import '../../src/testing/jest';

function shop() {
  const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
  const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db') });
  const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/shop-web:1.8.4', healthPath: '/healthz', isolate: true, public: true });
  const orders = new Worker(chart, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', replicas: 1 });
  web.connectTo(db);
  return { chart, db, web, orders };
}

function hostNetworkChart(app: App = Testing.app() as App): TimonelChart {
  const chart = new TimonelChart(app, 'x', { namespace: 'x' });
  const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
  ApiObject.of(web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
  return chart;
}

describe('synth', () => {
  test('a chart: its objects in apply order, as Testing.synth gives them', () => {
    const { chart } = shop();
    expect(synth(chart)).toEqual(Testing.synth(chart));
  });

  test('a construct: only the objects it made', () => {
    const { orders } = shop();
    expect(synth(orders).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'NetworkPolicy/shop-orders', 'ServiceAccount/shop-orders', 'Deployment/shop-orders',
    ]);
  });

  test('an App: every chart, policies over the whole app', () => {
    const app = new App({ outdir: '/nonexistent' });
    new WebApp(new TimonelChart(app, 'a', { namespace: 'a' }), 'web', { image: 'ghcr.io/acme/web:1.0.0', isolate: true });
    new WebApp(new TimonelChart(app, 'b', { namespace: 'b' }), 'web', { image: 'ghcr.io/acme/web:1.0.0', isolate: true });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const objs = synth(app);
      expect(findObjects(objs, 'Deployment').map((o) => o.metadata.name)).toEqual(['a-web', 'b-web']);
      expect(synth(app, { policies: false })).toEqual(objs);
    } finally {
      stderr.mockRestore();
    }
  });

  test('an App with policies: false is rendered as delivered: Argo CD sync waves kept, the policies not run', () => {
    const app = new App({ outdir: '/nonexistent', delivery: 'argocd' });
    const chart = new TimonelChart(app, 'a', { namespace: 'a' });
    new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', isolate: true });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const checked = synth(app);
      expect(checked.every((o) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !== undefined)).toBe(true);
      expect(synth(app, { policies: false })).toEqual(checked);
      // a failing app renders too
      const failing = new App({ outdir: '/nonexistent', delivery: 'argocd' });
      hostNetworkChart(failing);
      expect(() => synth(failing)).toThrow(PolicyError);
      expect(findObject(synth(failing, { policies: false }), 'Deployment').metadata.annotations['argocd.argoproj.io/sync-wave']).toBeDefined();
    } finally {
      stderr.mockRestore();
    }
  });

  test('policies are enforced unless policies: false', () => {
    expect(() => synth(hostNetworkChart())).toThrow(PolicyError);
    const objs = synth(hostNetworkChart(), { policies: false });
    expect(podSpecOf(findObject(objs, 'Deployment')).hostNetwork).toBe(true);
  });

  test('fails when a validation fails, with a TimonelError holding the problem\'s fields, whether a chart or the App is synthesized (trial AA7)', () => {
    for (const which of ['chart', 'app'] as const) {
      const app = new App();
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', service: { type: 'LoadBalancer' }, public: false });
      let e: any;
      try {
        synth(which === 'chart' ? chart : app);
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(TimonelError);
      expect(e.message).toMatch(/^Validation failed with the following errors:\n {2}\[shop\/api\] 'public' is false, but the app is not isolated/);
      expect([e.path, e.prop, e.value, e.allowed]).toEqual(['shop/api', 'public', false, 'public: false on an isolated app']);
      expect(e.problems.map((p: TimonelError) => p.fix)).toEqual([e.fix]);
    }
  });

  test('fails when the construct is in no chart', () => {
    const app = Testing.app();
    expect(() => synth(new (require('constructs').Construct)(app, 'loose'))).toThrow(
      /\[loose\] 'synth' needs a chart, an App or a construct inside a chart, got 'loose'/,
    );
  });

  test('fails when given no construct (it was a TypeError), and the fix synthesizes the chart', () => {
    expect(() => synth(undefined as any)).toThrow(
      "[synth] 'scope' must be a chart, an App or a construct inside a chart, got undefined. Allowed: a chart, an App or a construct inside a chart. "
      + 'Fix: pass the chart (or App) the constructs were added to: synth(chart)',
    );
    expect(() => synth(undefined as any)).toThrow(TimonelError);
    expect(findObjects(synth(shop().chart), 'Deployment')).toHaveLength(2);
  });
});

describe('findObject, findObjects, podSpecOf', () => {
  const objs = synth(shop().chart);

  test('find by kind and name', () => {
    expect(findObject(objs, 'Deployment', 'shop-web').metadata.name).toBe('shop-web');
    expect(findObjects(objs, 'NetworkPolicy').length).toBeGreaterThan(2);
    expect(findObjects(objs, 'Ingress')).toEqual([]);
  });

  test('podSpecOf reads Deployments, StatefulSets, CronJobs and Pods', () => {
    expect(podSpecOf(findObject(objs, 'StatefulSet')).containers[0].name).toBe('main');
    expect(podSpecOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } } })).toEqual({ containers: [] });
    expect(podSpecOf({ kind: 'Pod', spec: { containers: [] } })).toEqual({ containers: [] });
  });

  test.each([
    ['no object matches', () => findObject(objs, 'Deployment', 'shop-nope'), /'findObject' found 0 objects of kind Deployment named 'shop-nope', expected exactly one, got 'Deployment\/shop-nope'\. Allowed: .*Deployment\/shop-web/],
    ['several objects match', () => findObject(objs, 'Deployment'), /'findObject' found 2 objects of kind Deployment, expected exactly one.*Fix: pass the name too/],
    ['the objects are not a list', () => findObjects({} as any, 'Deployment'), /'objects' must be a list of manifests, got 'object'/],
    ['the object has no pod template', () => podSpecOf(findObject(objs, 'Service', 'shop-web')), /'podSpecOf' needs an object with a pod template, got 'Service\/shop-web'/],
  ])('fails when %s', (_what, call, message) => {
    expect(call).toThrow(message);
    expect(call).toThrow(TimonelError);
  });
});

describe('toHaveObject', () => {
  const { chart, web } = shop();

  test('on a chart, a construct or manifests; with a partial object', () => {
    expect(chart).toHaveObject('Service', 'shop-web', { spec: { ports: [{ name: 'http', port: 80 }] } });
    expect(web).toHaveObject('Deployment', 'shop-web');
    expect(synth(chart)).toHaveObject('Deployment', 'shop-web', {
      spec: { template: { spec: { containers: [expect.objectContaining({ image: expect.stringMatching(/:1\.8\.4$/) })] } } },
    });
    expect(chart).not.toHaveObject('Ingress', 'shop-web');
    expect(chart).not.toHaveObject('Service', 'shop-web', { spec: { type: 'LoadBalancer' } });
  });

  test('says which field differs, and which objects exist', () => {
    const r1 = timonelMatchers.toHaveObject(synth(chart), 'Service', 'shop-web', { spec: { type: 'NodePort' } });
    expect(r1.pass).toBe(false);
    expect(r1.message()).toBe(`expected Service 'shop-web' to contain {"spec":{"type":"NodePort"}}, but spec.type is 'ClusterIP'`);
    const r2 = timonelMatchers.toHaveObject(synth(chart), 'Service', 'shop-api');
    expect(r2.message()).toMatch(/^expected one Service 'shop-api', found 0; the Service objects are: shop-db-headless, shop-db, shop-web$/);
    const r3 = timonelMatchers.toHaveObject(synth(chart), 'Deployment', 'shop-web', { spec: { template: { spec: { containers: [{}, {}] } } } });
    expect(r3.message()).toMatch(/spec\.template\.spec\.containers has 1 items, not 2/);
  });

  test('fails when the received value is neither manifests nor a construct', () => {
    expect(() => expect('shop').toHaveObject('Service')).toThrow(/'toHaveObject' needs manifests or a construct as the received value, got 'shop'/);
  });

  test('fails when the received value is null, naming it (trial Q, Q11), or one manifest, with the fix', () => {
    expect(() => timonelMatchers.toAllowTraffic(null as any, 'dev/cli', 'prod/web', 8080)).toThrow(
      "'toAllowTraffic' needs manifests or a construct as the received value, got null. Allowed: a list of manifests, a chart, an App, or a construct in a chart. Fix: expect(chart).toAllowTraffic(...)");
    const web = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' } };
    expect(() => expect(web).toHaveObject('Deployment')).toThrow(
      "'toHaveObject' needs manifests or a construct as the received value, but got one Deployment manifest prod/web, not a list. Allowed: a list of manifests, a chart, an App, or a construct in a chart. Fix: wrap it in a list: expect([manifest]).toHaveObject(...), or pass all the manifests: expect(objs)");
  });
});

describe('toPassPolicies', () => {
  test('passes with the chart\'s profile, and fails listing every error', () => {
    expect(shop().chart).toPassPolicies();
    expect(hostNetworkChart()).not.toPassPolicies();
    const r = timonelMatchers.toPassPolicies(hostNetworkChart());
    expect(r.message()).toMatch(/^expected no policy errors \(profile restricted\), got 1:\n {2}\[x\/web\/Resource\] Deployment x\/x-web 'spec\.template\.spec\.hostNetwork'.*\(pss-baseline-host-namespaces\)$/);
  });

  test('a profile overrides the chart\'s', () => {
    const chart = new TimonelChart(Testing.app(), 'x', { namespace: 'x' });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', securityContext: { readOnlyRootFilesystem: true } });
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/securityContext/seccompProfile'));
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/securityContext/capabilities'));
    expect(chart).not.toPassPolicies();
    expect(chart).not.toPassPolicies('restricted');
    expect(chart).toPassPolicies('baseline');
  });

  test('manifests not from synth are checked with the restricted profile', () => {
    expect(JSON.parse(JSON.stringify(synth(hostNetworkChart(), { policies: false })))).not.toPassPolicies();
  });

  test('manifests from synth (all or some, of a chart, an app or a construct) are checked with their chart\'s profile, a custom one too', () => {
    const team = Profile.custom({ name: 'team', severity: { 'practice-probes': 'error' } });
    const build = () => {
      const app = new App({ outdir: '/nonexistent' });
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop', policy: { profile: team } });
      const orders = new Worker(chart, 'orders', { image: 'ghcr.io/acme/orders:1.0.0' });
      return { app, chart, orders };
    };
    const probes = /^expected no policy errors \(profile team\), got 1:\n.*has no readiness or liveness probe for container 'main'.*\(practice-probes\)$/s;
    for (const objects of [synth(build().app, { policies: false }), synth(build().chart, { policies: false }), synth(build().orders, { policies: false })]) {
      expect(objects).not.toPassPolicies();
      expect(timonelMatchers.toPassPolicies(objects).message()).toMatch(probes);
      expect(objects.filter((o) => o.kind === 'Deployment')).not.toPassPolicies();
    }
    // A profile given to the matcher still wins; copies lose where they came from.
    expect(synth(build().app, { policies: false })).toPassPolicies('restricted');
    expect(JSON.parse(JSON.stringify(synth(build().app, { policies: false })))).toPassPolicies();
  });
});

describe('toAllowTraffic', () => {
  test('by construct, by name, by port number or name', () => {
    const { chart, db, web, orders } = shop();
    expect(chart).toAllowTraffic(web, db, 5432);
    expect(chart).toAllowTraffic(web, db, 'postgres');
    expect(chart).toAllowTraffic({ workload: 'shop-web', namespace: 'shop' }, { workload: 'shop-db', namespace: 'shop' }, 5432);
    expect(chart).not.toAllowTraffic(orders, db, 5432);
    expect(chart).not.toAllowTraffic(web, orders, 8080);
    expect(chart).toAllowTraffic({ ip: '203.0.113.7' }, web, 'http');
    expect(chart).toAllowTraffic(orders, web, 'http'); // public: any source
  });

  test('the message explains the verdict', () => {
    const { chart, db, orders } = shop();
    const r = timonelMatchers.toAllowTraffic(chart, orders, db, 5432);
    expect(r.pass).toBe(false);
    expect(r.message()).toMatch(/^expected traffic to be allowed, but shop\/shop-orders -> shop\/shop-db on 5432\/TCP is denied: /);
  });

  test('fails when an option is misspelt (trial Q, Q5: { protcol } asked about TCP, so a .not passed)', () => {
    const { chart, web, db } = shop();
    expect(() => expect(chart).not.toAllowTraffic(web, db, 5432, { protcol: 'UDP' } as any)).toThrow(
      "[toAllowTraffic] 'options.protcol' is not a known option, got 'UDP'. Allowed: 'protocol', 'defaultNamespace'. Fix: did you mean 'protocol'?");
    expect(() => expect(chart).toAllowTraffic(web, db, 5432, { protocol: 'tcp' } as any)).toThrow(
      "[toAllowTraffic] 'options.protocol' is not one of the allowed values, got 'tcp'. Allowed: 'TCP', 'UDP', 'SCTP'. Fix: did you mean 'TCP'?");
  });

  test('fails when an end is not a workload', () => {
    const { chart } = shop();
    expect(() => expect(chart).toAllowTraffic(chart, 'shop-web', 8080)).toThrow(TimonelError);
    expect(() => expect(chart).toAllowTraffic('shop-nope', 'shop-web', 8080, { defaultNamespace: 'shop' })).toThrow(/'from\.workload' names no workload of the manifests in namespace 'shop', got 'shop-nope'/);
  });
});

describe('toAllowTraffic with workload names outside the default namespace', () => {
  const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
  const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', isolate: true });
  new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).connectTo(api);
  const objs = synth(chart);
  const ctx = { isNot: false, utils: { printReceived: String, printExpected: String } } as any;
  const allow = (from: any, to: any, options?: any) => (timonelMatchers.toAllowTraffic as any).call(ctx, objs, from, to, 8080, options).pass;

  test("takes 'namespace/name', as its Allowed list shows them", () => {
    expect(allow('shop/shop-web', 'shop/shop-api')).toBe(true);
  });
  test('takes a bare name with defaultNamespace, and { workload, namespace }', () => {
    expect(allow('shop-web', 'shop-api', { defaultNamespace: 'shop' })).toBe(true);
    expect(allow({ workload: 'shop-web', namespace: 'shop' }, { workload: 'shop-api', namespace: 'shop' })).toBe(true);
  });
  test('fails when a bare name is in another namespace, naming the forms that work', () => {
    expect(() => allow('shop-web', 'shop-api')).toThrow(
      "'from.workload' names no workload of the manifests in namespace 'default', got 'shop-web'. Allowed: shop/shop-api, shop/shop-web (as 'namespace/name', or { workload, namespace }). Fix: it is in namespace 'shop': write 'shop/shop-web' or { workload: 'shop-web', namespace: 'shop' }, or pass the option defaultNamespace: 'shop' (for names without a namespace)",
    );
  });
});
