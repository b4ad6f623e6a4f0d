import { Testing } from 'cdk8s';
import { TimonelChart } from '../../src/app/chart';
import { WebApp } from '../../src/constructs/web-app';
import { DEFAULTS } from '../../src/core/defaults';
import { TrafficEvaluator, TrafficPeer } from '../../src/policies/traffic';
import { EgressTarget } from '../../src/workload/network';

/** A small seeded PRNG (mulberry32): the same seed gives the same graph. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface AppSpec {
  readonly id: string;
  readonly ingress: boolean;
  readonly loadBalancer: boolean;
  readonly public: boolean;
  readonly isolate: boolean;
  readonly internet: boolean;
  readonly cidr: boolean;
  /** An extra Service `<name>-extra` on the main port only (the admin port is never on it). */
  readonly extra?: 'ClusterIP' | 'LoadBalancer' | 'NodePort';
}

/** What is drawn after the edges (so the graphs of earlier seeds stay the same). */
interface LateSpec {
  /** An HTTPRoute whose Gateway pods are GATEWAY (never ingress-nginx). */
  readonly route: boolean;
  /** `allowFrom({ namespace: 'ops', podLabels })`: on every port, or on the main port only. */
  readonly ops: 'none' | 'all' | 'http';
}

/**
 * A random connection graph: apps with random exposure, isolation, clients and egress allowances;
 * `ports` are the numbers of every app's ports 'http' and 'admin' (a port change is the same graph with others).
 */
function graph(seed: number, ports: { readonly http: number; readonly admin: number } = { http: PORT, admin: ADMIN }) {
  const r = random(seed);
  const n = 2 + Math.floor(r() * 5);
  const apps: AppSpec[] = Array.from({ length: n }, (_x, i) => ({
    id: `a${i}`, ingress: r() < 0.4, loadBalancer: r() < 0.2, public: r() < 0.15, isolate: r() < 0.4, internet: r() < 0.25, cidr: r() < 0.2,
    extra: ([undefined, undefined, 'ClusterIP', 'LoadBalancer', 'NodePort'] as const)[Math.floor(r() * 5)],
  }));
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && r() < 0.3) edges.push([i, j]);
  const late: LateSpec[] = apps.map(() => ({ route: r() < 0.3, ops: (['none', 'none', 'all', 'http'] as const)[Math.floor(r() * 4)] }));
  // allowEgress(EgressTarget.app(target)): the client's egress, and the target admits it without being isolated
  const egressApps: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && r() < 0.15) egressApps.push([i, j]);
  const chart = new TimonelChart(Testing.app(), 'p', { namespace: 'p' });
  const built = apps.map((a, i) => new WebApp(chart, a.id, {
    image: 'ghcr.io/acme/app:1.0.0',
    port: ports.http,
    isolate: a.isolate || undefined, // an explicit false with a client is an error
    public: a.public || undefined,
    ingress: a.ingress ? { host: `${a.id}.example.com` } : undefined,
    service: a.loadBalancer ? { type: 'LoadBalancer' } : undefined,
    extraPorts: [{ name: 'admin', port: ports.admin }],
    extraServices: a.extra ? [{ suffix: 'extra', type: a.extra, ports: [{ name: 'http' }] }] : undefined,
    route: late[i].route ? { gateway: { name: 'public', namespace: 'gateway' }, controller: { namespace: GATEWAY.namespace, podLabels: { ...GATEWAY.labels } } } : undefined,
  }));
  // connectTo forward (dependencies have no cycles), allowFrom backward: both declare a client.
  edges.forEach(([c, t]) => (c < t ? built[c].connectTo(built[t]) : built[t].allowFrom(built[c])));
  late.forEach((l, i) => {
    if (l.ops !== 'none') built[i].allowFrom({ namespace: OPS.namespace, podLabels: { ...OPS.labels } }, l.ops === 'http' ? { ports: ['http'] } : {});
  });
  apps.forEach((a, i) => {
    if (a.internet) built[i].allowEgress(EgressTarget.internet({ ports: [443] }));
    if (a.cidr) built[i].allowEgress(EgressTarget.cidrs(['198.51.100.0/24'], { ports: [25] }));
  });
  egressApps.forEach(([cl, tg]) => built[cl].allowEgress(EgressTarget.app(built[tg])));
  const manifests = Testing.synth(chart);
  return { apps, late, edges, egressApps, manifests, traffic: TrafficEvaluator.fromManifests(manifests) };
}

const c = DEFAULTS.traffic.ingressController;
const CONTROLLER: TrafficPeer = { namespace: c.namespace, labels: { ...c.podLabels } };
const STRANGER: TrafficPeer = { namespace: 'elsewhere', labels: { app: 'stranger' } };
const GATEWAY = { namespace: 'gateway', labels: { 'gateway.networking.k8s.io/gateway-name': 'public' } };
const OPS = { namespace: 'ops', labels: { app: 'toolbox' } };
const OPS_OTHER: TrafficPeer = { namespace: 'ops', labels: { app: 'other' } };
const INTERNET_HOST: TrafficPeer = { ip: '203.0.113.7' };
const DNS: TrafficPeer = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const PORT: number = DEFAULTS.webApp.port;
const ADMIN = 9000;

describe('the traffic model holds on random connection graphs', () => {
  const SEEDS = Array.from({ length: 40 }, (_x, i) => i + 1);

  test.each(SEEDS)('seed %i', (seed) => {
    const { apps, late, edges, egressApps, traffic: t } = graph(seed);
    const at = (i: number): TrafficPeer => ({ workload: `p-${apps[i].id}`, namespace: 'p' });
    const clientsOf = (j: number) => new Set(edges.filter(([, x]) => x === j).map(([cl]) => cl));
    const targetsOf = (i: number) => new Set(edges.filter(([cl]) => cl === i).map(([, x]) => x));
    const egressClientsOf = (j: number) => new Set(egressApps.filter(([, x]) => x === j).map(([cl]) => cl));
    const egressTargetsOf = (i: number) => new Set(egressApps.filter(([cl]) => cl === i).map(([, x]) => x));
    const why = (what: string) => `seed ${seed}: ${what} (apps ${JSON.stringify(apps)}, late ${JSON.stringify(late)}, edges ${JSON.stringify(edges)}, egressApps ${JSON.stringify(egressApps)})`;
    const ingress = (from: TrafficPeer, j: number, port = PORT) => t.check({ from, to: at(j), port }).ingress.allowed;
    const egress = (i: number, to: TrafficPeer, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => t.check({ from: at(i), to, port, protocol }).egress.allowed;

    apps.forEach((a, j) => {
      // on every port: an explicit public, a LoadBalancer main Service; on the main port: also an exposed extra Service
      const allPorts = a.public || a.loadBalancer;
      const anySource = allPorts || a.extra === 'LoadBalancer' || a.extra === 'NodePort';
      const { route, ops } = late[j];
      const isolated = a.isolate || clientsOf(j).size > 0 || ops !== 'none';
      // 1. declaring clients never removes what the app's own exposure admits
      if (a.ingress) expect([why(`${a.id} admits its ingress controller`), ingress(CONTROLLER, j)]).toEqual([why(`${a.id} admits its ingress controller`), true]);
      if (route) expect([why(`${a.id} admits its Gateway`), ingress(GATEWAY, j)]).toEqual([why(`${a.id} admits its Gateway`), true]);
      if (ops !== 'none') expect([why(`${a.id} admits the ops pods`), ingress(OPS, j)]).toEqual([why(`${a.id} admits the ops pods`), true]);
      if (anySource) {
        for (const src of [INTERNET_HOST, STRANGER]) expect([why(`${a.id} admits any source`), ingress(src, j)]).toEqual([why(`${a.id} admits any source`), true]);
      }
      // 2. an isolated app admits exactly its clients (and the apps whose egress names it) and its entry, on its declared port
      if (isolated) {
        apps.forEach((_b, i) => {
          if (i === j) return;
          const expected = clientsOf(j).has(i) || egressClientsOf(j).has(i) || anySource;
          expect([why(`${apps[i].id} -> ${a.id}`), ingress(at(i), j)]).toEqual([why(`${apps[i].id} -> ${a.id}`), expected]);
          expect([why(`${apps[i].id} -> ${a.id} on another port`), ingress(at(i), j, 9999)]).toEqual([why(`${apps[i].id} -> ${a.id} on another port`), false]);
        });
        expect([why(`stranger -> ${a.id}`), ingress(STRANGER, j)]).toEqual([why(`stranger -> ${a.id}`), anySource]);
        expect([why(`internet -> ${a.id}`), ingress(INTERNET_HOST, j)]).toEqual([why(`internet -> ${a.id}`), anySource]);
        // a route admits its Gateway's pods, never the ingress controller (ingress-nginx serves no routes)
        expect([why(`controller -> ${a.id}`), ingress(CONTROLLER, j)]).toEqual([why(`controller -> ${a.id}`), a.ingress || anySource]);
        expect([why(`gateway -> ${a.id}`), ingress(GATEWAY, j)]).toEqual([why(`gateway -> ${a.id}`), route || anySource]);
        // allowFrom({ namespace, podLabels }): those pods, on the ports asked for, and no other pod of the namespace
        expect([why(`ops -> ${a.id}`), ingress(OPS, j)]).toEqual([why(`ops -> ${a.id}`), ops !== 'none' || anySource]);
        expect([why(`ops -> ${a.id} admin`), ingress(OPS, j, ADMIN)]).toEqual([why(`ops -> ${a.id} admin`), ops === 'all' || allPorts]);
        expect([why(`other ops pod -> ${a.id}`), ingress(OPS_OTHER, j)]).toEqual([why(`other ops pod -> ${a.id}`), anySource]);
        // the admin port is on no extra Service and no client's target: only an app-wide exposure opens it
        expect([why(`stranger -> ${a.id} admin`), ingress(STRANGER, j, ADMIN)]).toEqual([why(`stranger -> ${a.id} admin`), allPorts]);
      } else {
        expect([why(`${a.id} is open`), ingress(STRANGER, j)]).toEqual([why(`${a.id} is open`), true]);
      }
    });

    apps.forEach((a, i) => {
      const restricted = targetsOf(i).size > 0 || egressTargetsOf(i).size > 0 || a.internet || a.cidr;
      // 3. a client's egress is exactly its targets, DNS and its allowances
      const cases: Array<[string, TrafficPeer, number, boolean]> = [
        ...apps.flatMap((_b, j): Array<[string, TrafficPeer, number, boolean]> => (j === i ? [] : [[`${a.id} -> ${apps[j].id}`, at(j), PORT, targetsOf(i).has(j) || egressTargetsOf(i).has(j)]])),
        ['the internet on 443', { ip: '93.184.216.34' }, 443, a.internet],
        ['the internet on 80', { ip: '93.184.216.34' }, 80, false],
        ['a private address', { ip: '10.0.0.5' }, 443, false],
        ['the metadata endpoint', { ip: '169.254.169.254' }, 443, false],
        ['the mail relay range', { ip: '198.51.100.25' }, 25, a.cidr],
        ['a stranger', STRANGER, PORT, false],
      ];
      for (const [what, to, port, expected] of cases) {
        expect([why(`egress ${what}`), egress(i, to, port)]).toEqual([why(`egress ${what}`), restricted ? expected : true]);
      }
      expect([why(`${a.id} resolves names`), egress(i, DNS, 53, 'UDP')]).toEqual([why(`${a.id} resolves names`), true]);
    });

    // 4. declared connections work end to end
    for (const [cl, tg] of [...edges, ...egressApps]) expect([why(`connection ${cl} -> ${tg}`), t.allows({ from: at(cl), to: at(tg), port: PORT })]).toEqual([why(`connection ${cl} -> ${tg}`), true]);
  });
});

describe('a port change cuts no traffic on random connection graphs', () => {
  // The policies are applied before the pods roll (apply order, Argo CD wave 0): until the last old
  // pod is gone, the old pods (and the Services sending to them) run under the new policies.
  test.each(Array.from({ length: 20 }, (_x, i) => i + 1))('seed %i', (seed) => {
    const before = graph(seed);
    const after = graph(seed, { http: 9090, admin: 9100 });
    const window = TrafficEvaluator.fromManifests([
      ...before.manifests.filter((o) => o.kind !== 'NetworkPolicy'),
      ...after.manifests.filter((o) => o.kind === 'NetworkPolicy'),
    ]);
    const at = (i: number): TrafficPeer => ({ workload: `p-${before.apps[i].id}`, namespace: 'p' });
    const sources: Array<[string, TrafficPeer]> = [
      ...before.apps.map((a, i): [string, TrafficPeer] => [a.id, at(i)]),
      ['controller', CONTROLLER], ['gateway', { namespace: GATEWAY.namespace, labels: GATEWAY.labels }], ['ops', OPS], ['stranger', STRANGER], ['internet', INTERNET_HOST],
    ];
    before.apps.forEach((b, j) => {
      for (const [id, from] of sources) {
        if (id === b.id) continue;
        for (const port of ['http', 'admin']) {
          const what = `seed ${seed}: ${id} -> ${b.id} on '${port}' while ${b.id} rolls`;
          const was = before.traffic.check({ from, to: at(j), port });
          const during = window.check({ from, to: at(j), port });
          expect([what, during.allowed, during.explanation]).toEqual([what, was.allowed, expect.any(String)]);
        }
      }
    });
  });
});
