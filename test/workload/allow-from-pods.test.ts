import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { Worker } from '../../src/constructs/worker';
import { DEFAULTS } from '../../src/core/defaults';
import { all, newChart, one, podSpec, synth, thrown } from '../support/util';
import '../../src/testing/jest';

const IMAGE = 'ghcr.io/acme/admin:2.1.0';
const OPS = { namespace: 'ops', labels: {} };
const OPS_TOOLBOX = { namespace: 'ops', labels: { 'app.kubernetes.io/name': 'toolbox' } };

function admin(props: Partial<WebAppProps> = {}) {
  const chart = newChart('internal', { namespace: 'internal' });
  const app = new WebApp(chart, 'admin', { image: IMAGE, extraPorts: [{ name: 'debug', port: 9000 }], ...props });
  return { chart, app };
}

describe('allowFrom({ namespace, podLabels? }): pods that are not a timonel workload', () => {
  test('every pod of the namespace reaches every port of the app, and nothing else does', () => {
    const { chart, app } = admin();
    const allowance = app.allowFrom({ namespace: 'ops' });
    expect(chart).toAllowTraffic(OPS, app, 8080);
    expect(chart).toAllowTraffic(OPS_TOOLBOX, app, 9000);
    expect(chart).not.toAllowTraffic({ namespace: 'internal', labels: {} }, app, 8080);
    expect(chart).not.toAllowTraffic({ namespace: 'default', labels: {} }, app, 8080);
    expect(allowance.ingressPolicy).toBe(app.networkPolicy);
    expect(allowance.ports.map((p) => [p.protocol, p.port?.value])).toEqual([['TCP', 'http'], ['TCP', 8080], ['TCP', 'debug'], ['TCP', 9000]]);
    const policy = one(synth(chart), 'NetworkPolicy', 'internal-admin');
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }],
      ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 'debug' }, { protocol: 'TCP', port: 9000 }],
    }]);
  });

  test('podLabels narrows it to those pods; empty podLabels is every pod', () => {
    const { chart, app } = admin();
    app.allowFrom({ namespace: 'ops', podLabels: { 'app.kubernetes.io/name': 'toolbox' } });
    expect(chart).toAllowTraffic(OPS_TOOLBOX, app, 8080);
    expect(chart).not.toAllowTraffic(OPS, app, 8080);
    const other = admin();
    other.app.allowFrom({ namespace: 'ops', podLabels: {} });
    expect(other.chart).toAllowTraffic(OPS, other.app, 8080);
  });

  test('ports picks the app\'s ports by name or number (Service ports too)', () => {
    const { chart, app } = admin({ service: { port: 80 } });
    app.allowFrom({ namespace: 'ops' }, { ports: ['http'] });
    expect(chart).toAllowTraffic(OPS, app, 8080);
    expect(chart).not.toAllowTraffic(OPS, app, 9000);
    const other = admin();
    other.app.allowFrom({ namespace: 'ops' }, { ports: [9000, 80] });
    expect(other.chart).toAllowTraffic(OPS, other.app, 9000);
    expect(other.chart).toAllowTraffic(OPS, other.app, 8080);
  });

  test('no env, no egress policy, no ordering: the pods are not ours', () => {
    const { chart, app } = admin();
    const before = podSpec(one(synth(chart), 'Deployment')).containers[0].env;
    app.allowFrom({ namespace: 'ops' });
    const objs = synth(chart);
    expect(podSpec(one(objs, 'Deployment')).containers[0].env).toEqual(before);
    expect(all(objs, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['internal-admin']);
    expect(app.node.dependencies).toEqual([]);
  });

  test('the app\'s own entry and its workload clients stay admitted', () => {
    const { chart, app } = admin({ ingress: { host: 'admin.example.com' } });
    const api = new WebApp(chart, 'api', { image: IMAGE });
    api.connectTo(app);
    app.allowFrom({ namespace: 'ops' });
    const nginx = { namespace: DEFAULTS.traffic.ingressController.namespace, labels: DEFAULTS.traffic.ingressController.podLabels };
    expect(chart).toAllowTraffic(nginx, app, 8080);
    expect(chart).toAllowTraffic(api, app, 8080);
    expect(chart).toAllowTraffic(OPS, app, 9000);
    expect(chart).not.toAllowTraffic(api, app, 9000);
  });

  test('a store admits them on its port (PostgreSQL)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db-admin') });
    db.allowFrom({ namespace: 'backups', podLabels: { app: 'pgbackrest' } });
    expect(chart).toAllowTraffic({ namespace: 'backups', labels: { app: 'pgbackrest' } }, db, 5432);
    expect(chart).not.toAllowTraffic({ namespace: 'backups', labels: {} }, db, 5432);
  });

  test('App.synth writes it with the app (validations pass)', () => {
    const app = new App({ outdir: 'dist-never-written' });
    const chart = new TimonelChart(app, 'internal', { namespace: 'internal' });
    new WebApp(chart, 'admin', { image: IMAGE }).allowFrom({ namespace: 'ops' });
    expect(() => app.render({ policies: true })).not.toThrow();
  });

  test.each([
    ['a field is misspelled', (a: WebApp) => a.allowFrom({ namespace: 'ops', podLabel: { app: 'x' } } as any), 'allowFrom.podLabel', /is not a known field of a pods reference.*did you mean 'podLabels'\?/],
    ['the namespace is misspelled', (a: WebApp) => a.allowFrom({ namespce: 'ops' } as any), 'allowFrom.namespce', /did you mean 'namespace'\?/],
    ['the namespace is not a namespace name', (a: WebApp) => a.allowFrom({ namespace: 'Ops' }), 'allowFrom.namespace', /is not a valid DNS-1123 label.*Fix: write 'ops'/],
    ['a label value is invalid', (a: WebApp) => a.allowFrom({ namespace: 'ops', podLabels: { app: 'tool box' } }), 'allowFrom.podLabels.app', /is not a valid label value/],
    ['ports are given in the reference', (a: WebApp) => a.allowFrom({ namespace: 'ops', ports: [8080] } as any), 'allowFrom.ports', /the ports are an option.*allowFrom\(\{ namespace: 'ops' \}, \{ ports: \['http'\] \}\)/],
    ['a workload option is given', (a: WebApp) => a.allowFrom({ namespace: 'ops' }, { dns: 'any' } as any), 'allowFrom.dns', /writes no egress policy/],
    ['a port is not the app\'s', (a: WebApp) => a.allowFrom({ namespace: 'ops' }, { ports: ['admin'] }), 'allowFrom.ports[0]', /is not a port of the app, got 'admin'/],
    ['the same pods are admitted twice', (a: WebApp) => { a.allowFrom({ namespace: 'ops' }); a.allowFrom({ namespace: 'ops', podLabels: {} }); }, 'allowFrom', /admits the same pods of namespace 'ops' twice/],
    ['a namespace is given as a string', (a: WebApp) => a.allowFrom('ops' as any), 'allowFrom', /for every pod of a namespace, admin\.allowFrom\(\{ namespace: 'ops' \}\)/],
  ])('fails when %s', (_what, f, prop, message) => {
    const e = thrown(() => f(admin().app));
    expect(e.prop).toBe(prop);
    expect(e.message).toMatch(message);
  });

  test('fails when the workload serves no port (a Worker)', () => {
    const worker = new Worker(newChart('jobs', { namespace: 'jobs' }), 'sync', { image: IMAGE });
    expect(thrown(() => worker.allowFrom({ namespace: 'ops' })).message).toMatch(/'allowFrom' needs a workload that serves a port/);
  });
});
