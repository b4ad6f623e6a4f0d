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
    ['a workload name alone', { from: 'api', to: { ip: '1.2.3.5' }, port: 1 }, "'from' is not a peer, got 'api'. Allowed: { workload, namespace? }, { namespace?, labels, ip? }, { namespace, podLabels } or { ip }. Fix: write { workload: 'api' } (with namespace: '…' when it is not the default one)"],
    ['an address alone', { from: { ip: '1.2.3.4' }, to: '1.2.3.5', port: 1 }, "'to' is not a peer, got '1.2.3.5'. Allowed: { workload, namespace? }, { namespace?, labels, ip? }, { namespace, podLabels } or { ip }. Fix: write { ip: '1.2.3.5' }"],
  ])('fails when given %s', (_what, query, message) => {
    const t = TrafficEvaluator.fromManifests([api, web]);
    expect(() => t.check(query as any)).toThrow(TimonelError);
    expect(() => t.check(query as any)).toThrow(message);
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
