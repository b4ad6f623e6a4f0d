import { NodeAgent } from '../../src/constructs/node-agent';
import { StatefulStore } from '../../src/constructs/stateful-store';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { Probe } from '../../src/core/probes';
import { Policy } from '../../src/policies/policy';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { expectValidManifests } from '../support/schema';
import { all, newChart, one, synth, thrown } from '../support/util';
import '../../src/testing/jest';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const WEB = { workload: 'shop-web', namespace: 'shop' };
const OUTSIDE = { ip: '203.0.113.7' };

function render(props: Partial<WebAppProps> = {}): any[] {
  const chart = newChart('shop', { namespace: 'shop' });
  new WebApp(chart, 'web', { image: IMAGE, ...props });
  return synth(chart);
}

function build(props: Partial<WebAppProps>): () => void {
  return () => new WebApp(newChart('shop'), 'web', { image: IMAGE, ...props });
}

const ADMIN = { extraPorts: [{ name: 'admin', port: 9000 }] };

describe('WebApp main Service', () => {
  test('annotations, externalTrafficPolicy, loadBalancerSourceRanges and loadBalancerClass', () => {
    const svc = one(render({
      service: {
        type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' },
        externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'], loadBalancerClass: 'service.k8s.aws/nlb',
      },
    }), 'Service');
    expect(svc.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' });
    expect(svc.spec).toMatchObject({
      type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'], loadBalancerClass: 'service.k8s.aws/nlb',
    });
  });

  test('a NodePort Service takes externalTrafficPolicy; the default Service has none of the new fields', () => {
    expect(one(render({ service: { type: 'NodePort', externalTrafficPolicy: 'Local' } }), 'Service').spec.externalTrafficPolicy).toBe('Local');
    const svc = one(render(), 'Service');
    expect(svc.metadata.annotations).toBeUndefined();
    expect(Object.keys(svc.spec).sort()).toEqual(['ports', 'selector', 'type']);
  });

  test.each([
    ['externalTrafficPolicy is set on a ClusterIP Service', { externalTrafficPolicy: 'Local' }, 'service.externalTrafficPolicy',
      /'service\.externalTrafficPolicy' only applies to a LoadBalancer or NodePort Service, but the type is 'ClusterIP'.*Fix: set 'type: 'LoadBalancer''/],
    ['loadBalancerSourceRanges is set on a NodePort Service', { type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] }, 'service.loadBalancerSourceRanges',
      /only applies to a LoadBalancer Service, but the type is 'NodePort'/],
    ['loadBalancerClass is set on a ClusterIP Service', { loadBalancerClass: 'example.com/lb' }, 'service.loadBalancerClass', /only applies to a LoadBalancer Service/],
    ['a source range is no CIDR', { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'] }, 'service.loadBalancerSourceRanges[0]',
      /'service\.loadBalancerSourceRanges\[0\]' is not a CIDR, got '10\.0\.0\.0\/33'.*Allowed: an IPv4 or IPv6 address with a prefix length/],
    ['a source range is an address', { type: 'LoadBalancer', loadBalancerSourceRanges: ['2001:db8::1'] }, 'service.loadBalancerSourceRanges[0]',
      /is an address without a prefix length.*Fix: write '2001:db8::1\/128'/],
    ['a source range has host bits set', { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.7/24'] }, 'service.loadBalancerSourceRanges[0]',
      /^\[shop\/web\] 'service\.loadBalancerSourceRanges\[0\]' has host bits set past its \/24 prefix \(its network is 198\.51\.100\.0\/24\), got '198\.51\.100\.7\/24'\..*Fix: write '198\.51\.100\.0\/24' \(the network\) or '198\.51\.100\.7\/32' \(one host\)$/],
    ['an IPv6 source range has host bits set', { type: 'LoadBalancer', loadBalancerSourceRanges: ['2001:db8:1::5/48'] }, 'service.loadBalancerSourceRanges[0]',
      /its network is 2001:db8:1::\/48\).*Fix: write '2001:db8:1::\/48' \(the network\) or '2001:db8:1::5\/128' \(one host\)/],
    ['the source ranges are empty', { type: 'LoadBalancer', loadBalancerSourceRanges: [] }, 'service.loadBalancerSourceRanges', /at least 1/],
    ['an annotation key is invalid', { annotations: { 'bad key': 'x' } }, 'service.annotations', /has an invalid key/],
    ['an annotation key is timonel\'s', { annotations: { 'timonel.dev/suppress.practice-service-exposure': 'we want it open' } }, 'service.annotations',
      /uses a key under 'timonel\.dev\/'.*Fix: to suppress a rule on the Service: Policy\.suppress\(app\.service/],
    ['externalTrafficPolicy is unknown', { type: 'LoadBalancer', externalTrafficPolicy: 'Nearest' }, 'service.externalTrafficPolicy', /'Cluster', 'Local'/],
    ['loadBalancerClass is not a label-style name', { type: 'LoadBalancer', loadBalancerClass: 'a b' }, 'service.loadBalancerClass', /is not a valid load balancer class/],
  ])('fails when %s', (_what, service, prop, message) => {
    const e = thrown(build({ service } as Partial<WebAppProps>));
    expect(e.prop).toBe(prop);
    expect(e.message).toMatch(message);
    expect(e.message).toContain('[shop/web]');
  });
});

describe('WebApp extra Services', () => {
  test('each is a Service <name>-<suffix> for the same pods, with its type, ports, annotations and fields', () => {
    const objs = render({
      ...ADMIN,
      extraServices: [
        {
          suffix: 'public', type: 'LoadBalancer', ports: [{ name: 'http', port: 443 }], annotations: { 'example.com/lb': 'external' },
          externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['198.51.100.0/24'], dualStack: true,
        },
        { suffix: 'admin', ports: [{ name: 'admin' }] },
      ],
    });
    expectValidManifests(objs);
    const services = all(objs, 'Service');
    expect(services.map((s) => s.metadata.name)).toEqual(['shop-web', 'shop-web-public', 'shop-web-admin']);
    const main = one(objs, 'Service', 'shop-web');
    const pub = one(objs, 'Service', 'shop-web-public');
    expect(pub.metadata.labels).toEqual({ ...main.metadata.labels, 'timonel.dev/extra-service': 'public' });  // the ServiceMonitor passes it over
    expect(pub.metadata.annotations).toEqual({ 'example.com/lb': 'external' });
    expect(pub.spec).toEqual({
      type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['198.51.100.0/24'],
      ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'],
      selector: main.spec.selector, ports: [{ name: 'http', port: 443, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(one(objs, 'Service', 'shop-web-admin').spec).toEqual({
      type: 'ClusterIP', selector: main.spec.selector, ports: [{ name: 'admin', port: 9000, targetPort: 'admin', protocol: 'TCP' }],
    });
  });

  test('by default an extra Service has every port of the app, on its Service port', () => {
    const svc = one(render({ ...ADMIN, service: { port: 8000 }, extraServices: [{ suffix: 'internal' }] }), 'Service', 'shop-web-internal');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
      { name: 'admin', port: 9000, targetPort: 'admin', protocol: 'TCP' },
    ]);
  });

  test('addExtraService adds the same Service as the prop, also after connectTo', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: IMAGE });
    new WebApp(chart, 'loadgen', { image: IMAGE }).connectTo(web);
    const svc = web.addExtraService({ suffix: 'public', type: 'LoadBalancer', ports: [{ name: 'http', port: 443 }] });
    expect(web.extraServices).toEqual([svc]);
    const objs = synth(chart);
    expect(one(objs, 'Service', 'shop-web-public').spec.ports).toEqual([{ name: 'http', port: 443, targetPort: 'http', protocol: 'TCP' }]);
    expect(objs).toAllowTraffic(OUTSIDE, WEB, 8080);
  });

  test.each([
    ['two extra Services share a suffix', { extraServices: [{ suffix: 'public' }, { suffix: 'public' }] }, 'extraServices[1].suffix',
      /names the Service 'shop-web-public' that 'extraServices\[0\]' already names.*Fix: choose another suffix/],
    ['a port is not a port of the app', { extraServices: [{ suffix: 'x', ports: [{ name: 'admin' }] }] }, 'extraServices[0].ports[0].name',
      /'extraServices\[0\]\.ports\[0\]\.name' is not a port of the app, got 'admin'.*Allowed: 'http'/],
    ['a port is listed twice', { ...ADMIN, extraServices: [{ suffix: 'x', ports: [{ name: 'admin' }, { name: 'admin', port: 9001 }] }] }, 'extraServices[0].ports[1].name',
      /lists the same port twice/],
    ['two ports share a Service port', { ...ADMIN, extraServices: [{ suffix: 'x', ports: [{ name: 'http', port: 9000 }, { name: 'admin' }] }] }, 'extraServices[0].ports[1].port',
      /is already the Service port of 'http'/],
    ['the name is too long', { extraServices: [{ suffix: 'a'.repeat(60) }] }, 'extraServices[0].suffix', /over the 63 of a DNS label.*Allowed: at most 54 characters/],
    ['the suffix is not a DNS label', { extraServices: [{ suffix: 'Public' }] }, 'extraServices[0].suffix', /is not a valid DNS-1123 label.*Fix: write 'public'/],
    ['the suffix is missing', { extraServices: [{ type: 'LoadBalancer' }] }, 'extraServices[0].suffix', /is required/],
    ['ports is empty', { extraServices: [{ suffix: 'x', ports: [] }] }, 'extraServices[0].ports', /at least 1/],
    ['externalTrafficPolicy is set on a ClusterIP extra Service', { extraServices: [{ suffix: 'x', externalTrafficPolicy: 'Cluster' }] },
      'extraServices[0].externalTrafficPolicy', /only applies to a LoadBalancer or NodePort Service/],
  ])('fails when %s', (_what, props, prop, message) => {
    const e = thrown(build(props as Partial<WebAppProps>));
    expect(e.prop).toBe(prop);
    expect(e.message).toMatch(message);
    expect(e.message).toContain('[shop/web]');
  });

  test('addExtraService fails with its own prop path, and knows the suffixes of the prop', () => {
    const web = new WebApp(newChart('shop'), 'web', { image: IMAGE, extraServices: [{ suffix: 'public' }] });
    expect(thrown(() => web.addExtraService({ suffix: 'public' }))).toMatchObject({ prop: 'addExtraService.suffix' });
    expect(thrown(() => web.addExtraService({ suffix: 'x', loadBalancerSourceRanges: ['nope'] } as any)).prop).toMatch(/^addExtraService\.loadBalancerSourceRanges/);
    expect(thrown(() => web.addExtraService({ suffix: 'x', ports: [{ name: 'grpc' }] })).prop).toBe('addExtraService.ports[0].name');
  });
});

describe('WebApp extra Services in the traffic model', () => {
  function isolated(props: Partial<WebAppProps>): TrafficEvaluator {
    return TrafficEvaluator.fromManifests(render({ ...ADMIN, isolate: true, ...props }));
  }

  test('an extra LoadBalancer Service admits any source on its own target ports only', () => {
    const t = isolated({ extraServices: [{ suffix: 'public', type: 'LoadBalancer', ports: [{ name: 'http', port: 443 }] }] });
    expect(t.allows({ from: OUTSIDE, to: WEB, port: 8080 })).toBe(true);
    expect(t.allows({ from: OUTSIDE, to: WEB, port: 9000 })).toBe(false);
  });

  test('an extra NodePort Service admits any source on every port it has', () => {
    const t = isolated({ extraServices: [{ suffix: 'nodes', type: 'NodePort' }] });
    expect(t.allows({ from: OUTSIDE, to: WEB, port: 8080 })).toBe(true);
    expect(t.allows({ from: OUTSIDE, to: WEB, port: 9000 })).toBe(true);
  });

  test('an extra ClusterIP Service admits nothing new', () => {
    const t = isolated({ extraServices: [{ suffix: 'internal' }] });
    expect(t.allows({ from: OUTSIDE, to: WEB, port: 8080 })).toBe(false);
    expect(t.allows({ from: { namespace: 'shop', labels: { app: 'other' } }, to: WEB, port: 8080 })).toBe(false);
  });

  test('loadBalancerSourceRanges still admits any source: the policy sees node addresses unless externalTrafficPolicy is Local', () => {
    const t = isolated({ extraServices: [{ suffix: 'public', type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.0/24'] }] });
    expect(t.allows({ from: { ip: '10.0.3.4' }, to: WEB, port: 8080 })).toBe(true);
  });

  test('public: false admits no source for the extra Services either', () => {
    const t = isolated({ public: false, extraServices: [{ suffix: 'public', type: 'LoadBalancer' }] });
    expect(t.allows({ from: OUTSIDE, to: WEB, port: 8080 })).toBe(false);
  });

  test('fails when public is false but the app is not isolated, so its LoadBalancer Service admits any source', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new WebApp(chart, 'pf', { image: IMAGE, public: false, extraServices: [{ suffix: 'lb', type: 'LoadBalancer' }] });
    expect(() => synth(chart)).toThrow("[shop/pf] 'public' is false, but the app is not isolated (no isolate: true, no client), so no NetworkPolicy selects its pods"
      + " and its LoadBalancer Service 'shop-pf-lb' (extraServices[0]) admits any source, got false.");
    expect(() => synth(chart)).toThrow("Fix: set isolate: true, so that public: false closes the Service's ports to any source (declared clients still get in), or remove public: false if the Service is meant to be reachable");
  });

  test('fails when public is false on a NodePort main Service or a later extra Service, and the app is not isolated', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new WebApp(chart, 'np', { image: IMAGE, public: false, service: { type: 'NodePort' } });
    new WebApp(chart, 'late', { image: IMAGE, public: false }).addExtraService({ suffix: 'lb', type: 'LoadBalancer' });
    const e = (() => { try { synth(chart); } catch (x) { return x as Error; } throw new Error('no error'); })();
    expect(e.message).toContain("[shop/np] 'public' is false, but the app is not isolated (no isolate: true, no client), so no NetworkPolicy selects its pods and its NodePort Service 'shop-np' (service.type) admits any source");
    expect(e.message).toContain("[shop/late] 'public' is false, but the app is not isolated (no isolate: true, no client), so no NetworkPolicy selects its pods and its LoadBalancer Service 'shop-late-lb' (addExtraService) admits any source");
  });

  test('public: false with an exposed Service is fine once a client isolates the app (it then admits only the client)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: IMAGE, public: false, extraServices: [{ suffix: 'lb', type: 'LoadBalancer' }] });
    new WebApp(chart, 'api', { image: IMAGE }).connectTo(web);
    const t = TrafficEvaluator.fromManifests(synth(chart));
    expect(t.allows({ from: OUTSIDE, to: WEB, port: 8080 })).toBe(false);
    expect(t.allows({ from: { workload: 'shop-api', namespace: 'shop' }, to: WEB, port: 8080 })).toBe(true);
  });

  test('public: false on a ClusterIP app that is not isolated closes nothing: the network-policy warning says so', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new WebApp(chart, 'web', { image: IMAGE, public: false });
    const objs = synth(chart);
    expect(TrafficEvaluator.fromManifests(objs).allows({ from: { namespace: 'other', labels: { app: 'x' } }, to: WEB, port: 8080 })).toBe(true);
    expect(Policy.lastReport(chart)!.warnings.filter((w) => w.ruleId === 'practice-network-policy').map((w) => w.message))
      .toEqual([expect.stringContaining("accept traffic from anywhere. Fix: add a NetworkPolicy selecting the pod labels that admits only the expected clients and ports (WebApp: 'isolate: true')")]);
  });

  test('public: false on a ClusterIP app that is only a client (its egress restricted, its ingress open): the warning still says so', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: IMAGE, public: false });
    web.connectTo(new WebApp(chart, 'api', { image: IMAGE, isolate: true }));
    expect(TrafficEvaluator.fromManifests(synth(chart)).allows({ from: { namespace: 'other', labels: { app: 'x' } }, to: WEB, port: 8080 })).toBe(true);
    expect(Policy.lastReport(chart)!.warnings.filter((w) => w.ruleId === 'practice-network-policy').map((w) => `${w.name} ${w.detail}`))
      .toEqual(['shop-web has pods that NetworkPolicies select only for Egress (their policyTypes have no Ingress), so they accept traffic from anywhere']);
  });

  test('fails when isolate is false and a client connects; the fix (public: true instead) works', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: IMAGE, isolate: false });
    new WebApp(chart, 'api', { image: IMAGE }).connectTo(web);
    const e = (() => { try { synth(chart); } catch (x) { return x as Error; } throw new Error('no error'); })();
    expect(e.message).toContain("[shop/web] 'isolate' is false, but a client (connectTo, allowFrom) or NetworkAccess.isolate() isolates the pods anyway: its NetworkPolicy admits only the declared clients and entry, and every other pod is refused, got false. "
      + "Allowed: isolate: false on a workload nothing isolates; no isolate where clients are declared. Fix: remove isolate: false (the clients isolate the pods); where other pods must still reach the app, replace it with public: true (any source on the Service ports) or admit them with allowFrom({ namespace: 'ops' })");
    const fixed = newChart('shop', { namespace: 'shop' });
    const open = new WebApp(fixed, 'web', { image: IMAGE, public: true });
    new WebApp(fixed, 'api', { image: IMAGE }).connectTo(open);
    expect(TrafficEvaluator.fromManifests(synth(fixed)).allows({ from: OUTSIDE, to: WEB, port: 8080 })).toBe(true);
    // isolate: false with no client stays open and fine
    const alone = newChart('shop', { namespace: 'shop' });
    new WebApp(alone, 'web', { image: IMAGE, isolate: false });
    expect(all(synth(alone), 'NetworkPolicy')).toEqual([]);
  });

  test('a client of the app does not cut off its extra LoadBalancer', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: IMAGE, extraServices: [{ suffix: 'public', type: 'LoadBalancer', ports: [{ name: 'http' }] }] });
    const loadgen = new WebApp(chart, 'loadgen', { image: IMAGE });
    loadgen.connectTo(web);
    expect(chart).toAllowTraffic(loadgen, web, 'http', { defaultNamespace: 'shop' });
    expect(chart).toAllowTraffic(OUTSIDE, web, 'http', { defaultNamespace: 'shop' });
    expect(all(synth(chart), 'NetworkPolicy').find((p) => p.metadata.name === 'shop-web')!.spec.ingress).toEqual([
      { ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8080 }] },
    ]);
  });
});

describe('WebApp extra Services and the policies', () => {
  test('an internal ClusterIP and an external LoadBalancer limited to client ranges pass without a suppression', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new WebApp(chart, 'web', {
      image: IMAGE, isolate: true,
      extraServices: [{ suffix: 'public', type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.0/24'], ports: [{ name: 'http', port: 443 }] }],
    });
    const objs = synth(chart);
    expect(Policy.lastReport(chart)!.warnings.map((f) => f.ruleId)).not.toContain('practice-service-exposure');
    expect(objs.flatMap((o) => Object.keys(o.metadata.annotations ?? {}))).toEqual([]);
  });

  test('an open main LoadBalancer Service is pointed to service.loadBalancerSourceRanges', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new WebApp(chart, 'web', { image: IMAGE, service: { type: 'LoadBalancer' } });
    synth(chart);
    expect(Policy.lastReport(chart)!.warnings.find((f) => f.ruleId === 'practice-service-exposure')!.fix).toMatch(/\(WebApp: service\.loadBalancerSourceRanges\)/);
  });

  test('an extra LoadBalancer open to any client is flagged like a main one, and Policy.suppress on it takes a reason', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: IMAGE, isolate: true, extraServices: [{ suffix: 'public', type: 'LoadBalancer' }] });
    synth(chart);
    expect(Policy.lastReport(chart)!.warnings.filter((f) => f.ruleId === 'practice-service-exposure').map((f) => f.message)).toEqual([
      expect.stringContaining('Service shop/shop-web-public'),
    ]);
    // The fix names the extra Service's own prop, not the main Service's.
    expect(Policy.lastReport(chart)!.warnings.find((f) => f.ruleId === 'practice-service-exposure')!.fix).toMatch(
      /WebApp: loadBalancerSourceRanges of the extraServices item with suffix 'public'/,
    );
    Policy.suppress(web.extraServices[0], 'practice-service-exposure', 'a public TCP game server, no HTTP layer');
    const objs = synth(chart);
    expect(Policy.lastReport(chart)!.warnings.map((f) => f.ruleId)).not.toContain('practice-service-exposure');
    expect(one(objs, 'Service', 'shop-web').metadata.annotations).toBeUndefined();
  });
});

describe('Service port appProtocol', () => {
  const portsOf = (objs: any[], name: string) => Object.fromEntries(one(objs, 'Service', name).spec.ports.map((p: any) => [p.name, p.appProtocol]));

  test('a port named grpc is cleartext HTTP/2 (kubernetes.io/h2c) on the main and the extra Services', () => {
    const objs = render({ portName: 'grpc', port: 50051, ...ADMIN, extraServices: [{ suffix: 'public', type: 'LoadBalancer' }] });
    expect(portsOf(objs, 'shop-web')).toEqual({ grpc: 'kubernetes.io/h2c', admin: undefined });
    expect(portsOf(objs, 'shop-web-public')).toEqual({ grpc: 'kubernetes.io/h2c', admin: undefined });
    expectValidManifests(objs);
  });

  test('a port a Probe.grpc checks is kubernetes.io/h2c, by the main port default or by number', () => {
    expect(portsOf(render({ liveness: Probe.grpc() }), 'shop-web')).toEqual({ http: 'kubernetes.io/h2c' });
    const objs = render({ extraPorts: [{ name: 'rpc', port: 9090 }], readiness: Probe.grpc({ port: 9090 }) });
    expect(portsOf(objs, 'shop-web')).toEqual({ http: undefined, rpc: 'kubernetes.io/h2c' });
  });

  test('an explicit appProtocol wins, on the main port (appProtocol) and on extraPorts', () => {
    const objs = render({
      portName: 'grpc', appProtocol: 'https',
      extraPorts: [{ name: 'events', port: 9000, appProtocol: 'kubernetes.io/ws' }, { name: 'grpc-web', port: 9001, appProtocol: 'example.com/grpc-web' }],
    });
    expect(portsOf(objs, 'shop-web')).toEqual({ 'grpc': 'https', 'events': 'kubernetes.io/ws', 'grpc-web': 'example.com/grpc-web' });
  });

  test('other ports get none (the YAML of an HTTP app is unchanged)', () => {
    expect(one(render(ADMIN), 'Service', 'shop-web').spec.ports.every((p: any) => !('appProtocol' in p))).toBe(true);
  });

  test('a route to a gRPC app points at a Service port that says h2c', () => {
    const objs = render({
      portName: 'grpc', port: 50051,
      route: { gateway: { name: 'public' }, controller: { namespace: 'shop', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } },
    });
    const backend = one(objs, 'HTTPRoute').spec.rules[0].backendRefs[0];
    expect(one(objs, 'Service', backend.name).spec.ports.find((p: any) => p.port === backend.port).appProtocol).toBe('kubernetes.io/h2c');
  });

  test('a StatefulStore\'s extra port carries it too', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new StatefulStore(chart, 'kv', { image: 'ghcr.io/acme/kv:1.0.0', port: 7000, extraPorts: [{ name: 'grpc', port: 9000 }] });
    const svc = synth(chart).filter((o) => o.kind === 'Service');
    for (const s of svc) expect(s.spec.ports.find((p: any) => p.name === 'grpc').appProtocol).toBe('kubernetes.io/h2c');
  });

  test.each([
    ['the standard h2c is written without its prefix', () => build({ appProtocol: 'h2c' })(), 'appProtocol', /is Kubernetes' standard 'h2c' protocol without its prefix.*Fix: write 'kubernetes\.io\/h2c'/],
    ['an extra port\'s appProtocol is not a qualified name', () => build({ extraPorts: [{ name: 'x', port: 9000, appProtocol: 'HTTP 2' }] })(), 'extraPorts[0].appProtocol', /is not a valid application protocol/],
    ['a sidecar port sets one (no Service exposes it)', () => build({ sidecars: [{ name: 'proxy', image: IMAGE, ports: [{ name: 'grpc', port: 9000, appProtocol: 'kubernetes.io/h2c' }] }] } as any)(),
      'sidecars[0].ports[0].appProtocol', /is not a known port field: it is a field of a Service port, and no Service exposes this container port/],
    ['a NodeAgent port sets one', () => new NodeAgent(newChart('logs', { namespace: 'logs' }), 'shipper', { image: IMAGE, ports: [{ name: 'grpc', port: 9000, appProtocol: 'kubernetes.io/h2c' }] }),
      'ports[0].appProtocol', /is not a known port field/],
  ])('fails when %s', (_what, f, prop, message) => {
    const e = thrown(f);
    const problem = e.problems.find((p) => p.prop === prop);
    expect(problem).toBeDefined();
    expect(problem!.message).toMatch(message);
  });
});
