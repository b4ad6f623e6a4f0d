import { Worker } from '../../src/constructs/worker';
import { StatefulStore } from '../../src/constructs/stateful-store';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { Probe } from '../../src/core/probes';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { EgressTarget } from '../../src/workload/network';
import { all, newChart, one, podSpec, synth } from '../support/util';
import '../../src/testing/jest';

// A pod-only port (`service: false`): on the container for the kubelet, on no Service, reachable by no client.
const IMAGE = 'ghcr.io/acme/web:1.4.2';
const HEALTH = { name: 'health', port: 9901, service: false };

function shop(props: Partial<WebAppProps> = {}) {
  const chart = newChart('shop', { namespace: 'shop' });
  const web = new WebApp(chart, 'web', { image: IMAGE, extraPorts: [{ name: 'admin', port: 9000 }, HEALTH], liveness: Probe.http('/live', { port: 'health' }), ...props });
  return { chart, web };
}

const build = (props: Partial<WebAppProps>) => () => shop(props);

describe('a pod-only port (service: false)', () => {
  test('is on the container and probed, but on no Service', () => {
    const { chart } = shop({ extraServices: [{ suffix: 'admin' }] });
    const objs = synth(chart);
    const main = podSpec(one(objs, 'Deployment')).containers[0];
    expect(main.ports.map((p: any) => p.name)).toEqual(['http', 'admin', 'health']);
    expect(main.livenessProbe.httpGet.port).toBe('health');
    for (const svc of all(objs, 'Service')) expect(svc.spec.ports.map((p: any) => p.name)).toEqual(['http', 'admin']);
  });

  test('is not admitted to clients: connectTo, allowFrom of pods and a public app reach the other ports only', () => {
    const { chart, web } = shop({ public: true });
    const api = new Worker(chart, 'api', { image: IMAGE, connectTo: [web] });
    web.allowFrom({ namespace: 'ops' });
    const evaluator = TrafficEvaluator.fromManifests(synth(chart), { defaultNamespace: 'shop' });
    const reach = (from: any, port: number) => evaluator.check({ from, to: { workload: 'shop-web', namespace: 'shop' }, port }).allowed;
    const client = { workload: api.name, namespace: 'shop' };
    const ops = { namespace: 'ops', labels: {} };
    const outside = { ip: '203.0.113.7' };
    expect(reach(client, 8080)).toBe(true);
    expect(reach(ops, 9000)).toBe(true);
    expect(reach(outside, 9000)).toBe(true);
    for (const from of [client, ops, outside]) expect(reach(from, 9901)).toBe(false);
  });

  test('a StatefulStore keeps it off its Services too', () => {
    const chart = newChart('data', { namespace: 'data' });
    new StatefulStore(chart, 'db', { image: 'postgres:16.4', port: 5432, extraPorts: [HEALTH] });
    for (const svc of all(synth(chart), 'Service')) expect(svc.spec.ports.map((p: any) => p.name)).toEqual(['tcp']);
  });

  test.each<[string, Partial<WebAppProps>, string]>([
    ['an Ingress path names it', { ingress: { rules: [{ host: 'shop.example.com', paths: [{ path: '/', port: 'health' }] }] } },
      "[shop/web] 'ingress.rules[0].paths[0].port' names the pod-only port 'health' (9901, service: false), which no Service exposes and no client may reach, got 'health'. "
      + "Allowed: 'http' (80), 'admin' (9000). Fix: name a port on the Service, or remove 'service: false' from port 'health' if clients should reach it"],
    ['an extra Service names it', { extraServices: [{ suffix: 'ops', ports: [{ name: 'health' }] }] },
      "[shop/web] 'extraServices[0].ports[0].name' names the pod-only port 'health' (9901, service: false), which no Service exposes and no client may reach, got 'health'"],
    ['metrics scrape it', { metrics: { port: 9901 } },
      "[shop/web] 'metrics.port' is the pod-only port 'health' (service: false), but the ServiceMonitor scrapes through a port of the Service, got 9901. Allowed: a port the Service exposes. "
      + "Fix: remove 'service: false' from port 'health' (the metrics port is then on the Service, and only Prometheus is admitted to it), or leave 'metrics' out and scrape the pods with a PodMonitor of your own"],
    ['it has a Service port', { extraPorts: [{ ...HEALTH, servicePort: 80 }] },
      "[shop/web] 'extraPorts[0].servicePort' is a field of a Service port, but service is false (a pod-only port), got 80. Allowed: servicePort only on a port with a Service (service: true, the default). Fix: remove 'servicePort', or 'service: false'"],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('fails when allowFrom of pods or EgressTarget.app names it', () => {
    const { chart, web } = shop();
    expect(() => web.allowFrom({ namespace: 'ops' }, { ports: ['health'] })).toThrow(
      "[shop/web] 'allowFrom.ports[0]' names the pod-only port 'health' (9901, service: false), which no Service exposes and no client may reach, got 'health'",
    );
    const api = new Worker(chart, 'api', { image: IMAGE });
    expect(() => api.allowEgress(EgressTarget.app(web, { ports: [9901] }))).toThrow(
      "[shop/api] 'allowEgress.ports[0]' names the pod-only port 'health' (9901, service: false), which no Service exposes and no client may reach, got 9901",
    );
  });

  test('fails on a sidecar port, which no Service exposes anyway', () => {
    expect(() => new Worker(newChart('shop'), 'w', { image: IMAGE, sidecars: [{ name: 'proxy', image: IMAGE, ports: [{ name: 'admin', port: 9000, service: false }] }] })).toThrow(
      "[shop/w] 'sidecars[0].ports[0].service' is not a known port field: no Service exposes this container port: it is pod-only already, got false. Allowed: 'name', 'port', 'servicePort', 'protocol'. Fix: remove it",
    );
  });
});
