import { Testing } from 'cdk8s';
import { App } from '../../src/app/app';
import { TimonelChart, TimonelChartProps } from '../../src/app/chart';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { TrafficDefaults } from '../../src/core/traffic';
import { DEFAULTS } from '../../src/core/defaults';
import { NetworkAccess } from '../../src/workload/network';
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
    expect(e.message).toMatch(message);
  });
});
