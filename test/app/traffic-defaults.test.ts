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
