import { BlockList } from 'net';
import { Testing } from 'cdk8s';
import { WebApp } from '../../src/constructs/web-app';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { TimonelError } from '../../src/core/errors';
import { DEFAULTS } from '../../src/core/defaults';
import { newChart } from '../support/util';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';

function deployment(name: string, namespace: string, labels: Record<string, string>, ports: any[] = [{ name: 'http', containerPort: 8080 }]) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'x:1', ports }] } } },
  };
}

function depl(name: string, namespace: string, labels: Record<string, string>, ports: any[] = []): any {
  return deployment(name, namespace, labels, ports);
}

function ns(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function policy(name: string, namespace: string, spec: any) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

const api = deployment('api', 'shop', { app: 'api', tier: 'backend' }, [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }]);
const web = deployment('web', 'shop', { app: 'web' });
const other = deployment('other', 'shop', { app: 'other' });
const probe = deployment('probe', 'monitoring', { app: 'probe' });
const from = (workload: string, namespace = 'shop') => ({ workload, namespace });

describe('TrafficEvaluator', () => {
  test('without NetworkPolicies everything may reach everything, and it says why', () => {
    const t = TrafficEvaluator.fromManifests([api, web]);
    const v = t.check({ from: from('web'), to: from('api'), port: 8080 });
    expect(v.allowed).toBe(true);
    expect(v.explanation).toBe('shop/web -> shop/api on 8080/TCP is allowed: egress of shop/web is open (no NetworkPolicy selects it for Egress); '
      + 'ingress of shop/api is open (no NetworkPolicy selects it for Ingress)');
    expect(t.allows({ from: { ip: '203.0.113.7' }, to: from('api'), port: 9090 })).toBe(true);
  });

  test('a pod selected for Ingress admits only the union of its policies\' rules', () => {
    const t = TrafficEvaluator.fromManifests([api, web, other,
      policy('api-from-web', 'shop', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] }),
      policy('api-metrics', 'shop', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, ingress: [{ ports: [{ port: 'metrics' }] }] }),
    ]);
    expect(t.allows({ from: from('web'), to: from('api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: from('web'), to: from('api'), port: 'http' })).toBe(true);
    expect(t.allows({ from: from('other'), to: from('api'), port: 8080 })).toBe(false);
    // the second policy admits any source on the named port, addresses included
    expect(t.allows({ from: from('other'), to: from('api'), port: 9090 })).toBe(true);
    expect(t.allows({ from: { ip: '198.51.100.1' }, to: from('api'), port: 'metrics' })).toBe(true);
    expect(t.allows({ from: from('web'), to: from('api'), port: 8080, protocol: 'UDP' })).toBe(false);
    // web itself is not isolated
    expect(t.allows({ from: from('other'), to: from('web'), port: 8080 })).toBe(true);
    const v = t.check({ from: from('other'), to: from('api'), port: 8080 });
    expect(v.ingress).toEqual({ applies: true, isolated: true, allowed: false, isolatedBy: ['shop/api-from-web', 'shop/api-metrics'], allowedBy: [] });
    expect(v.explanation).toContain('ingress of shop/api isolated by shop/api-from-web, shop/api-metrics, and no rule of them matches');
  });

  test('a pod selected for Egress sends only what its rules allow; both sides must agree', () => {
    const t = TrafficEvaluator.fromManifests([api, web, other,
      policy('web-to-api', 'shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }] }),
      policy('deny-api', 'shop', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }),
    ]);
    const v = t.check({ from: from('web'), to: from('api'), port: 8080 });
    expect(v.egress.allowedBy).toEqual(['shop/web-to-api egress[0]']);
    expect(v.ingress.allowed).toBe(false);
    expect(v.allowed).toBe(false);
    expect(t.allows({ from: from('web'), to: from('other'), port: 8080 })).toBe(false);
    expect(t.allows({ from: from('web'), to: { ip: '8.8.8.8' }, port: 443 })).toBe(false);
    expect(t.allows({ from: from('other'), to: { ip: '8.8.8.8' }, port: 443 })).toBe(true);
  });

  test('policyTypes default to Ingress, plus Egress when the policy has egress rules', () => {
    const t = TrafficEvaluator.fromManifests([api, web,
      policy('web-egress', 'shop', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ]);
    expect(t.check({ from: from('web'), to: from('api'), port: 8080 }).egress.isolated).toBe(true);
    // web is isolated for ingress too, admitting nothing
    expect(t.allows({ from: from('api'), to: from('web'), port: 8080 })).toBe(false);
    expect(t.allows({ from: from('web'), to: { ip: '10.96.0.10' }, port: 53, protocol: 'UDP' })).toBe(true);
  });

  test('namespaceSelector, podSelector and both together, with Namespace labels and the name label', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { team: 'ops' } } };
    const t = TrafficEvaluator.fromManifests([ns, api, web, probe,
      policy('api-in', 'shop', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'probe' } } }], ports: [{ port: 9090 }] },
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080 }] },
        ],
      }),
    ], { namespaceLabels: { edge: { team: 'ops' } } });
    expect(t.allows({ from: from('probe', 'monitoring'), to: from('api'), port: 9090 })).toBe(true);
    expect(t.allows({ from: from('probe', 'monitoring'), to: from('api'), port: 8080 })).toBe(false);
    expect(t.allows({ from: { namespace: 'edge', labels: { app: 'probe' } }, to: from('api'), port: 9090 })).toBe(true);
    expect(t.allows({ from: { namespace: 'edge', labels: { app: 'other' } }, to: from('api'), port: 9090 })).toBe(false);
    // a podSelector alone means pods of the policy's namespace: same labels elsewhere do not match
    expect(t.allows({ from: { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } }, to: from('api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: { namespace: 'shop', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } }, to: from('api'), port: 8080 })).toBe(false);
    expect(t.labelsOfNamespace('monitoring')).toEqual({ team: 'ops', 'kubernetes.io/metadata.name': 'monitoring' });
  });

  test('a podSelector without namespaceSelector matches pods of the policy\'s namespace only', () => {
    const t = TrafficEvaluator.fromManifests([api, deployment('web', 'other', { app: 'web' }),
      policy('api-in', 'shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
    ]);
    expect(t.allows({ from: { namespace: 'shop', labels: { app: 'web' } }, to: from('api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: from('web', 'other'), to: from('api'), port: 8080 })).toBe(false);
  });

  test('ipBlocks match addresses in the CIDR outside its exceptions, IPv4 and IPv6, and pods only with an ip', () => {
    const t = TrafficEvaluator.fromManifests([api, web,
      policy('web-egress', 'shop', {
        podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }, { ipBlock: { cidr: '::/0', except: ['fc00::/7'] } }], ports: [{ port: 443 }] },
          { to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 5000, endPort: 5010 }] },
        ],
      }),
    ]);
    expect(t.allows({ from: from('web'), to: { ip: '93.184.216.34' }, port: 443 })).toBe(true);
    expect(t.allows({ from: from('web'), to: { ip: '93.184.216.34' }, port: 80 })).toBe(false);
    expect(t.allows({ from: from('web'), to: { ip: '10.1.2.3' }, port: 443 })).toBe(false);
    expect(t.allows({ from: from('web'), to: { ip: '2606:4700::1111' }, port: 443 })).toBe(true);
    expect(t.allows({ from: from('web'), to: { ip: 'fd00::1' }, port: 443 })).toBe(false);
    expect(t.allows({ from: from('web'), to: { ip: '192.0.2.9' }, port: 5010 })).toBe(true);
    expect(t.allows({ from: from('web'), to: { ip: '192.0.2.9' }, port: 5011 })).toBe(false);
    // a pod is matched by ipBlocks only when its ip is given
    expect(t.allows({ from: from('web'), to: from('api'), port: 443 })).toBe(false);
    expect(t.allows({ from: from('web'), to: { namespace: 'shop', labels: { app: 'api' }, ip: '93.184.216.35' }, port: 443 })).toBe(true);
  });

  test('each evaluator parses the CIDRs of its own queries once: evaluators share nothing', () => {
    const manifests = [web, policy('web-egress', 'shop', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }] })];
    const spy = jest.spyOn(BlockList.prototype, 'addSubnet');
    const parsed = () => spy.mock.calls.filter(([addr]) => addr === '198.51.100.0').length;
    try {
      const t = TrafficEvaluator.fromManifests(manifests);
      expect(t.allows({ from: from('web'), to: { ip: '198.51.100.7' }, port: 443 })).toBe(true);
      expect(t.allows({ from: from('web'), to: { ip: '198.51.100.8' }, port: 443 })).toBe(true);
      expect(parsed()).toBe(1);
      expect(TrafficEvaluator.fromManifests(manifests).allows({ from: from('web'), to: { ip: '198.51.100.9' }, port: 443 })).toBe(true);
      expect(parsed()).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  test('a pod given by selector labels is the workload whose template they match (its full labels and named ports)', () => {
    const t = TrafficEvaluator.fromManifests([api, web,
      policy('api-in', 'shop', { podSelector: { matchLabels: { tier: 'backend' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'metrics' }] }] }),
    ]);
    expect(t.allows({ from: { namespace: 'shop', labels: { app: 'web' } }, to: { namespace: 'shop', labels: { app: 'api' } }, port: 9090 })).toBe(true);
    expect(t.workload('api', 'shop')).toEqual({ namespace: 'shop', labels: { app: 'api', tier: 'backend' } });
    expect(t.workloads.map((w) => w.name)).toEqual(['api', 'web']);
  });

  test('a Service port of the destination is its target port, and the explanation says so', () => {
    const svc = (name: string, selector: any, ports: any[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector, ports } });
    const t = TrafficEvaluator.fromManifests([api, web,
      svc('api', { app: 'api' }, [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9100, targetPort: 9090 }]),
      svc('elsewhere', { app: 'nothing' }, [{ port: 81, targetPort: 8080 }]),
      policy('api-from-web', 'shop', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] }),
    ]);
    const v = t.check({ from: from('web'), to: from('api'), port: 80 });
    expect(v.allowed).toBe(true);
    expect(v.explanation).toMatch(/^shop\/web -> shop\/api on 80 \(Service shop\/api -> 8080\)\/TCP is allowed/);
    expect(t.allows({ from: from('web'), to: from('api'), port: 9100 })).toBe(false); // -> 9090, which the policy does not admit
    // a Service that selects other pods translates nothing: 81 stays 81
    expect(t.check({ from: from('web'), to: from('api'), port: 81 }).explanation).toContain('on 81/TCP is denied');
    // a container port wins over a Service port of the same number
    expect(t.check({ from: from('web'), to: from('api'), port: 9090 }).explanation).toContain('on 9090/TCP');
  });

  test('a controller reference ({ namespace, podLabels }) is a peer, as DEFAULTS.traffic gives it', () => {
    const nginx = deployment('ingress-nginx-controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' });
    const t = TrafficEvaluator.fromManifests([api, nginx,
      policy('api', 'shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }] }] }),
    ]);
    expect(t.allows({ from: DEFAULTS.traffic.ingressController, to: from('api'), port: 8080 })).toBe(true);
    expect(t.allows({ from: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'other' } }, to: from('api'), port: 8080 })).toBe(false);
  });

  test('objects without a namespace are in defaultNamespace', () => {
    const bare = deployment('solo', undefined as any, { app: 'solo' });
    const t = TrafficEvaluator.fromManifests([bare, policy('solo', undefined as any, { podSelector: {}, policyTypes: ['Ingress'] })], { defaultNamespace: 'dev' });
    expect(t.check({ from: { ip: '1.2.3.4' }, to: { workload: 'solo' }, port: 8080 }).explanation).toContain('isolated by dev/solo');
  });

  test('reads the NetworkPolicies of connectTo', () => {
    const chart = newChart('t', { namespace: 'shop' });
    const a = new WebApp(chart, 'api', { image: 'nginx:1.27.2' });
    const w = new WebApp(chart, 'web', { image: 'nginx:1.27.2' });
    new WebApp(chart, 'other', { image: 'nginx:1.27.2' });
    w.connectTo(a);
    const t = TrafficEvaluator.fromManifests(Testing.synth(chart));
    expect(t.allows({ from: from('t-web'), to: from('t-api'), port: 'http' })).toBe(true);
    expect(t.allows({ from: from('t-other'), to: from('t-api'), port: 'http' })).toBe(false);
    expect(t.allows({ from: from('t-web'), to: from('t-other'), port: 'http' })).toBe(false);
    expect(t.allows({ from: from('t-web'), to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' })).toBe(true);
  });

  test.each([
    ['an unknown workload', { from: { workload: 'nope', namespace: 'shop' }, to: { ip: '1.2.3.4' }, port: 1 }, "'from.workload' names no workload of the manifests in namespace 'shop', got 'nope'. Allowed: shop/api, shop/web"],
    ['a bad address', { from: { ip: '1.2.3' }, to: { workload: 'api', namespace: 'shop' }, port: 1 }, "'from.ip' is not an IP address, got '1.2.3'"],
    ['labels of several workloads', { from: { namespace: 'shop', labels: {} }, to: { ip: '1.2.3.4' }, port: 1 }, "'from.labels' match the pods of several workloads in namespace 'shop', got {}. Allowed: api, web"],
    ['an unknown port name', { from: { ip: '1.2.3.4' }, to: { workload: 'api', namespace: 'shop' }, port: 'grpc' }, "'port' is not a named TCP port of shop/api, got 'grpc'. Allowed: 'http' (8080/TCP), 'metrics' (9090/TCP)"],
    ['a port out of range', { from: { ip: '1.2.3.4' }, to: { ip: '1.2.3.5' }, port: 0 }, "'port' must be a port number or name, got 0"],
    ['a peer of no known form', { from: 42, to: { ip: '1.2.3.5' }, port: 1 }, "'from' is not a peer, got 42"],
    ['a peer with an unknown field', { from: { host: 'x' }, to: { ip: '1.2.3.5' }, port: 1 }, "'from.host' is not a field of a traffic peer, got 'x'. Allowed: 'workload', 'namespace', 'labels', 'podLabels', 'ip'. Fix: remove it"],
    ['a misspelt peer field', { from: { namespce: 'ops', podLabels: {} }, to: { workload: 'api', namespace: 'shop' }, port: 8080 }, "'from.namespce' is not a field of a traffic peer, got 'ops'. Allowed: 'workload', 'namespace', 'labels', 'podLabels', 'ip'. Fix: did you mean 'namespace'?"],
    ['no query', undefined, "'query' must be an object { from, to, port, protocol? }, got undefined. Allowed: an object { from, to, port, protocol? }. Fix: e.g. check({ from: { workload: 'shop-web', namespace: 'shop' }, to: { workload: 'shop-db', namespace: 'shop' }, port: 5432 })"],
    ['no port', { from: { ip: '1.2.3.4' }, to: { workload: 'api', namespace: 'shop' } }, "'port' is required: the destination port the client dials, got undefined. Allowed: an integer from 1 to 65535, or a named container port of the destination. Fix: add port, e.g. port: 8080"],
    ['a port number as a string', { from: { ip: '1.2.3.4' }, to: { workload: 'api', namespace: 'shop' }, port: '8080' }, "'port' is a number written as a string, got '8080'. Allowed: an integer from 1 to 65535, or a named container port of the destination. Fix: write it as a number: port: 8080"],
    ['a workload name alone', { from: 'api', to: { ip: '1.2.3.5' }, port: 1 }, "'from' is not a peer, got 'api'. Allowed: { workload, namespace?, ip? }, { namespace?, labels, ip? }, { namespace, podLabels } or { ip }. Fix: write { workload: 'api' } (with namespace: '…' when it is not the default one)"],
    ['an address alone', { from: { ip: '1.2.3.4' }, to: '1.2.3.5', port: 1 }, "'to' is not a peer, got '1.2.3.5'. Allowed: { workload, namespace?, ip? }, { namespace?, labels, ip? }, { namespace, podLabels } or { ip }. Fix: write { ip: '1.2.3.5' }"],
  ])('fails when given %s', (_what, query, message) => {
    const t = TrafficEvaluator.fromManifests([api, web]);
    expect(() => t.check(query as any)).toThrow(TimonelError);
    expect(() => t.check(query as any)).toThrow(message);
  });
});

describe('TrafficEvaluator: a Job named with its spec hash (trial P)', () => {
  const job = (name: string, instance: string) => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'shop' },
    spec: { template: { metadata: { labels: { 'app.kubernetes.io/instance': instance } }, spec: { containers: [{ name: 'main', image: 'x:1' }] } } },
  });
  test('is found by the name without the hash (its instance label), which stays from release to release', () => {
    const t = TrafficEvaluator.fromManifests([web, job('shop-migrate-a1fd6ce9', 'shop-migrate')]);
    expect(t.workload('shop-migrate', 'shop')).toEqual({ namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop-migrate' } });
    expect(t.allows({ from: { workload: 'shop/shop-migrate' }, to: from('web'), port: 8080 })).toBe(true);
  });
  test('fails when the rest of the name is no spec hash, or the instance label differs', () => {
    const t = TrafficEvaluator.fromManifests([web, job('shop-migrate-config', 'shop-migrate'), job('shop-seed-a1fd6ce9', 'shop-other')]);
    expect(() => t.workload('shop-migrate', 'shop')).toThrow(/names no workload of the manifests in namespace 'shop'/);
    expect(() => t.workload('shop-seed', 'shop')).toThrow(/names no workload of the manifests in namespace 'shop'/);
  });
});

describe('TrafficEvaluator: what it is given', () => {
  test('a construct as a peer says to name its workload (the evaluator reads manifests)', () => {
    const chart = newChart('t', { namespace: 'shop' });
    const a = new WebApp(chart, 'api', { image: 'nginx:1.27.2' });
    const t = TrafficEvaluator.fromManifests(Testing.synth(chart));
    expect(() => t.check({ from: a as any, to: { ip: '1.2.3.4' }, port: 1 })).toThrow(
      "'from' is a construct, but the evaluator reads manifests: a peer is a workload by its Kubernetes name, pod labels or an address, got 't/api'. "
      + "Allowed: a peer from the manifests: { workload, namespace? }, { labels, namespace? } or { ip }. Fix: write { workload: 't-api', namespace: 'shop' }, or use timonel/testing's toAllowTraffic matcher, which takes constructs");
  });

  test('takes the files of app.render() as well as manifests', () => {
    const app = new App();
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const a = new WebApp(chart, 'api', { image: 'nginx:1.27.2' });
    new WebApp(chart, 'web', { image: 'nginx:1.27.2' }).connectTo(a);
    const t = TrafficEvaluator.fromManifests(app.render());
    expect(t.workloads.map((w) => w.name)).toEqual(['shop-api', 'shop-web']);
    expect(t.allows({ from: { workload: 'shop-web', namespace: 'shop' }, to: { workload: 'shop-api', namespace: 'shop' }, port: 'http' })).toBe(true);
  });

  test('fails when given no list, with the fix for a chart', () => {
    const chart = newChart('t', { namespace: 'shop' });
    expect(() => TrafficEvaluator.fromManifests(chart as any)).toThrow(
      "[TrafficEvaluator.fromManifests] 'manifests' needs a list of manifests, got 't'. Allowed: a list of manifests (objects with kind and metadata). Fix: pass its objects: fromManifests(Testing.synth(chart)), or app.render()");
  });
});

describe('TrafficEvaluator: questions with one answer (trial Q)', () => {
  const world = [ns('prod', { env: 'prod' }), ns('dev'),
    depl('web', 'prod', { app: 'web' }, [{ containerPort: 8080, name: 'http' }, { containerPort: 9100, name: 'metrics' }]),
    depl('api', 'prod', { app: 'api' }, [{ containerPort: 9090, name: 'http' }]), depl('cli', 'dev', { app: 'cli' })];
  const W = (ref: string) => ({ workload: ref.split('/')[1], namespace: ref.split('/')[0] });
  const service = (name: string, ports: any[], selector: any = { app: 'web' }) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'prod' }, spec: { selector, ports } });
  const only = (port: number, app = 'web') => policy(`only-${port}`, 'prod', { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port }] }] });

  // Q8
  test('fails when two Services send the port to different target ports of the pods, whatever their order', () => {
    const web = service('web', [{ port: 80, targetPort: 8080 }]);
    const metrics = service('web-metrics', [{ port: 80, targetPort: 9100 }]);
    for (const services of [[web, metrics], [metrics, web]]) {
      const t = TrafficEvaluator.fromManifests([...world, ...services, only(9100)]);
      expect(() => t.check({ from: W('dev/cli'), to: W('prod/web'), port: 80 })).toThrow(/^\[TrafficEvaluator\.check\] 'port' is port 80\/TCP of several Services of prod\/web that send it to different ports: prod\/web(-metrics)? -> (8080|9100); prod\/web(-metrics)? -> (8080|9100), got 80\. Allowed: the container port the connection reaches: (8080 or 9100|9100 or 8080)\. Fix: ask for the target port of the Service the client dials, e\.g\. port: \d+ \(prod\/web(-metrics)?\)$/);
      expect(t.allows({ from: W('dev/cli'), to: W('prod/web'), port: 9100 })).toBe(true);
      expect(t.allows({ from: W('dev/cli'), to: W('prod/web'), port: 8080 })).toBe(false);
    }
    // Services that agree are one answer, and the explanation names them all
    const t = TrafficEvaluator.fromManifests([...world, web, service('web-lb', [{ port: 80, targetPort: 'http' }]), only(8080)]);
    expect(t.check({ from: W('dev/cli'), to: W('prod/web'), port: 80 }).explanation).toMatch(/^dev\/cli -> prod\/web on 80 \(Services prod\/web, prod\/web-lb -> 8080\)\/TCP is allowed/);
  });

  // Q6
  test("fails when a Service's named targetPort is only a regular init container's port (Kubernetes' FindPort skips it); a sidecar's counts", () => {
    const ini = depl('ini', 'prod', { app: 'ini' }, [{ containerPort: 8000, name: 'app' }]);
    ini.spec.template.spec.initContainers = [{ name: 'setup', image: 'x:1', ports: [{ containerPort: 4000, name: 'setup' }] }];
    const t = TrafficEvaluator.fromManifests([...world, ini, service('ini', [{ port: 80, targetPort: 'setup' }], { app: 'ini' }), only(4000, 'ini')]);
    expect(() => t.check({ from: W('dev/cli'), to: W('prod/ini'), port: 80 })).toThrow(
      "'port' is port 80/TCP of Service prod/ini, which sends it to no port of prod/ini: its targetPort 'setup' names no port of a container or sidecar of the pods (a regular init container has exited before the pod serves), got 80. "
      + "Allowed: a container port of prod/ini: 8000/TCP ('app'), 4000/TCP ('setup'). Fix: ask for the container port the client reaches, e.g. port: 8000, or make the Service's targetPort name a port of a container");
    ini.spec.template.spec.initContainers[0].restartPolicy = 'Always';
    const sidecar = TrafficEvaluator.fromManifests([...world, ini, service('ini', [{ port: 80, targetPort: 'setup' }], { app: 'ini' }), only(4000, 'ini')]);
    expect(sidecar.check({ from: W('dev/cli'), to: W('prod/ini'), port: 80 }).explanation).toMatch(/on 80 \(Service prod\/ini -> 4000\)\/TCP is allowed/);
  });

  // Q7
  test('fails when a name is a Deployment and a StatefulSet of one namespace, whatever their order; the kind tells them apart', () => {
    const d = depl('x', 'ops', { app: 'x-deploy' });
    const s = { ...depl('x', 'ops', { app: 'x-sts' }), kind: 'StatefulSet' };
    const noEgress = policy('sts-no-egress', 'ops', { podSelector: { matchLabels: { app: 'x-sts' } }, policyTypes: ['Egress'] });
    for (const pair of [[d, s], [s, d]]) {
      const t = TrafficEvaluator.fromManifests([...world, ...pair, noEgress]);
      expect(() => t.check({ from: { workload: 'ops/x' }, to: W('prod/web'), port: 8080 })).toThrow(
        /^\[TrafficEvaluator\.check\] 'from\.workload' names 2 workloads in namespace 'ops' \((Deployment|StatefulSet) x, (Deployment|StatefulSet) x\), whose pods differ, got 'ops\/x'\. Allowed: 'ops\/(Deployment|StatefulSet)\/x', 'ops\/(Deployment|StatefulSet)\/x'\. Fix: name the kind: /);
      expect(() => t.workload('x', 'ops')).toThrow(/^\[TrafficEvaluator\.workload\] 'workload' names 2 workloads in namespace 'ops'/);
      const v = t.check({ from: { workload: 'ops/StatefulSet/x' }, to: W('prod/web'), port: 8080 });
      expect([v.allowed, v.explanation]).toEqual([false, expect.stringMatching(/^ops\/StatefulSet\/x -> prod\/web on 8080\/TCP is denied: egress of ops\/StatefulSet\/x isolated by ops\/sts-no-egress/)]);
      expect(t.allows({ from: { workload: 'Deployment/x', namespace: 'ops' }, to: W('prod/web'), port: 8080 })).toBe(true);
      expect(t.workload('StatefulSet/x', 'ops')).toEqual({ namespace: 'ops', labels: { app: 'x-sts' } });
    }
    const t = TrafficEvaluator.fromManifests([...world, d]);
    expect(() => t.workload('ops/Statefulset/x')).toThrow("'workload' names the kind 'Statefulset', which has no pods, got 'ops/Statefulset/x'. Allowed: Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob. Fix: did you mean 'StatefulSet'?");
    expect(() => t.workload('ops/StatefulSet/x')).toThrow("'workload' names no StatefulSet of the manifests in namespace 'ops', got 'ops/StatefulSet/x'. Allowed: prod/web, prod/api, dev/cli, ops/x (as 'namespace/name', or { workload, namespace }). Fix: it is a Deployment: write 'ops/Deployment/x'");
  });

  // Q5
  test.each([
    ['a query field is misspelt', { from: W('dev/cli'), to: W('prod/api'), port: 5353, protcol: 'UDP' }, "'protcol' is not a field of a traffic query, got 'UDP'. Allowed: 'from', 'to', 'port', 'protocol'. Fix: did you mean 'protocol'?"],
    ['the protocol is lowercase', { from: W('dev/cli'), to: W('prod/api'), port: 53, protocol: 'udp' }, "'protocol' is not a NetworkPolicy protocol, got 'udp'. Allowed: TCP, UDP, SCTP. Fix: write 'UDP'"],
    ['a peer has labels and podLabels', { from: { namespace: 'dev', labels: { app: 'cli' }, podLabels: { app: 'x' } }, to: W('prod/api'), port: 9090 },
      "'from.podLabels' is given with 'labels': both are the pods' labels (podLabels is their name in a controller reference), got {\"app\":\"x\"}. Allowed: one of 'labels' and 'podLabels'. Fix: keep one of them"],
    ['a peer has a workload and labels', { from: { workload: 'cli', namespace: 'dev', labels: { app: 'other' } }, to: W('prod/api'), port: 9090 },
      "'from.labels' is given with 'workload', whose pods have their own labels, got {\"app\":\"other\"}. Allowed: 'workload' or 'labels', not both. Fix: write { workload, namespace? } for a workload's pods, or { namespace, labels } for pods by their labels"],
    ['an address has a namespace', { from: { ip: '10.0.0.1', namespace: 'dev' }, to: W('prod/api'), port: 9090 },
      "'from.namespace' is given with an address, which is in no namespace, got 'dev'. Allowed: { ip } for an address; { namespace, labels, ip } or { workload, namespace, ip } for a pod with that address. Fix: remove namespace, or name the pod's workload or labels"],
    ['a workload is no string', { from: { workload: 42 }, to: W('prod/api'), port: 9090 }, "'from.workload' must be the name of a workload of the manifests, got 42"],
    ['labels are no labels', { from: { namespace: 'dev', labels: { app: 1 } }, to: W('prod/api'), port: 9090 }, "'from.labels.app' must be a string, but is a number, got 1"],
  ])('fails when %s', (_what, query, message) => {
    const t = TrafficEvaluator.fromManifests(world);
    expect(() => t.check(query as any)).toThrow(TimonelError);
    expect(() => t.check(query as any)).toThrow(message);
  });

  test("a workload peer's ip is its pod's address, for ipBlock rules", () => {
    const t = TrafficEvaluator.fromManifests([...world, policy('from-10', 'prod', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })]);
    expect(t.allows({ from: { workload: 'cli', namespace: 'dev', ip: '10.0.0.1' }, to: W('prod/api'), port: 9090 })).toBe(true);
    expect(t.allows({ from: { workload: 'cli', namespace: 'dev' }, to: W('prod/api'), port: 9090 })).toBe(false);
    expect(() => t.check({ from: { workload: 'cli', namespace: 'dev', ip: '10.0.0' }, to: W('prod/api'), port: 9090 })).toThrow("'from.ip' is not an IP address, got '10.0.0'");
  });

  // Q4
  test.each([
    ['workload() is given a number', (t: TrafficEvaluator) => t.workload(42 as any), "'workload' must be the name of a workload of the manifests, got 42. Allowed: 'namespace/name', or 'name' (in the namespace given, else the default one); 'Kind/name' or 'namespace/Kind/name' where two kinds share the name. Fix: e.g. workload('shop/shop-web'), or workload('shop-web', 'shop')"],
    ['workload() is given nothing', (t: TrafficEvaluator) => (t.workload as any)(), "'workload' must be the name of a workload of the manifests, got undefined"],
    ['workload() is given a peer', (t: TrafficEvaluator) => t.workload({ workload: 'prod/web' } as any), "'workload' must be the name of a workload of the manifests, got {\"workload\":\"prod/web\"}. Allowed: 'namespace/name', or 'name' (in the namespace given, else the default one); 'Kind/name' or 'namespace/Kind/name' where two kinds share the name. Fix: pass the name itself: workload('prod/web')"],
    ['workload() is given a namespace that is no string', (t: TrafficEvaluator) => t.workload('web', 42 as any), "'namespace' must be a namespace name, got 42"],
    ['labelsOfNamespace() is given null', (t: TrafficEvaluator) => t.labelsOfNamespace(null as any), "'namespace' must be a namespace name, got null. Allowed: a namespace name. Fix: e.g. labelsOfNamespace('shop')"],
    ['labelsOfNamespace() is given an object', (t: TrafficEvaluator) => t.labelsOfNamespace({} as any), "'namespace' must be a namespace name, got {}"],
  ])('fails when %s', (_what, call, message) => {
    const t = TrafficEvaluator.fromManifests(world);
    expect(() => call(t)).toThrow(TimonelError);
    expect(() => call(t)).toThrow(message);
  });
});

describe('an unknown workload on a large platform', () => {
  test('fails with the closest name and its namespace first, and lists 12 of 40 workloads', () => {
    const many = Array.from({ length: 20 }, (_x, i) => [deployment(`svc-${i}-web`, `svc-${i}`, { app: `web${i}` }), deployment(`svc-${i}-api`, `svc-${i}`, { app: `api${i}` })]).flat();
    const t = TrafficEvaluator.fromManifests(many);
    expect(() => t.workload('svc-7-wbe', 'svc-7')).toThrow(
      "names no workload of the manifests in namespace 'svc-7', got 'svc-7-wbe'. Allowed: svc-7/svc-7-web, svc-7/svc-7-api, svc-0/svc-0-web, svc-0/svc-0-api, svc-1/svc-1-web, svc-1/svc-1-api, "
      + "svc-2/svc-2-web, svc-2/svc-2-api, svc-3/svc-3-web, svc-3/svc-3-api, svc-4/svc-4-web, svc-4/svc-4-api, and 28 more (as 'namespace/name', or { workload, namespace })",
    );
  });
});
