import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { Environments } from '../../src/app/environments';
import { changesSincePrevious } from '../../src/app/immutable';
import { OUTPUT_MARKER } from '../../src/app/publish';
import { StatefulStore, StatefulStoreProps } from '../../src/constructs/stateful-store';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { stringifyDocs } from '../../src/synth/yaml';

const IMAGE = 'ghcr.io/acme/kv:2.1.0';
let tmp: string;
let outdir: string;
let stderr: jest.SpyInstance;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-immutable-'));
  outdir = path.join(tmp, 'dist');
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  stderr.mockRestore();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Platform {
  readonly storeId?: string;
  readonly store?: Partial<StatefulStoreProps>;
  readonly webId?: string;
  readonly web?: Partial<WebAppProps>;
}

function build(app: App, p: Platform = {}): void {
  const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
  new StatefulStore(chart, p.storeId ?? 'kv', { image: IMAGE, port: 7000, ...p.store });
  new WebApp(chart, p.webId ?? 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080, ...p.web });
}

/** Synthesizes the platform into `outdir` and returns the warnings about the previous output. */
function synth(p: Platform = {}): string[] {
  const app = new App({ outdir });
  build(app, p);
  stderr.mockClear();
  app.synth();
  return warnings();
}

function warnings(): string[] {
  return stderr.mock.calls.map((c) => String(c[0])).filter((l) => /\((immutable-field|orphaned-claims)\)\n$/.test(l));
}

describe('changes against the previous output', () => {
  test('the first synth warns of nothing, and an unchanged one neither', () => {
    expect(synth()).toEqual([]);
    expect(synth()).toEqual([]);
  });

  test('no warning for changes the API server accepts (image, replicas, env)', () => {
    synth();
    expect(synth({
      store: { image: 'ghcr.io/acme/kv:2.2.0', replicas: 3 },
      web: { image: 'ghcr.io/acme/api:1.1.0', replicas: 4, env: { MODE: 'fast' } },
    })).toEqual([]);
  });

  test('a larger volume: the StatefulSet update is refused; the fix is "Growing a volume"', () => {
    synth({ store: { storage: [{ mountPath: '/data', size: '2Gi' }] } });
    const [w, ...rest] = synth({ store: { storage: [{ mountPath: '/data', size: '40Gi' }] } });
    expect(rest).toEqual([]);
    expect(w).toMatch(/^warning: \[shop\/kv\/Resource\] StatefulSet shop\/shop-kv 'spec\.volumeClaimTemplates\[data\]\.spec\.resources\.requests\.storage' changes from '2Gi' to '40Gi' since the previous output in .*dist, which the API server refuses \(a StatefulSet's spec may change only in replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds\)/);
    expect(w).toContain("Fix: follow 'Growing a volume' in timonel's docs/stateful-store.md: grow each claim (kubectl -n shop patch pvc data-shop-kv-0");
    expect(w).toContain('kubectl -n shop delete statefulset shop-kv --cascade=orphan');
    expect(w).toMatch(/ \(immutable-field\)\n$/);
  });

  test('the same size written another way is no change', () => {
    synth({ store: { storage: [{ mountPath: '/data', size: '1Gi' }] } });
    expect(synth({ store: { storage: [{ mountPath: '/data', size: '1024Mi' }] } })).toEqual([]);
  });

  test('a storage class change: the claims keep their class; the fix is a new store and a copy', () => {
    synth({ store: { storage: [{ mountPath: '/data', storageClassName: 'fast-ssd' }] } });
    const [w, ...rest] = synth({ store: { storage: [{ mountPath: '/data', storageClassName: 'standard' }] } });
    expect(rest).toEqual([]);
    expect(w).toContain("StatefulSet shop/shop-kv 'spec.volumeClaimTemplates[data].spec.storageClassName' changes from 'fast-ssd' to 'standard'");
    expect(w).toContain("the claims data-shop-kv-<ordinal> keep their storage class whatever the template says: move the data to a new store with the new class and copy it over, as timonel's docs/stateful-store.md describes in 'Changing the storage class'");
  });

  test('a class given where there was none is a change too (the template had no class)', () => {
    synth();
    expect(synth({ store: { storage: [{ mountPath: '/data', storageClassName: 'standard' }] } })).toEqual([
      expect.stringContaining("'spec.volumeClaimTemplates[data].spec.storageClassName' changes from unset to 'standard'"),
    ]);
  });

  test("a Deployment's id renamed with its name kept: the selector changes", () => {
    synth();
    const found = synth({ webId: 'backend', web: { name: 'shop-api' } });
    expect(found).toEqual([expect.stringContaining(`[shop/backend/Resource] Deployment shop/shop-api 'spec.selector.matchLabels["app.kubernetes.io/name"]' changes from 'api' to 'backend'`)]);
    expect(found[0]).toContain("which the API server refuses (the spec.selector of an apps/v1 Deployment is immutable)");
    expect(found[0]).toContain('Fix: keep the construct id: the selector labels (app.kubernetes.io/name and instance) come from it');
    expect(found[0]).toContain('delete the Deployment (kubectl -n shop delete deployment shop-api) and apply again');
  });

  test("a StatefulStore's id renamed with its name kept: the selector and the claim labels change", () => {
    synth();
    const found = synth({ storeId: 'keyvalue', store: { name: 'shop-kv' } });
    expect(found.map((w) => /StatefulSet shop\/shop-kv '([^']+)' changes from 'kv' to 'keyvalue'/.exec(w)?.[1])).toEqual([
      'spec.selector.matchLabels["app.kubernetes.io/name"]',
      'spec.volumeClaimTemplates[data].metadata.labels["app.kubernetes.io/name"]',
    ]);
    expect(found[0]).toContain('delete the StatefulSet (kubectl -n shop delete statefulset shop-kv: its pods stop, its claims stay) and apply again');
    expect(found[1]).toContain('the claim labels are its selector labels');
  });

  test("a StatefulStore's id renamed: its claims stay behind and the new one starts empty", () => {
    synth();
    const found = synth({ storeId: 'keyvalue' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^warning: \[shop\/keyvalue\/Resource\] StatefulSet shop\/shop-kv is no longer in the output/);
    expect(found[0]).toContain('its claims data-shop-kv-0 stay behind with the data, and nothing uses them');
    expect(found[0]).toContain('StatefulSet shop/shop-keyvalue is new with the same claim templates: if it is this store renamed, it starts on new, empty claims (data-shop-keyvalue-0), not on the data');
    expect(found[0]).toMatch(/Fix: if its construct id \(or 'name'\) was renamed, keep the old one/);
    expect(found[0]).toMatch(/ \(orphaned-claims\)\n$/);
  });

  test('a StatefulStore removed: its claims (all ordinals) are named', () => {
    synth({ store: { replicas: 3 } });
    const app = new App({ outdir });
    new WebApp(new TimonelChart(app, 'shop', { namespace: 'shop' }), 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
    stderr.mockClear();
    app.synth();
    const found = warnings();
    expect(found).toEqual([expect.stringContaining('its claims data-shop-kv-0 … data-shop-kv-2 stay behind with the data')]);
    expect(found[0]).toMatch(/^warning: \[.*dist\/shop\.k8s\.yaml\] StatefulSet shop\/shop-kv/);
    expect(found[0]).not.toContain('is new with the same claim templates');
  });

  test('serviceName and podManagementPolicy: delete the StatefulSet but not its pods', () => {
    synth();
    const found = synth({ store: { podManagementPolicy: 'Parallel' } });
    expect(found).toEqual([expect.stringContaining("StatefulSet shop/shop-kv 'spec.podManagementPolicy' changes from 'OrderedReady' to 'Parallel'")]);
    expect(found[0]).toContain('kubectl -n shop delete statefulset shop-kv --cascade=orphan');
  });

  test('each environment is compared with its own folder', () => {
    const envs = (size: string) => new Environments({
      outdir, defaults: { size: '1Gi' }, environments: { dev: {}, prod: { values: { size } } },
      build: (app, env) => build(app, { store: { storage: [{ mountPath: '/data', size: env.values.size }] } }),
    });
    envs('1Gi').synth();
    stderr.mockClear();
    envs('5Gi').synth();
    expect(warnings()).toEqual([expect.stringMatching(/^warning: prod: \[shop\/kv\/Resource\] StatefulSet shop\/shop-kv .* changes from '1Gi' to '5Gi' since the previous output in .*dist\/prod,/)]);
  });

  test('reads nothing without a marker, and no file the marker lists outside the folder', () => {
    fs.mkdirSync(outdir);
    const manifest = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { serviceName: 'b' } };
    fs.writeFileSync(path.join(outdir, 'a.k8s.yaml'), 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: x\nspec:\n  serviceName: a\n');
    expect(changesSincePrevious(outdir, [{ manifest }])).toEqual([]);
    fs.writeFileSync(path.join(tmp, 'outside.yaml'), 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: x\nspec:\n  serviceName: a\n');
    fs.writeFileSync(path.join(outdir, OUTPUT_MARKER), '../outside.yaml\n');
    expect(changesSincePrevious(outdir, [{ manifest }])).toEqual([]);
    fs.writeFileSync(path.join(outdir, OUTPUT_MARKER), 'a.k8s.yaml\n');
    expect(changesSincePrevious(outdir, [{ manifest }]).map((f) => f.field)).toEqual(['spec.serviceName']);
  });
});

describe('the rules of other kinds (Kubernetes 1.28)', () => {
  const cases: Array<[string, any, any, string[]]> = [
    ['Service clusterIP set', svc({}), svc({ clusterIP: 'None' }), ['spec.clusterIP']],
    ['Service headless made plain: it stays headless', svc({ clusterIP: 'None' }), svc({}), ['spec.clusterIP']],
    ['Service ports', svc({}), svc({ ports: [{ port: 81 }] }), []],
    ['Service primary IP family', svc({ ipFamilies: ['IPv4'] }), svc({ ipFamilies: ['IPv6', 'IPv4'] }), ['spec.ipFamilies[0]']],
    ['Job template', job({}), job({ image: 'b' }), ['spec.template.spec.containers[0].image']],
    ['Job as an Argo CD hook', job({ hook: true }), job({ hook: true, image: 'b' }), []],
    ['PVC grows', pvc('1Gi'), pvc('2Gi'), []],
    ['PVC shrinks', pvc('2Gi'), pvc('1Gi'), ['spec.resources.requests.storage']],
    ['PVC class', pvc('1Gi'), pvc('1Gi', 'fast'), ['spec.storageClassName']],
    ['RoleBinding roleRef', rb('a'), rb('b'), ['roleRef.name']],
    ['immutable ConfigMap data', cm(true, 'a'), cm(true, 'b'), ['data.k']],
    ['mutable ConfigMap data', cm(false, 'a'), cm(false, 'b'), []],
    ['DaemonSet selector', ds('a'), ds('b'), ['spec.selector.matchLabels.app']],
  ];
  test.each(cases)('%s', (_name, before, after, fields) => {
    publishOne(before);
    expect(changesSincePrevious(outdir, [{ manifest: JSON.parse(JSON.stringify(after)) }]).map((f) => f.field)).toEqual(fields);
  });

  test('a CronJob may change anything', () => {
    const cron = (image: string) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'm', image }] } } } } } });
    publishOne(cron('a'));
    expect(changesSincePrevious(outdir, [{ manifest: cron('b') }])).toEqual([]);
  });
});

/** A previous output as a synth writes it: the YAML, listed in the marker. */
function publishOne(manifest: any): void {
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'x.k8s.yaml'), stringifyDocs([JSON.parse(JSON.stringify(manifest))]));
  fs.writeFileSync(path.join(outdir, OUTPUT_MARKER), 'x.k8s.yaml\n');
}

function svc(spec: any): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' }, spec: { ports: [{ port: 80 }], ...spec } };
}

function job(o: { image?: string; hook?: boolean }): any {
  const annotations = o.hook ? { 'argocd.argoproj.io/hook': 'PreSync' } : undefined;
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', annotations }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: o.image ?? 'a' }] } } } };
}

function pvc(size: string, storageClassName?: string): any {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName } };
}

function rb(role: string): any {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role }, subjects: [] };
}

function cm(immutable: boolean, value: string): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable, data: { k: value } };
}

function ds(app: string): any {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [] } } } };
}
