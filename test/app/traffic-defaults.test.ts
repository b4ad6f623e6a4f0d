import { Testing } from 'cdk8s';
import { App } from '../../src/app/app';
import { TimonelChart, TimonelChartProps } from '../../src/app/chart';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { TrafficDefaults } from '../../src/core/traffic';
import { DEFAULTS } from '../../src/core/defaults';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { EgressTarget, NetworkAccess } from '../../src/workload/network';
import { synth, thrown } from '../support/util';
import '../../src/testing/jest';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const TRAEFIK = { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } };
const ENVOY = { namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public' } };
const VM = { namespace: 'observability', podLabels: { 'app.kubernetes.io/name': 'vmagent' } };
const NGINX = DEFAULTS.traffic.ingressController;
const PROMETHEUS = DEFAULTS.traffic.prometheus;
const pods = (ref: { namespace: string; podLabels: Record<string, string> }) => ({ namespace: ref.namespace, labels: ref.podLabels });

function chartOf(app: { traffic?: TrafficDefaults } | 'plain', chart: TimonelChartProps = {}): TimonelChart {
  const root = app === 'plain' ? Testing.app() : new App({ outdir: 'dist-never-written', ...app });
  return new TimonelChart(root, 'shop', { namespace: 'shop', ...chart });
}

function web(chart: TimonelChart, props: Partial<WebAppProps> = {}): WebApp {
  return new WebApp(chart, 'web', { image: IMAGE, isolate: true, ingress: { host: 'shop.example.com' }, metrics: { port: 9090 }, ...props });
}

describe('app-wide traffic defaults', () => {
  test('the App\'s ingress controller and Prometheus are admitted instead of the defaults', () => {
    const chart = chartOf({ traffic: { ingressController: TRAEFIK, prometheus: VM } });
    const app = web(chart);
    expect(chart).toAllowTraffic(pods(TRAEFIK), app, 8080);
    expect(chart).not.toAllowTraffic(pods(NGINX), app, 8080);
    expect(chart).toAllowTraffic(pods(VM), app, 9090);
    expect(chart).not.toAllowTraffic(pods(PROMETHEUS), app, 9090);
  });

  test('a chart\'s traffic wins field by field over the App\'s; an app\'s own controller wins over both', () => {
    const chart = chartOf({ traffic: { ingressController: TRAEFIK, prometheus: VM } }, { traffic: { ingressController: ENVOY } });
    expect(chart.traffic).toEqual({ ingressController: ENVOY, prometheus: VM });
    const app = web(chart);
    expect(chart).toAllowTraffic(pods(ENVOY), app, 8080);
    expect(chart).not.toAllowTraffic(pods(TRAEFIK), app, 8080);
    expect(chart).toAllowTraffic(pods(VM), app, 9090);

    const own = chartOf({ traffic: { ingressController: TRAEFIK, prometheus: VM } });
    const other = web(own, { ingress: { host: 'shop.example.com', controller: NGINX }, metrics: { port: 9090, scraper: PROMETHEUS } });
    expect(own).toAllowTraffic(pods(NGINX), other, 8080);
    expect(own).not.toAllowTraffic(pods(TRAEFIK), other, 8080);
    expect(own).toAllowTraffic(pods(PROMETHEUS), other, 9090);
    expect(own).not.toAllowTraffic(pods(VM), other, 9090);
  });

  test('a Gateway route admits the same default controller', () => {
    const chart = chartOf({ traffic: { ingressController: ENVOY } });
    const app = web(chart, { ingress: undefined, metrics: undefined, route: { gateway: { name: 'public', namespace: 'envoy-gateway-system' } } });
    expect(chart).toAllowTraffic(pods(ENVOY), app, 8080);
    expect(chart).not.toAllowTraffic(pods(NGINX), app, 8080);
  });

  describe('Gateway routes', () => {
    const ROUTE = { gateway: { name: 'public', namespace: 'gateway' } };
    const ISTIO = { namespace: 'gateway', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } };
    const route = (chart: TimonelChart, props: Partial<WebAppProps> = {}) => web(chart, { ingress: undefined, metrics: undefined, route: ROUTE, ...props });

    test('traffic.gateway admits the Gateway\'s pods to a route, while Ingresses keep traffic.ingressController', () => {
      const chart = chartOf({ traffic: { gateway: ENVOY } });
      const routed = route(chart);
      const ingressed = new WebApp(chart, 'other', { image: IMAGE, isolate: true, ingress: { host: 'shop.example.com' } });
      expect(chart).toAllowTraffic(pods(ENVOY), routed, 8080);
      expect(chart).not.toAllowTraffic(pods(NGINX), routed, 8080);
      expect(chart).toAllowTraffic(pods(NGINX), ingressed, 8080);
      expect(chart).not.toAllowTraffic(pods(ENVOY), ingressed, 8080);
    });

    test('route.controller wins over traffic.gateway; a chart\'s gateway wins over the App\'s', () => {
      const chart = chartOf({ traffic: { gateway: TRAEFIK } }, { traffic: { gateway: ENVOY } });
      expect(chart.traffic.gateway).toEqual(ENVOY);
      const a = route(chart);
      expect(chart).toAllowTraffic(pods(ENVOY), a, 8080);
      expect(chart).not.toAllowTraffic(pods(TRAEFIK), a, 8080);
      const own = chartOf({ traffic: { gateway: ENVOY } });
      const b = route(own, { route: { ...ROUTE, controller: ISTIO } });
      expect(own).toAllowTraffic(pods(ISTIO), b, 8080);
      expect(own).not.toAllowTraffic(pods(ENVOY), b, 8080);
    });

    test('an app that is not isolated needs no Gateway pods (no policy selects it)', () => {
      const chart = chartOf({});
      const app = route(chart, { isolate: false });
      expect(synth(chart).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
      expect(chart).toAllowTraffic(pods(ENVOY), app, 8080);
    });

    test('fails when an isolated app has a route and only the ingress-nginx default would be admitted', () => {
      const e = thrown(() => route(chartOf({})));
      expect(e.path).toBe('shop/web');
      expect(e.prop).toBe('route.controller');
      expect(e.message).toContain("the pods of Gateway 'gateway/public' that forward the HTTPRoute 'shop-web' would be refused");
      expect(e.message).toContain('ingress-nginx, the default ingress controller, serves no Gateway API routes');
      expect(e.fix).toContain("controller: { namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway' } }");
      expect(e.fix).toContain("for Istio controller: { namespace: 'gateway', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } }");
      expect(e.fix).toContain('new App({ traffic: { gateway: ');
      // The Gateway in the app's own namespace when the route names none.
      expect(thrown(() => route(chartOf({}), { route: { gateway: { name: 'edge' } } })).fix).toContain("{ namespace: 'shop', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'edge' } }");
    });

    test('fails at synth when a client added after construction isolates an app whose route admits no Gateway', () => {
      const app = new App({ outdir: 'dist-never-written' });
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      const target = new WebApp(chart, 'web', { image: IMAGE, route: ROUTE });
      const client = new WebApp(chart, 'api', { image: IMAGE });
      client.connectTo(target);
      expect(() => app.synth()).toThrow(/\[shop\/web\] 'route\.controller' is not set.*isolated \(by a client \(connectTo, allowFrom\) or NetworkAccess\.isolate\(\)\)/);
      expect(() => Testing.synth(chart)).toThrow(/'route\.controller' is not set/);
    });

    test('the validation passes once the route says which pods (the error is only about isolated apps)', () => {
      const chart = chartOf({});
      const target = new WebApp(chart, 'web', { image: IMAGE, route: { ...ROUTE, controller: ISTIO } });
      new WebApp(chart, 'api', { image: IMAGE }).connectTo(target);
      expect(chart).toAllowTraffic(pods(ISTIO), target, 8080);
      expect(chart).not.toAllowTraffic(pods(NGINX), target, 8080);
    });

    test('fails when route.controller has a typo or no podLabels', () => {
      expect(thrown(() => route(chartOf({}), { route: { ...ROUTE, controller: { namespace: 'gateway', podLabel: { a: 'b' } } as any } })).message)
        .toMatch(/'route\.controller\.podLabel'.*did you mean 'podLabels'/);
      expect(thrown(() => chartOf({ traffic: { gateway: { namespace: 'gateway' } as any } })).prop).toBe('traffic.gateway.podLabels');
    });
  });

  describe('Ingress classes: the admitted controller must be the one that serves the class', () => {
    const ingress = (className?: string, more = {}) => ({ ingress: { host: 'shop.example.com', className, ...more }, metrics: undefined });

    test('fails when an isolated app\'s Ingress names a class other than nginx and only the ingress-nginx default would be admitted', () => {
      const e = thrown(() => web(chartOf({}), ingress('traefik')));
      expect(e.path).toBe('shop/web');
      expect(e.prop).toBe('ingress.className');
      expect(e.value).toBe('traefik');
      expect(e.message).toBe("[shop/web] 'ingress.className' names a class the admitted ingress controller does not serve: the app is isolated (isolate: true), "
        + "so its NetworkPolicy admits only declared pods, and neither ingress.controller nor the chart's or App's traffic.ingressController is set, "
        + "so the pods admitted for the Ingress are ingress-nginx's (DEFAULTS.traffic.ingressController, which serves class 'nginx'); "
        + "the 'traefik' controller that forwards this Ingress would be refused, got 'traefik'. "
        + "Allowed: className 'nginx' with the default controller, or the pods of the controller that serves 'traefik' as ingress.controller or traffic.ingressController. "
        + "Fix: admit the pods of the controller that serves 'traefik', e.g. for Traefik (its Helm chart; k3s runs it in kube-system): "
        + "ingress: { className: 'traefik', controller: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } }, … }, "
        + "or once for every app: new App({ traffic: { ingressController: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } } } }) "
        + "(or a TimonelChart's traffic.ingressController); check the namespace and labels with kubectl get pods -A -l app.kubernetes.io/name=traefik --show-labels");
      // a class without an example gets placeholders; a cloud load balancer's class says public: true
      expect(thrown(() => web(chartOf({}), ingress('internal'))).fix).toContain("controller: { namespace: '<its namespace>', podLabels: { <labels of its pods> } }");
      expect(thrown(() => web(chartOf({}), ingress('alb'))).fix).toMatch(/^'alb' is served by the cloud's load balancer, .* public: true/);
    });

    test('fails at synth when a client added after construction isolates an app whose Ingress class is not served', () => {
      const app = new App({ outdir: 'dist-never-written' });
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      const target = new WebApp(chart, 'web', { image: IMAGE, ingress: { host: 'shop.example.com', className: 'haproxy' } });
      new WebApp(chart, 'api', { image: IMAGE }).connectTo(target);
      expect(() => app.synth()).toThrow(/\[shop\/web\] 'ingress\.className' names a class the admitted ingress controller does not serve: the app is isolated \(by a client \(connectTo, allowFrom\) or NetworkAccess\.isolate\(\)\).*'app\.kubernetes\.io\/name': 'kubernetes-ingress'/);
    });

    test('following the fix admits the controller that serves the class; nginx, no class, or an app open to any source need none', () => {
      const own = chartOf({});
      const a = web(own, ingress('traefik', { controller: TRAEFIK }));
      expect(own).toAllowTraffic(pods(TRAEFIK), a, 8080);
      expect(own).not.toAllowTraffic(pods(NGINX), a, 8080);
      const appWide = chartOf({ traffic: { ingressController: TRAEFIK } });
      expect(appWide).toAllowTraffic(pods(TRAEFIK), web(appWide, ingress('traefik')), 8080);
      const byChart = chartOf({}, { traffic: { ingressController: TRAEFIK } });
      expect(byChart).toAllowTraffic(pods(TRAEFIK), web(byChart, ingress('traefik')), 8080);
      for (const className of ['nginx', undefined]) {
        const chart = chartOf({});
        expect(chart).toAllowTraffic(pods(NGINX), web(chart, ingress(className)), 8080);
      }
      const open = chartOf({});
      expect(open).toAllowTraffic(pods(TRAEFIK), web(open, { ...ingress('alb'), public: true }), 8080);
      // not isolated: no policy selects the app, so nothing is refused
      const notIsolated = chartOf({});
      expect(notIsolated).toAllowTraffic(pods(TRAEFIK), web(notIsolated, { ...ingress('traefik'), isolate: false }), 8080);
    });
  });

  test('NetworkAccess.admitIngressController without a controller takes the chart\'s default', () => {
    const chart = chartOf({}, { traffic: { ingressController: TRAEFIK } });
    const api = new WebApp(chart, 'api', { image: IMAGE, isolate: true });
    NetworkAccess.of(api).admitIngressController({ ports: [8080] });
    expect(chart).toAllowTraffic(pods(TRAEFIK), api, 8080);
    expect(chart).not.toAllowTraffic(pods(NGINX), api, 8080);
  });

  test('without traffic settings (or in a plain cdk8s App) the defaults hold', () => {
    for (const root of [{}, 'plain'] as const) {
      const chart = chartOf(root);
      const app = web(chart);
      expect(chart).toAllowTraffic(pods(NGINX), app, 8080);
      expect(chart).toAllowTraffic(pods(PROMETHEUS), app, 9090);
    }
    expect(new App({ outdir: 'dist-never-written' }).traffic).toEqual({});
  });

  test('App and chart traffic settings leave the YAML of apps without an exposure alone', () => {
    const plain = synth(new WebApp(chartOf({}), 'api', { image: IMAGE, isolate: true }).chart);
    const set = synth(new WebApp(chartOf({ traffic: { ingressController: TRAEFIK } }, { traffic: { prometheus: VM } }), 'api', { image: IMAGE, isolate: true }).chart);
    expect(set).toEqual(plain);
  });

  test.each([
    ['the App\'s controller namespace is invalid', () => new App({ traffic: { ingressController: { namespace: 'Ingress', podLabels: {} } } }), 'traffic.ingressController.namespace', /is not a valid DNS-1123 label/],
    ['the App\'s Prometheus has an invalid label key', () => new App({ traffic: { prometheus: { namespace: 'monitoring', podLabels: { 'a b': 'x' } } } }), 'traffic.prometheus.podLabels', /has an invalid key/],
    ['a chart\'s controller label value is invalid', () => chartOf({}, { traffic: { ingressController: { namespace: 'traefik', podLabels: { app: 'trae fik' } } } }),
      'traffic.ingressController.podLabels.app', /is not a valid label value/],
    ['a chart\'s controller has no podLabels', () => chartOf({}, { traffic: { ingressController: { namespace: 'traefik' } as any } }), 'traffic.ingressController.podLabels', /is required/],
    ['an app\'s own controller label value is invalid', () => web(chartOf({}), { ingress: { host: 'shop.example.com', controller: { namespace: 'traefik', podLabels: { app: '-x' } } } }),
      'ingress.controller.podLabels.app', /is not a valid label value/],
  ])('fails when %s', (_what, f, prop, message) => {
    const e = thrown(f);
    expect(e.prop).toBe(prop);
    if (typeof message === 'string') expect(e.message).toContain(message);
    else expect(e.message).toMatch(message);
  });
});

describe('traffic.clusterCidrs: the cluster\'s own ranges are not "the internet"', () => {
  const from = { workload: 'shop-web', namespace: 'shop' };
  // EKS IPv6 and GKE dual-stack give pods and nodes global IPv6 addresses, which ::/0 minus the private ranges includes.
  const PODS_V6 = '2600:1f14:abc:de00::/56';
  const NODES_V4 = '198.18.0.0/15';

  function internetFrom(chart: TimonelChart) {
    const w = new WebApp(chart, 'web', { image: IMAGE });
    w.allowEgress(EgressTarget.internet({ ports: [443] }));
    return TrafficEvaluator.fromManifests(Testing.synth(chart));
  }

  test('EgressTarget.internet excludes the App\'s clusterCidrs on both families, on top of the private ranges', () => {
    const t = internetFrom(chartOf({ traffic: { clusterCidrs: [PODS_V6, NODES_V4] } }));
    expect(t.allows({ from, to: { ip: '2600:1f14:abc:de12::7' }, port: 443 })).toBe(false);
    expect(t.allows({ from, to: { ip: '198.19.4.2' }, port: 443 })).toBe(false);
    expect(t.allows({ from, to: { ip: '10.1.2.3' }, port: 443 })).toBe(false);
    expect(t.allows({ from, to: { ip: '2606:4700::1111' }, port: 443 })).toBe(true);
    expect(t.allows({ from, to: { ip: '93.184.216.34' }, port: 443 })).toBe(true);
    // NAT64: how IPv6-only pods reach IPv4 services; it stays allowed
    expect(t.allows({ from, to: { ip: '64:ff9b::5db8:d822' }, port: 443 })).toBe(true);
  });

  test('without clusterCidrs, a pod\'s global IPv6 address counts as the internet (as documented)', () => {
    const t = internetFrom(chartOf({}));
    expect(t.allows({ from, to: { ip: '2600:1f14:abc:de12::7' }, port: 443 })).toBe(true);
  });

  test('a chart\'s clusterCidrs win over the App\'s, and add to an explicit except', () => {
    const chart = chartOf({ traffic: { clusterCidrs: [NODES_V4] } }, { traffic: { clusterCidrs: [PODS_V6] } });
    expect(chart.traffic.clusterCidrs).toEqual([PODS_V6]);
    const w = new WebApp(chart, 'web', { image: IMAGE });
    w.allowEgress(EgressTarget.internet({ ports: [443], except: ['192.0.2.0/24'] }));
    const t = TrafficEvaluator.fromManifests(Testing.synth(chart));
    expect(t.allows({ from, to: { ip: '2600:1f14:abc:de12::7' }, port: 443 })).toBe(false);
    expect(t.allows({ from, to: { ip: '192.0.2.9' }, port: 443 })).toBe(false);
    expect(t.allows({ from, to: { ip: '198.19.4.2' }, port: 443 })).toBe(true);
  });

  test.each([
    ['an IPv4 network', ['203.0.113.0/24'], '203.0.113.9'],
    ['an IPv6 network', ['2001:db8:1::/48'], '2001:db8:1::9'],
  ])('except (%s) adds to the private ranges and the metadata endpoint, on both families, instead of replacing them', (_what, except, excluded) => {
    const chart = chartOf({ traffic: { clusterCidrs: ['10.0.0.0/8'] } });
    const w = new WebApp(chart, 'web', { image: IMAGE });
    w.allowEgress(EgressTarget.internet({ ports: [443], except }));
    const t = TrafficEvaluator.fromManifests(Testing.synth(chart));
    for (const ip of [excluded, '172.16.0.5', '192.168.1.1', '169.254.169.254', '100.64.0.1', '10.1.2.3', 'fd12::1', 'fe80::1']) {
      expect([ip, t.allows({ from, to: { ip }, port: 443 })]).toEqual([ip, false]);
    }
    expect(t.allows({ from, to: { ip: '198.51.100.7' }, port: 443 })).toBe(true);
    expect(t.allows({ from, to: { ip: '2001:db8:2::7' }, port: 443 })).toBe(true);
  });

  test.each([
    ['a clusterCidrs entry is not a CIDR', () => chartOf({ traffic: { clusterCidrs: ['10.0.0.0/33'] } }), 'traffic.clusterCidrs[0]', /is not a CIDR/],
    ['a clusterCidrs entry has host bits set', () => chartOf({}, { traffic: { clusterCidrs: ['2600:1f14:abc:de12::/56'] } }), 'traffic.clusterCidrs[0]', /has host bits set past its \/56 prefix \(its network is 2600:1f14:abc:de00::\/56\)/],
    ['clusterCidrs is one string', () => chartOf({ traffic: { clusterCidrs: '10.0.0.0/8' as any } }), 'traffic.clusterCidrs', /must be a list/],
    ['a clusterCidrs entry covers a whole family (the internet allowance would except its own cidr)', () => chartOf({ traffic: { clusterCidrs: ['10.0.0.0/8', '::/0'] } }), 'traffic.clusterCidrs[1]',
      "'traffic.clusterCidrs[1]' covers every IPv6 address: EgressTarget.internet excepts it from ::/0, and the API server refuses an ipBlock except that is not a strict subset of its cidr, got '::/0'. Allowed: an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32', with a prefix length above 0. Fix: list the cluster's own pod, Service and node ranges (the cluster-cidr and service-cluster-ip-range of the control plane), e.g. 'fd00:10:244::/56'"],
    ['a chart\'s clusterCidrs entry is 0.0.0.0/0', () => chartOf({}, { traffic: { clusterCidrs: ['0.0.0.0/0'] } }), 'traffic.clusterCidrs[0]', /covers every IPv4 address: EgressTarget.internet excepts it from 0.0.0.0\/0/],
  ])('fails when %s', (_what, f, prop, message) => {
    const e = thrown(f);
    expect(e.prop).toBe(prop);
    if (typeof message === 'string') expect(e.message).toContain(message);
    else expect(e.message).toMatch(message);
  });
});
