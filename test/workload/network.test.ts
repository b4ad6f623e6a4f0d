import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { Redis } from '../../src/constructs/presets/redis';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { TimonelError } from '../../src/core/errors';
import { runPolicies } from '../../src/policies/engine';
import { Policy } from '../../src/policies/policy';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { policySubjects } from '../../src/testing/synth';
import { EgressTarget, NetworkAccess } from '../../src/workload/network';
import { expectValidManifests } from '../support/schema';
import { all, newChart, one, synth } from '../support/util';

const IMAGE = 'ghcr.io/acme/app:1.0.0';
const CONTROLLER = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } };
const at = (workload: string) => ({ workload, namespace: 'shop' });

function apps() {
  const chart = newChart('shop', { namespace: 'shop' });
  const web = new WebApp(chart, 'web', { image: IMAGE });
  const api = new WebApp(chart, 'api', { image: IMAGE });
  const other = new WebApp(chart, 'other', { image: IMAGE });
  return { chart, web, api, other };
}

const traffic = (chart: any) => TrafficEvaluator.fromManifests(Testing.synth(chart));
/** Another chart in the App of `chart` (a construct of another App is an error). */
const sibling = (chart: TimonelChart, id: string, namespace?: string) => new TimonelChart(chart.node.scope as Construct, id, namespace ? { namespace } : {});

describe('NetworkAccess: ingress', () => {
  test('a client never cuts off what the app\'s own exposure admits (ingress controller, any source)', () => {
    const { chart, web, api, other } = apps();
    NetworkAccess.of(web).admitIngressController({ ports: [8080] });
    NetworkAccess.of(api).admitAnySource({ ports: [8080] });
    // before any client: not isolated, no policy of its own
    expect(NetworkAccess.of(web).isolated).toBe(false);
    expect(NetworkAccess.of(web).ingressPolicy).toBeUndefined();
    other.connectTo(web);
    other.connectTo(api);
    const t = traffic(chart);
    expect(t.allows({ from: CONTROLLER, to: at('shop-web'), port: 8080 })).toBe(true);
    expect(t.allows({ from: { ip: '203.0.113.9' }, to: at('shop-api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: at('shop-other'), to: at('shop-web'), port: 8080 })).toBe(true);
    // the exposure is on its port only, and the controller only reaches the app it fronts
    expect(t.allows({ from: { ip: '203.0.113.9' }, to: at('shop-web'), port: 8080 })).toBe(false);
    expect(t.allows({ from: CONTROLLER, to: at('shop-api'), port: 9000 })).toBe(false);
    expect(t.allows({ from: at('shop-api'), to: at('shop-web'), port: 8080 })).toBe(false);
    expect(NetworkAccess.of(web).isolated).toBe(true);
    expect(one(Testing.synth(chart), 'NetworkPolicy', 'shop-web').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: CONTROLLER.labels } }],
      ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8080 }],
    }]);
  });

  test('an exposure declared after the first client is admitted too', () => {
    const { chart, web, other } = apps();
    other.connectTo(web);
    NetworkAccess.of(web).admitIngressController({ ports: [8080], controller: { namespace: 'traefik', podLabels: { app: 'traefik' } } });
    const t = traffic(chart);
    expect(t.allows({ from: { namespace: 'traefik', labels: { app: 'traefik' } }, to: at('shop-web'), port: 8080 })).toBe(true);
    expect(t.allows({ from: CONTROLLER, to: at('shop-web'), port: 8080 })).toBe(false);
  });

  test('isolate() admits exactly the declared clients and entry, nothing else', () => {
    const { chart, web, api, other } = apps();
    NetworkAccess.of(api).isolate();
    let t = traffic(chart);
    expect(t.allows({ from: at('shop-web'), to: at('shop-api'), port: 8080 })).toBe(false);
    expect(one(Testing.synth(chart), 'NetworkPolicy', 'shop-api').spec).toEqual({
      podSelector: { matchLabels: api.selectorLabels }, policyTypes: ['Ingress'], ingress: [],
    });
    web.connectTo(api);
    t = traffic(chart);
    expect(t.allows({ from: at('shop-web'), to: at('shop-api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: at('shop-other'), to: at('shop-api'), port: 8080 })).toBe(false);
    expect(t.allows({ from: { ip: '203.0.113.9' }, to: at('shop-api'), port: 8080 })).toBe(false);
    void other;
  });

  test('works on anything with an endpoint, sharing the state with the workload', () => {
    const { chart, api } = apps();
    NetworkAccess.of({ endpoint: api.endpoint, node: api.node } as any);
    expect(() => NetworkAccess.of({ node: api.node } as any)).toThrow(TimonelError);
    NetworkAccess.of(api).isolate();
    expect(NetworkAccess.of(api).ingressPolicy).toBeDefined();
    expectValidManifests(Testing.synth(chart));
  });

  test.each([
    ['no ports', (a: NetworkAccess) => a.admitAnySource({ ports: [] }), "'admitAnySource.ports' must have at least 1 item, got []"],
    ['a bad port', (a: NetworkAccess) => a.admitIngressController({ ports: [70000] }), "'admitIngressController.ports[0]' must be a port number, got 70000. Allowed: an integer from 1 to 65535"],
    ['a bad port in a port object', (a: NetworkAccess) => a.admitIngressController({ ports: [{ port: 70000 }] }), "'admitIngressController.ports[0].port' must be a port number, got 70000"],
    ['an end port before the port', (a: NetworkAccess) => a.admitAnySource({ ports: [{ port: 9000, endPort: 8000 }] }), "'admitAnySource.ports[0].endPort' must be at least port (9000), got 8000"],
    ['a bad controller namespace', (a: NetworkAccess) => a.admitIngressController({ ports: [80], controller: { namespace: 'Ingress', podLabels: {} } }), "'admitIngressController.controller.namespace' is not a valid DNS-1123 label, got 'Ingress'"],
    ['an unknown option', (a: NetworkAccess) => a.admitAnySource({ ports: [80], protocol: 'UDP' } as any), "'admitAnySource.protocol' is not a known option of admitAnySource, got 'UDP'. Allowed: 'ports'. Fix: remove it"],
  ])('fails when given %s', (_w, call, message) => {
    const { api } = apps();
    expect(() => call(NetworkAccess.of(api))).toThrow(message);
  });

  test.each([
    ['admitIngressController a port the app does not serve', (a: NetworkAccess) => a.admitIngressController({ ports: [9999] }),
      "[shop/api] 'admitIngressController.ports[0]' is not a port of the app, got 9999. Allowed: 'http' (8080). Fix: use a port the app serves, as a number (its Service or container port), e.g. ports: [8080]"],
    ['admitAnySource a range reaching past the app\'s ports', (a: NetworkAccess) => a.admitAnySource({ ports: [{ port: 1, endPort: 65535 }] }),
      "[shop/api] 'admitAnySource.ports[0]' reaches past the app's ports (of 1-65535 it serves 8080), and a range opens every port in it, got {\"port\":1,\"endPort\":65535}. Allowed: 'http' (8080). Fix: narrow it to the app's ports: 8080, or list them"],
    ['admitAnySource a range that holds no port of the app', (a: NetworkAccess) => a.admitAnySource({ ports: [{ port: 9000, endPort: 9100 }] }), "'admitAnySource.ports[0]' covers no port of the app"],
  ])('fails when %s, as allowFrom and EgressTarget.app ports do (trial Z, Z5)', (_w, call, message) => {
    const { api } = apps();
    expect(() => call(NetworkAccess.of(api))).toThrow(message);
    expect(NetworkAccess.of(api).ingressPolicy).toBeUndefined();
  });

  test('the admit methods take a Service port (as its container port), a pod-only port and a sidecar\'s port', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', {
      image: IMAGE, isolate: true, extraPorts: [{ name: 'admin', port: 9000, service: false }],
      sidecars: [{ name: 'exporter', image: 'ghcr.io/acme/exporter:1.0.0', ports: [{ name: 'exp', port: 9187 }] }],
    });
    NetworkAccess.of(web).admitAnySource({ ports: [80] });
    NetworkAccess.of(web).admitIngressController({ ports: [9000, 9187], controller: { namespace: 'monitoring', podLabels: { app: 'prometheus' } } });
    const t = traffic(chart);
    expect(t.allows({ from: { ip: '203.0.113.9' }, to: at('shop-web'), port: 8080 })).toBe(true);
    expect(t.allows({ from: { namespace: 'monitoring', labels: { app: 'prometheus' } }, to: at('shop-web'), port: 9187 })).toBe(true);
    expect(t.allows({ from: { namespace: 'monitoring', labels: { app: 'prometheus' } }, to: at('shop-web'), port: 9000 })).toBe(true);
  });
});

describe('allowEgress', () => {
  test('the internet on given ports, but neither private ranges nor other ports', () => {
    const { chart, web } = apps();
    web.allowEgress(EgressTarget.internet({ ports: [443] }));
    const t = traffic(chart);
    expect(t.allows({ from: at('shop-web'), to: { ip: '93.184.216.34' }, port: 443 })).toBe(true);
    expect(t.allows({ from: at('shop-web'), to: { ip: '2606:4700::1111' }, port: 443 })).toBe(true);
    expect(t.allows({ from: at('shop-web'), to: { ip: '93.184.216.34' }, port: 80 })).toBe(false);
    for (const ip of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1', '169.254.169.254', 'fd12::1']) {
      expect(t.allows({ from: at('shop-web'), to: { ip }, port: 443 })).toBe(false);
    }
    expect(t.allows({ from: at('shop-web'), to: at('shop-api'), port: 8080 })).toBe(false);
    expect(t.allows({ from: at('shop-web'), to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' })).toBe(true);
    expectValidManifests(Testing.synth(chart));
  });

  test('CIDRs, namespaces and apps add up with connections, in one <name>-egress policy', () => {
    const { chart, web, api, other } = apps();
    const other2 = sibling(chart, 'billing', 'billing');
    const pay = new WebApp(other2, 'pay', { image: IMAGE, extraPorts: [{ name: 'https', port: 8443 }] });
    web.connectTo(api);
    web.allowEgress(EgressTarget.cidrs(['203.0.113.0/24', '2001:db8::/32'], { ports: [{ port: 8000, endPort: 8010 }, 25] }))
      .allowEgress(EgressTarget.namespace('monitoring', { podLabels: { app: 'otel' }, ports: [4317] }))
      .allowEgress(EgressTarget.app(other))
      .allowEgress(EgressTarget.app(pay, { ports: [8443], allowCrossNamespace: true }));
    const t = TrafficEvaluator.fromManifests([...Testing.synth(chart), ...Testing.synth(other2)]);
    const w = at('shop-web');
    expect(t.allows({ from: w, to: at('shop-api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: w, to: at('shop-other'), port: 8080 })).toBe(true);
    expect(t.allows({ from: w, to: at('shop-other'), port: 9090 })).toBe(false);
    expect(t.allows({ from: w, to: { ip: '203.0.113.5' }, port: 8005 })).toBe(true);
    expect(t.allows({ from: w, to: { ip: '2001:db8::5' }, port: 25 })).toBe(true);
    expect(t.allows({ from: w, to: { ip: '203.0.114.5' }, port: 25 })).toBe(false);
    expect(t.check({ from: w, to: { namespace: 'monitoring', labels: { app: 'otel' } }, port: 4317 }).egress.allowed).toBe(true);
    expect(t.check({ from: w, to: { namespace: 'monitoring', labels: { app: 'other' } }, port: 4317 }).egress.allowed).toBe(false);
    expect(t.check({ from: w, to: { workload: 'billing-pay', namespace: 'billing' }, port: 8443 }).egress.allowed).toBe(true);
    expect(NetworkAccess.of(web).egressPolicy!.name).toBe('shop-web-egress');
    expect(Testing.synth(chart).filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.name).sort())
      .toEqual(['shop-api-from-shop-web', 'shop-web-egress', 'shop-web-to-shop-api']);
  });

  test('dns: any opens port 53 to any destination', () => {
    const { chart, web } = apps();
    web.allowEgress(EgressTarget.cidrs(['192.0.2.1/32'], { ports: [443] }), { dns: 'any' });
    expect(traffic(chart).allows({ from: at('shop-web'), to: { ip: '192.0.2.53' }, port: 53, protocol: 'UDP' })).toBe(true);
  });

  test.each([
    ['a CIDR without a prefix', () => EgressTarget.cidrs(['203.0.113.0'], { ports: [443] }), "'allowEgress.cidrs[0]' is an address without a prefix length, got '203.0.113.0'. Allowed: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'. Fix: write '203.0.113.0/32' for this one address"],
    ['no CIDR', () => EgressTarget.cidrs([], { ports: [443] }), "'allowEgress.cidrs' must have at least 1 item, got []. Allowed: a list of at least one CIDR"],
    ['no ports for the internet', () => EgressTarget.internet({ ports: [] }), "'allowEgress.ports' must have at least 1 item, got []"],
    ['a bad exception', () => EgressTarget.internet({ ports: [443], except: ['10.0.0.0/33'] }), "'allowEgress.except[0]' is not a CIDR, got '10.0.0.0/33'"],
    ['an exception of a whole family (the ipBlock would except its own cidr)', () => EgressTarget.internet({ ports: [443], except: ['10.0.0.0/8', '0.0.0.0/0'] }),
      "[shop/web] 'allowEgress.except[1]' covers every IPv4 address: EgressTarget.internet excepts it from 0.0.0.0/0, and the API server refuses an ipBlock except that is not a strict subset of its cidr, got '0.0.0.0/0'. Allowed: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32', with a prefix length above 0. Fix: remove it: EgressTarget.internet always allows both families (for no internet egress, do not allow EgressTarget.internet; for given networks, use EgressTarget.cidrs)"],
    ['an exception of every IPv6 address', () => EgressTarget.internet({ ports: [443], except: ['::/0'] }), "'allowEgress.except[0]' covers every IPv6 address: EgressTarget.internet excepts it from ::/0"],
    ['a bad namespace', () => EgressTarget.namespace('Bad_NS'), "'allowEgress.namespace'"],
    ['an endPort below the port', () => EgressTarget.cidrs(['192.0.2.0/24'], { ports: [{ port: 9000, endPort: 8000 }] }), "'allowEgress.ports[0].endPort' must be at least port (9000), got 8000. Allowed: 9000 or more (port). Fix: write endPort: 9000 or more, or leave it out for one port"],
    ['a port that is not a number', () => EgressTarget.namespace('x', { ports: ['443' as any] }), "'allowEgress.ports[0]' must be a port number from 1 to 65535, or { port, endPort?, protocol? }, but is a string, got '443'"],
    ['something else', () => ({}) as EgressTarget, "'allowEgress' needs an EgressTarget, got {}"],
    ['no CIDR list', () => EgressTarget.cidrs(undefined as any, { ports: [443] }), "'allowEgress.cidrs' is required, got undefined."],
    ['null options', () => EgressTarget.cidrs(['192.0.2.0/24'], null as any), "'allowEgress.options' must be an object of options, got null"],
    ['no internet options', () => EgressTarget.internet(undefined as any), "'allowEgress.ports' is required, got undefined. Allowed: a list of at least one port: a port number from 1 to 65535, or { port, endPort?, protocol? }, e.g. [443]. Fix: pass the destination ports, e.g. { ports: [443] }"],
    ['a single exception', () => EgressTarget.internet({ ports: [443], except: '10.0.0.0/8' as any }), "'allowEgress.except' must be a list, but is a string, got '10.0.0.0/8'. Allowed: a list of CIDRs: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'. Fix: wrap it in brackets: ['10.0.0.0/8']"],
    ['no namespace', () => EgressTarget.namespace(undefined as any), "'allowEgress.namespace' is required"],
    ['an exception list with a hole (a TypeError; trial AC3)', () => EgressTarget.internet({ ports: [443], except: [, '203.0.113.0/24'] as any }),
      "[shop/web] 'allowEgress.except[0]' is an empty slot (a hole in the list), got undefined."],
    ['a null-prototype object as the CIDR list (a TypeError; trial AC9)', () => EgressTarget.cidrs(Object.create(null), { ports: [80] }),
      "[shop/web] 'allowEgress.cidrs' must be a list, but is an object, got {}."],
    ['a null-prototype object as the namespace (a TypeError; trial AC9)', () => EgressTarget.namespace(Object.create(null)),
      "[shop/web] 'allowEgress.namespace' must be a string, but is an object, got {}."],
    ['null namespace options', () => EgressTarget.namespace('x', null as any), "'allowEgress.options' must be an object of options, got null"],
    ['undefined', () => undefined as unknown as EgressTarget, "[shop/web] 'allowEgress' needs an EgressTarget, got undefined."],
    ['a construct', () => new WebApp(newChart('x'), 'api', { image: IMAGE }) as unknown as EgressTarget, "Fix: wrap the construct: allowEgress(EgressTarget.app(api), ...)"],
  ])('fails when given %s', (_w, target: (web: WebApp) => EgressTarget, message) => {
    const { web } = apps();
    expect(() => web.allowEgress(target(web))).toThrow(TimonelError);
    expect(() => web.allowEgress(target(web))).toThrow(message);
  });

  test('fails when allowEgress options are not an object', () => {
    const { web } = apps();
    expect(() => web.allowEgress(EgressTarget.internet({ ports: [443] }), null as any)).toThrow(/^\[shop\/web\] 'allowEgress\.options' must be an object of options, got null/);
  });

  test.each([undefined, null])('fails when NetworkAccess.of is given %p', (w) => {
    expect(() => NetworkAccess.of(w as any)).toThrow(/^\[NetworkAccess\.of\] 'workload' needs a workload construct/);
    expect(() => NetworkAccess.of(apps().web).admitIngressController(undefined as any)).toThrow(/'admitIngressController\.ports' is required/);
    expect(() => NetworkAccess.of(apps().web).admitAnySource(null as any)).toThrow(/'admitAnySource\.options' must be an object of options, got null/);
  });

  test.each([undefined, null, 'api'])('fails when EgressTarget.app is given %p', (target) => {
    expect(() => EgressTarget.app(target as any)).toThrow(/^\[EgressTarget\.app\] 'target' needs a construct that serves a port \(a Service\), got /);
  });

  test('fails across namespaces when a chart has no namespace', () => {
    const { chart, web } = apps();
    const bare = new WebApp(sibling(chart, 'bare'), 'x', { image: IMAGE });
    expect(() => web.allowEgress(EgressTarget.app(bare, { allowCrossNamespace: true }))).toThrow("crosses namespaces but the target's chart has no namespace");
  });

  test('fails when EgressTarget.app reaches another namespace without allowCrossNamespace, as connectTo does', () => {
    const shop = newChart('shop', { namespace: 'shop' });
    const pay = sibling(shop, 'pay', 'payments');
    const gw = new WebApp(pay, 'gw', { image: IMAGE, isolate: true });
    const web = new WebApp(shop, 'web', { image: IMAGE });
    expect(() => web.allowEgress(EgressTarget.app(gw))).toThrow(
      "[shop/web] 'allowEgress' reaches 'pay/gw' in namespace 'payments' from namespace 'shop' without a cross-namespace allowance, got 'pay/gw'. "
      + 'Allowed: a target in the same namespace, or the option { allowCrossNamespace: true }. '
      + 'Fix: pass { allowCrossNamespace: true } to EgressTarget.app if this traffic is intended: EgressTarget.app(gw, { allowCrossNamespace: true })');
    expect(() => web.allowEgress(EgressTarget.app(gw, { ports: [8080] }))).toThrow('EgressTarget.app(gw, { ports: [...], allowCrossNamespace: true })');
    // nothing was added: neither the client's egress nor the other chart's policy
    expect(NetworkAccess.of(web).egressPolicy).toBeUndefined();
    expect(one(Testing.synth(pay), 'NetworkPolicy', 'pay-gw').spec.ingress).toEqual([]);
    web.allowEgress(EgressTarget.app(gw, { allowCrossNamespace: true }));
    expect(one(Testing.synth(pay), 'NetworkPolicy', 'pay-gw').spec.ingress).toHaveLength(1);
  });
});

describe('isolateEgress', () => {
  test('a service that calls nothing may send only to DNS (its egress was open to everything)', () => {
    const { chart, web } = apps();
    web.isolateEgress();
    const t = traffic(chart);
    const w = at('shop-web');
    expect(t.allows({ from: w, to: at('shop-api'), port: 8080 })).toBe(false);
    expect(t.allows({ from: w, to: { ip: '93.184.216.34' }, port: 443 })).toBe(false);
    expect(t.allows({ from: w, to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' })).toBe(true);
    expect(t.allows({ from: at('shop-api'), to: w, port: 8080 })).toBe(true);
    expect(one(Testing.synth(chart), 'NetworkPolicy', 'shop-web-egress').spec.policyTypes).toEqual(['Egress']);
  });

  test('connections and allowances still add to it, in either order, with one <name>-egress policy', () => {
    const { chart, web, api } = apps();
    web.isolateEgress().allowEgress(EgressTarget.internet({ ports: [443] })).isolateEgress();
    web.connectTo(api);
    const objects = Testing.synth(chart);
    const t = TrafficEvaluator.fromManifests(objects);
    expect(t.allows({ from: at('shop-web'), to: at('shop-api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: at('shop-web'), to: { ip: '93.184.216.34' }, port: 443 })).toBe(true);
    expect(t.allows({ from: at('shop-web'), to: { ip: '93.184.216.34' }, port: 80 })).toBe(false);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'shop-web-egress')).toHaveLength(1);
    expectValidManifests(objects);
  });
});

describe('allowEgress: every argument and option is checked', () => {
  // From a variable (as a typo often is), so tsc does not catch the unknown key.
  const opts = (o: object) => o as any;
  test.each([
    ['a typo of podLabels, which would allow every pod of the namespace', () => EgressTarget.namespace('monitoring', opts({ podLabel: { app: 'otel' }, ports: [4317] })),
      `[shop/web] 'allowEgress.podLabel' is not a known option of EgressTarget.namespace, got {"app":"otel"}. Allowed: 'ports', 'podLabels'. Fix: did you mean 'podLabels'?`],
    ['a typo of ports on a namespace, which would allow every port', () => EgressTarget.namespace('monitoring', opts({ podLabels: { app: 'otel' }, port: 4317 })),
      "[shop/web] 'allowEgress.port' is not a known option of EgressTarget.namespace, got 4317. Allowed: 'ports', 'podLabels'. Fix: did you mean 'ports'?"],
    ['a typo of ports on an app', (web: WebApp) => EgressTarget.app(web.node.scope!.node.findChild('api') as WebApp, opts({ port: 9999 })),
      "[shop/web] 'allowEgress.port' is not a known option of EgressTarget.app, got 9999. Allowed: 'ports', 'allowCrossNamespace'. Fix: did you mean 'ports'?"],
    ['a typo of except', () => EgressTarget.internet(opts({ ports: [443], exept: ['10.0.0.0/8'] })),
      `[shop/web] 'allowEgress.exept' is not a known option of EgressTarget.internet, got ["10.0.0.0/8"]. Allowed: 'ports', 'except'. Fix: did you mean 'except'?`],
    // the unknown key is the problem, not a second "'ports' is required"
    ['port instead of ports', () => EgressTarget.internet(opts({ port: 443 })),
      /^\[shop\/web\] 'allowEgress\.port' is not a known option of EgressTarget\.internet, got 443\. Allowed: 'ports', 'except'\. Fix: did you mean 'ports'\?$/],
    ['a typo on cidrs', () => EgressTarget.cidrs(['192.0.2.0/24'], opts({ ports: [443], protocol: 'UDP' })),
      "[shop/web] 'allowEgress.protocol' is not a known option of EgressTarget.cidrs, got 'UDP'. Allowed: 'ports'. Fix: remove it"],
    ['one CIDR as a string', () => EgressTarget.cidrs('198.51.100.0/24' as any, { ports: [443] }),
      "[shop/web] 'allowEgress.cidrs' must be a list, but is a string, got '198.51.100.0/24'. Allowed: a list of at least one CIDR: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'. Fix: wrap it in brackets: ['198.51.100.0/24']"],
    ['one port as a number', () => EgressTarget.cidrs(['198.51.100.0/24'], { ports: 443 as any }),
      "[shop/web] 'allowEgress.ports' must be a list, but is a number, got 443. Allowed: a list of at least one port: a port number from 1 to 65535, or { port, endPort?, protocol? }, e.g. [443]. Fix: wrap it in brackets: [443]"],
    ['a named port', () => EgressTarget.internet({ ports: ['https'] as any }),
      "[shop/web] 'allowEgress.ports[0]' must be a port number from 1 to 65535, or { port, endPort?, protocol? }, but is a string, got 'https'. Allowed: a port number from 1 to 65535, or { port, endPort?, protocol? }. Fix: write the port number: a named port only means something on the destination pod, which timonel does not know here; 'https' is usually 443"],
    ['a named port in a port object', () => EgressTarget.namespace('monitoring', { ports: [{ port: 'otlp' as any }] }),
      "[shop/web] 'allowEgress.ports[0].port' must be a whole number, but is a string, got 'otlp'. Allowed: a whole number. Fix: write the port number: a named port only means something on the destination pod, which timonel does not know here; 'otlp' is usually 4317"],
    ['a port number as a string', () => EgressTarget.internet({ ports: ['443'] as any }), "Fix: write it as a number: 443"],
    ['a lowercase protocol', () => EgressTarget.internet({ ports: [{ port: 53, protocol: 'udp' as any }] }),
      "[shop/web] 'allowEgress.ports[0].protocol' is not one of the allowed values, got 'udp'. Allowed: 'TCP', 'UDP', 'SCTP'. Fix: did you mean 'UDP'?"],
    ['a bad pod label', () => EgressTarget.namespace('monitoring', { podLabels: { app: 'o tel' } }), "[shop/web] 'allowEgress.podLabels.app' is not a valid label value, got 'o tel'"],
    ['an empty port list on a namespace (it would mean every port)', () => EgressTarget.namespace('monitoring', { ports: [] }), "[shop/web] 'allowEgress.ports' must have at least 1 item, got []"],
    ['a CIDR with host bits set', () => EgressTarget.cidrs(['198.51.100.7/24'], { ports: [443] }),
      "[shop/web] 'allowEgress.cidrs[0]' has host bits set past its /24 prefix (its network is 198.51.100.0/24), got '198.51.100.7/24'. Allowed: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32', with no bits set past the prefix. Fix: write '198.51.100.0/24' (the network) or '198.51.100.7/32' (one host)"],
    ['an IPv6 CIDR with host bits set', () => EgressTarget.cidrs(['2001:db8::1/32'], { ports: [443] }),
      "Fix: write '2001:db8::/32' (the network) or '2001:db8::1/128' (one host)"],
    ['an exception with host bits set', () => EgressTarget.internet({ ports: [443], except: ['10.1.2.3/8'] }),
      "[shop/web] 'allowEgress.except[0]' has host bits set past its /8 prefix (its network is 10.0.0.0/8), got '10.1.2.3/8'."],
  ])('fails when given %s', (_w, target: (web: WebApp) => EgressTarget, message) => {
    const { web } = apps();
    expect(() => web.allowEgress(target(web))).toThrow(TimonelError);
    expect(() => web.allowEgress(target(web))).toThrow(message);
  });

  test("fails when allowEgress's own options have a typo", () => {
    const { web } = apps();
    expect(() => web.allowEgress(EgressTarget.internet({ ports: [443] }), { dnss: 'any' } as any))
      .toThrow("[shop/web] 'allowEgress.dnss' is not a known option of allowEgress, got 'any'. Allowed: 'dns'. Fix: did you mean 'dns'?");
    expect(() => web.allowEgress(EgressTarget.internet({ ports: [443] }), { dns: 'all' as any }))
      .toThrow("[shop/web] 'allowEgress.dns' is not one of the allowed values, got 'all'. Allowed: 'kube-dns', 'any'");
  });

  test('fails when several things are wrong, naming each', () => {
    const { web } = apps();
    expect(() => web.allowEgress(EgressTarget.cidrs(['198.51.100.7/24', '10.0.0.0/8'], opts({ ports: [443, 'https'], protcol: 'TCP' }))))
      .toThrow(/has 3 invalid props:\n {2}'allowEgress\.cidrs\[0\]' has host bits set.*\n {2}'allowEgress\.protcol' is not a known option.*\n {2}'allowEgress\.ports\[1\]' must be a port number/);
  });

  test('a failed allowEgress leaves the workload as it was', () => {
    const { web } = apps();
    expect(() => web.allowEgress(EgressTarget.namespace('monitoring', opts({ podLabel: { app: 'otel' } })))).toThrow(TimonelError);
    expect(NetworkAccess.of(web).egressPolicy).toBeUndefined();
  });
});

describe('allowEgress(EgressTarget.app(x)): x admits the client too', () => {
  test.each([
    ['a port the app does not serve (a typo of 5432)', [5433], "'allowEgress.ports[0]' is not a port of the app, got 5433"],
    ['a port of another protocol', [{ port: 5432, protocol: 'UDP' as const }], "'allowEgress.ports[0]' is not a port of the app, got {\"port\":5432,\"protocol\":\"UDP\"}"],
    ['a range that holds no port of the app', [5432, { port: 6000, endPort: 6010 }], "'allowEgress.ports[1]' covers no port of the app, got {\"port\":6000,\"endPort\":6010}"],
  ])('fails when EgressTarget.app ports give %s, as allowFrom ports do (it admitted a port nothing serves; trial S, S5)', (_what, ports, message) => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), isolate: true });
    const web = new WebApp(chart, 'web', { image: IMAGE });
    expect(() => web.allowEgress(EgressTarget.app(db, { ports }))).toThrow(
      `[shop/web] ${message}. Allowed: 'postgres' (5432). Fix: use a port the app serves, as a number (its Service or container port), e.g. ports: [5432]`,
    );
    // the same number, refused by allowFrom's ports in the same words
    expect(() => db.allowFrom({ namespace: 'ops' }, { ports: [5433] })).toThrow("[shop/db] 'allowFrom.ports[0]' is not a port of the app, got 5433. Allowed: 'postgres' (5432).");
    // a hole in allowFrom's ports is refused, not a TypeError (trial AC3)
    expect(() => db.allowFrom({ namespace: 'ops' }, { ports: [, 5432] as any })).toThrow("[shop/db] 'allowFrom.ports[0]' is an empty slot (a hole in the list), got undefined.");
    expect(NetworkAccess.of(web).egressPolicy).toBeUndefined();
    // the fix: a port the app serves
    web.allowEgress(EgressTarget.app(db, { ports: [5432] }));
    expect(traffic(chart).allows({ from: at('shop-web'), to: at('shop-db'), port: 5432 })).toBe(true);
  });

  test('fails when an EgressTarget.app range reaches past the app\'s ports (it opened every port between)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), isolate: true });
    const web = new WebApp(chart, 'web', { image: IMAGE });
    expect(() => web.allowEgress(EgressTarget.app(db, { ports: [{ port: 5000, endPort: 6000 }] }))).toThrow(
      "[shop/web] 'allowEgress.ports[0]' reaches past the app's ports (of 5000-6000 it serves 5432), and a range opens every port in it, got {\"port\":5000,\"endPort\":6000}. Allowed: 'postgres' (5432). Fix: narrow it to the app's ports: 5432, or list them",
    );
  });

  test("a Service port in EgressTarget.app's ports means its container port, as in allowFrom's (the policies match after the Service's DNAT)", () => {
    const { chart, web, api } = apps();
    NetworkAccess.of(api).isolate();
    web.allowEgress(EgressTarget.app(api, { ports: [80] }));
    expect(NetworkAccess.of(web).egressPolicy!.toJson().spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8080 }]);
    expect(traffic(chart).allows({ from: at('shop-web'), to: at('shop-api'), port: 8080 })).toBe(true);
  });

  test('an isolated app admits a client that names it in EgressTarget.app, on the same ports', () => {
    const chart = newChart('c', { namespace: 'c' });
    const pay = new WebApp(chart, 'payments', { image: IMAGE, isolate: true, extraPorts: [{ name: 'admin', port: 9000 }] });
    const api = new WebApp(chart, 'api', { image: IMAGE });
    const ops = new WebApp(chart, 'ops', { image: IMAGE });
    api.allowEgress(EgressTarget.app(pay));
    ops.allowEgress(EgressTarget.app(pay, { ports: [9000] }));
    const t = traffic(chart);
    const p = { workload: 'c-payments', namespace: 'c' };
    expect(t.check({ from: { workload: 'c-api', namespace: 'c' }, to: p, port: 8080 }).allowed).toBe(true);
    expect(t.check({ from: { workload: 'c-api', namespace: 'c' }, to: p, port: 9000 }).allowed).toBe(false);
    expect(t.check({ from: { workload: 'c-ops', namespace: 'c' }, to: p, port: 9000 }).allowed).toBe(true);
    expect(t.check({ from: { workload: 'c-ops', namespace: 'c' }, to: p, port: 8080 }).allowed).toBe(false);
    expect(t.check({ from: { namespace: 'c', labels: { app: 'stranger' } }, to: p, port: 8080 }).ingress.allowed).toBe(false);
    expectValidManifests(Testing.synth(chart));
  });

  test('it does not isolate the app (a client does); a later client or isolate() keeps it admitted', () => {
    const { chart, web, api, other } = apps();
    web.allowEgress(EgressTarget.app(api));
    expect(NetworkAccess.of(api).isolated).toBe(false);
    expect(NetworkAccess.of(api).ingressPolicy).toBeUndefined();
    expect(traffic(chart).check({ from: { namespace: 'shop', labels: { app: 'stranger' } }, to: at('shop-api'), port: 8080 }).ingress.allowed).toBe(true);
    other.connectTo(api);
    const t = traffic(chart);
    expect(t.allows({ from: at('shop-web'), to: at('shop-api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: at('shop-other'), to: at('shop-api'), port: 8080 })).toBe(true);
    expect(t.check({ from: { namespace: 'shop', labels: { app: 'stranger' } }, to: at('shop-api'), port: 8080 }).ingress.allowed).toBe(false);
  });

  test('across namespaces, the app admits the client by its namespace', () => {
    const shop = newChart('shop', { namespace: 'shop' });
    const billing = sibling(shop, 'billing', 'billing');
    const pay = new WebApp(billing, 'pay', { image: IMAGE, isolate: true });
    const web = new WebApp(shop, 'web', { image: IMAGE });
    new WebApp(billing, 'web', { image: IMAGE });
    web.allowEgress(EgressTarget.app(pay, { allowCrossNamespace: true })).allowEgress(EgressTarget.app(pay, { allowCrossNamespace: true }));
    const t = TrafficEvaluator.fromManifests([...Testing.synth(shop), ...Testing.synth(billing)]);
    expect(t.allows({ from: at('shop-web'), to: { workload: 'billing-pay', namespace: 'billing' }, port: 8080 })).toBe(true);
    expect(t.allows({ from: { workload: 'billing-web', namespace: 'billing' }, to: { workload: 'billing-pay', namespace: 'billing' }, port: 8080 })).toBe(false);
    // the same allowance twice is admitted once
    expect(one(Testing.synth(billing), 'NetworkPolicy', 'billing-pay').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-web', 'app.kubernetes.io/name': 'web' } } }],
      ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8080 }],
    }]);
  });
});

describe('allowEgress: the same allowance twice is written once', () => {
  const egressOf = (chart: any) => Testing.synth(chart).find((o: any) => o.metadata.name === 'shop-web-egress').spec.egress;

  test('a repeated call, or two calls that mean the same, add no rule', () => {
    const { chart, web, api } = apps();
    web.allowEgress(EgressTarget.internet({ ports: [443] }))
      .allowEgress(EgressTarget.namespace('monitoring', { podLabels: { app: 'otel', tier: 'collector' }, ports: [4317] }))
      .allowEgress(EgressTarget.internet({ ports: [443] }))
      .allowEgress(EgressTarget.app(api))
      .allowEgress(EgressTarget.namespace('monitoring', { podLabels: { tier: 'collector', app: 'otel' }, ports: [{ port: 4317, protocol: 'TCP' }] }))
      .allowEgress(EgressTarget.app(api));
    const egress = egressOf(chart);
    // internet, monitoring, api, then DNS: first-call order
    expect(egress).toHaveLength(4);
    expect(egress[0].to[0].ipBlock.cidr).toBe('0.0.0.0/0');
    expect(egress[1].to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'monitoring' });
    expect(egress[2].to[0].podSelector.matchLabels['app.kubernetes.io/name']).toBe('api');
    expect(egress[3].ports[0].port).toBe(53);
  });

  test('peers and ports listed twice in one rule are listed once; different ports stay apart', () => {
    const { chart, web } = apps();
    web.allowEgress(EgressTarget.cidrs(['192.0.2.0/24', '192.0.2.0/24'], { ports: [443, 443, { port: 443, protocol: 'UDP' }] }))
      .allowEgress(EgressTarget.cidrs(['192.0.2.0/24'], { ports: [8443] }));
    const egress = egressOf(chart);
    expect(egress).toHaveLength(3);
    expect(egress[0]).toEqual({ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'UDP', port: 443 }] });
    expect(egress[1].ports).toEqual([{ protocol: 'TCP', port: 8443 }]);
  });
});

describe('allowEgress: every address', () => {
  const everyAddress = (chart: any) => runPolicies(policySubjects(chart)).warnings.filter((w) => w.ruleId === 'practice-egress-every-address');
  test("EgressTarget.cidrs(['0.0.0.0/0']) is warned about (the metadata endpoint and the cluster too); internet() is not", () => {
    const { chart, web, api } = apps();
    web.allowEgress(EgressTarget.cidrs(['0.0.0.0/0'], { ports: [443] }));
    api.allowEgress(EgressTarget.internet({ ports: [443] }));
    const t = traffic(chart);
    expect(t.allows({ from: at('shop-web'), to: { ip: '169.254.169.254' }, port: 443 })).toBe(true);
    expect(t.allows({ from: at('shop-api'), to: { ip: '169.254.169.254' }, port: 443 })).toBe(false);
    expect(everyAddress(chart).map((w) => [w.constructPath, w.field])).toEqual([['shop/web/EgressPolicy', 'spec.egress[0].to[0].ipBlock']]);
  });
  test('a reasoned suppression on the workload silences it', () => {
    const { chart, web } = apps();
    web.allowEgress(EgressTarget.cidrs(['0.0.0.0/0'], { ports: [443] }));
    Policy.suppress(web, 'practice-egress-every-address', 'calls customer webhooks on any address, including in-cluster ones');
    expect(everyAddress(chart)).toEqual([]);
  });
});

describe('the Kubernetes API server: a workload with permissions whose egress is restricted', () => {
  const API = { cidrs: ['172.18.0.2/32'], ports: [6443] };
  const GRANT = { rules: [{ resources: ['pods'], verbs: ['list' as const] }] };
  const APISERVER = { ip: '172.18.0.2' };
  const FIX = "Fix: declare the API server once, with the addresses and port that kubectl get endpoints kubernetes -n default lists (NetworkPolicies see those, not the Service's 443): "
    + "new App({ traffic: { apiServer: { cidrs: ['172.18.0.2/32'], ports: [6443] } } }) (or a TimonelChart's traffic), and each such workload gets a <name>-apiserver egress policy";
  function shop(traffic?: object) {
    const chart = newChart('shop', { namespace: 'shop', traffic });
    const queue = new Redis(chart, 'queue', { mode: 'cache' });
    return { chart, queue };
  }
  const worker = (chart: any, props: object = {}) => new Worker(chart, 'ctl', { image: IMAGE, readiness: false, liveness: false, ...props });

  test('fails when a Worker with permissions connects and no traffic.apiServer is declared (its API calls would time out)', () => {
    const { chart, queue } = shop();
    expect(() => worker(chart, { permissions: [GRANT], connectTo: [queue] })).toThrow(
      "[shop/ctl] 'connectTo[0]' restricts the egress of a workload that has Kubernetes API permissions (grant, permissions or bindClusterRole), "
      + 'but neither its chart nor the App declares traffic.apiServer, so no NetworkPolicy lets its pods reach the API server and every API call would time out, '
      + "got 'shop/queue'. Allowed: a workload with permissions and restricted egress in a chart or App that declares traffic.apiServer: { cidrs, ports }. " + FIX);
  });

  test.each([
    ['a grant after a connectTo', (w: Worker, q: Redis) => { w.connectTo(q); w.grant(GRANT); },
      `[shop/ctl] 'grant' grants Kubernetes API permissions to a workload whose egress is restricted (by connectTo, allowFrom or allowEgress), but neither`],
    ['bindClusterRole after an allowEgress', (w: Worker) => { w.allowEgress(EgressTarget.internet({ ports: [443] })); w.bindClusterRole('view'); }, "[shop/ctl] 'bindClusterRole' grants Kubernetes API permissions"],
    ['an allowEgress after a grant', (w: Worker) => { w.grant(GRANT); w.allowEgress(EgressTarget.internet({ ports: [443] })); },
      "[shop/ctl] 'allowEgress' restricts the egress of a workload that has Kubernetes API permissions (grant, permissions or bindClusterRole), but neither its chart nor the App declares traffic.apiServer"],
    ['a connectTo after a grant', (w: Worker, q: Redis) => { w.grant(GRANT); w.connectTo(q); }, "[shop/ctl] 'connectTo' restricts the egress"],
    ['isolateEgress after a grant', (w: Worker) => { w.grant(GRANT); w.isolateEgress(); }, "[shop/ctl] 'isolateEgress' restricts the egress"],
  ])('fails when %s leaves the API server unreachable', (_what, act, message) => {
    const { chart, queue } = shop();
    const w = worker(chart);
    expect(() => act(w, queue)).toThrow(message);
    const other = shop();
    expect(() => act(worker(other.chart), other.queue)).toThrow(FIX);
  });

  test('a failed connectTo adds no policy; an app that allows egress from a granted Worker fails the same way', () => {
    const { chart, queue } = shop();
    const w = worker(chart, { permissions: [GRANT] });
    expect(() => w.connectTo(queue)).toThrow(/restricts the egress/);
    // only the Worker's and the cache's own ingress isolation: no egress policy of the failed call
    expect(all(synth(chart), 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['shop-ctl', 'shop-queue']);
    const api = new WebApp(chart, 'api', { image: IMAGE });
    const ops = new WebApp(chart, 'ops', { image: IMAGE, permissions: [GRANT] });
    expect(() => api.allowFrom(ops)).toThrow("[shop/ops] 'api.allowFrom(ops)' restricts the egress of a workload that has Kubernetes API permissions");
  });

  test('with traffic.apiServer, the workload may reach the API server on its endpoints (<name>-apiserver), and nothing else new', () => {
    const { chart, queue } = shop({ apiServer: API });
    const w = worker(chart, { permissions: [GRANT], connectTo: [queue] });
    w.allowEgress(EgressTarget.internet({ ports: [443] }));
    const objs = synth(chart);
    expect(one(objs, 'NetworkPolicy', 'shop-ctl-apiserver').spec).toEqual({
      podSelector: { matchLabels: w.selectorLabels }, policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '172.18.0.2/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }],
    });
    const t = TrafficEvaluator.fromManifests(objs);
    expect(t.allows({ from: at('shop-ctl'), to: APISERVER, port: 6443 })).toBe(true);
    expect(t.allows({ from: at('shop-ctl'), to: APISERVER, port: 443 })).toBe(false);
    expect(t.allows({ from: at('shop-ctl'), to: { ip: '172.18.0.3' }, port: 6443 })).toBe(false);
    expect(t.allows({ from: at('shop-queue'), to: APISERVER, port: 6443 })).toBe(true); // not restricted: no policy selects its egress
    expectValidManifests(objs);
  });

  test('no policy without both a grant and restricted egress; the chart\'s apiServer wins over the App\'s', () => {
    const { chart, queue } = shop({ apiServer: API });
    worker(chart, { permissions: [GRANT] });
    new WebApp(chart, 'web', { image: IMAGE }).connectTo(queue);
    expect(all(synth(chart), 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('shop-ctl-apiserver');
    expect(all(synth(chart), 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('shop-web-apiserver');
    const app = new App({ outdir: 'dist-never-written', traffic: { apiServer: { cidrs: ['10.0.0.0/28'], ports: [443] } } });
    const own = new TimonelChart(app, 'ops', { namespace: 'ops', traffic: { apiServer: API } });
    const inherits = new TimonelChart(app, 'jobs', { namespace: 'jobs' });
    for (const c of [own, inherits]) worker(c, { permissions: [GRANT] }).allowEgress(EgressTarget.internet({ ports: [443] }));
    expect(one(Testing.synth(own), 'NetworkPolicy', 'ops-ctl-apiserver').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '172.18.0.2/32' } }]);
    expect(one(Testing.synth(inherits), 'NetworkPolicy', 'jobs-ctl-apiserver').spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test.each([
    ['no ports', { cidrs: ['172.18.0.2/32'] }, "'traffic.apiServer.ports' is required"],
    ['a service name for a port', { cidrs: ['172.18.0.2/32'], ports: ['https'] }, "'traffic.apiServer.ports[0]'"],
    ['an address without a prefix', { cidrs: ['172.18.0.2'], ports: [6443] }, "'traffic.apiServer.cidrs[0]'"],
  ])('fails when traffic.apiServer has %s', (_what, apiServer, message) => {
    expect(() => newChart('shop', { namespace: 'shop', traffic: { apiServer } as any })).toThrow(message);
  });
});
