import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { k8s } from 'cdk8s-plus-28';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { APPLYSET_PART_OF, applySetId } from '../../src/app/applyset';
import { ARGOCD_HOOK, ARGOCD_HOOK_DELETE_POLICY, ARGOCD_SYNC_WAVE, startupBudget } from '../../src/app/delivery';
import { BatchJob } from '../../src/constructs/batch-job';
import { Migration } from '../../src/constructs/migration';
import { Environments } from '../../src/app/environments';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { Redis } from '../../src/constructs/presets/redis';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { EnvValue } from '../../src/core/env';
import { EgressTarget } from '../../src/workload/network';
import { ExternalSecret } from '../../src/constructs/external-secret';
import { runPolicies } from '../../src/policies/engine';
import { synth, thrown } from '../support/util';
import { platform } from '../../src/examples/platform';
import { crdErrors } from '../support/crd-schema';

const ENV = ['CDK8S_OUTDIR', 'CDK8S_RECORD_CONSTRUCT_METADATA', 'TIMONEL_OUTDIR', 'TIMONEL_ENV'];
let tmp: string;
let savedEnv: Record<string, string | undefined>;
let stderr: jest.SpyInstance;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-delivery-'));
  savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  stderr.mockRestore();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Two charts: `data` (a database) and `shop` (an api connected to it and a web app connected to the api); with a migration of the api. */
function build(app: App, migration?: 'sync-wave' | 'pre-sync'): void {
  const data = new TimonelChart(app, 'data', { namespace: 'shop' });
  const db = new PostgreSQL(data, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
  const shop = new TimonelChart(app, 'shop', { namespace: 'shop', createNamespace: false });
  const api = new WebApp(shop, 'api', { image: 'ghcr.io/acme/api:1.0.0', healthPath: '/healthz' });
  const web = new WebApp(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0', healthPath: '/healthz' });
  api.connectTo(db);
  web.connectTo(api);
  if (migration) new Migration(shop, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', connectTo: [db], before: [api], argocd: migration });
}

function envs(tool: 'argocd' | 'flux' | 'kubectl', migration?: 'sync-wave' | 'pre-sync'): Environments<{ n: number }> {
  return new Environments<{ n: number }>({
    defaults: { n: 1 },
    environments: { dev: {}, prod: {} },
    build: (app) => build(app, migration),
    outdir: path.join(tmp, 'dist'),
    delivery: { tool, repository: { url: 'https://github.com/acme/platform.git', path: 'deploy' } },
  });
}

function docsOf(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`));
    else if (e.name !== '.timonel') out.push(e.name);
  }
  return out.sort();
}

const hasKubectl = (): boolean => spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe('delivery: Argo CD', () => {
  test('a chart\'s waves start after the charts it depends on; unrelated charts start at 0, side by side', () => {
    const app = new App({ delivery: 'argocd' });
    build(app);
    new WebApp(new TimonelChart(app, 'hello', { namespace: 'hello' }), 'web', { image: 'nginx:1.27.2' });
    const byChart = app.render().map((f) => ({ file: f.fileName, waves: f.docs.map((d) => Number(d.metadata.annotations[ARGOCD_SYNC_WAVE])) }));
    const first = (file: RegExp) => Math.min(...byChart.find((c) => file.test(c.file))!.waves);
    const last = (file: RegExp) => Math.max(...byChart.find((c) => file.test(c.file))!.waves);
    expect(first(/data/)).toBe(0);
    expect(first(/shop/)).toBe(last(/data/) + 1); // shop's api connects to data's db
    expect(first(/hello/)).toBe(0); // depends on nothing: a stuck shop wave does not hold it back
  });

  test('every object gets a sync wave in apply order: stores, then the apps that connect to them, then the rest', () => {
    const app = envs('argocd').app('dev');
    const docs = app.render().flatMap((f) => f.docs);
    const wave = (kind: string, name: string): number => Number(docs.find((d) => d.kind === kind && d.metadata.name === name).metadata.annotations[ARGOCD_SYNC_WAVE]);
    expect(docs.every((d) => /^\d+$/.test(d.metadata.annotations?.[ARGOCD_SYNC_WAVE]))).toBe(true);
    expect(wave('Namespace', 'shop')).toBe(0);
    expect(wave('StatefulSet', 'data-db')).toBeGreaterThan(wave('Service', 'data-db'));
    expect(wave('Deployment', 'shop-api')).toBeGreaterThan(wave('StatefulSet', 'data-db'));
    // Same kind, but web connects to api: a wave of its own.
    expect(wave('Deployment', 'shop-web')).toBeGreaterThan(wave('Deployment', 'shop-api'));
    // NetworkPolicies come with what the workloads need: a client's rules exist before it starts.
    expect(wave('NetworkPolicy', 'shop-web-to-shop-api')).toBeLessThan(wave('Deployment', 'shop-api'));
    expect(wave('NetworkPolicy', 'shop-api-from-shop-web')).toBe(wave('ServiceAccount', 'shop-web'));
    // Waves never go down along the apply order.
    const waves = docs.map((d) => Number(d.metadata.annotations[ARGOCD_SYNC_WAVE]));
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
  });

  test('waves follow the dependencies, not the order of the code: an app that connects to nothing does not wait for unrelated ones', () => {
    const waves = (adFirst: boolean): Record<string, number> => {
      const app = new App({ delivery: 'argocd' });
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      if (adFirst) new WebApp(chart, 'ad', { image: 'ghcr.io/acme/ad:1.0.0', isolate: true });
      const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', isolate: true });
      new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', isolate: true }).connectTo(api);
      if (!adFirst) new WebApp(chart, 'ad', { image: 'ghcr.io/acme/ad:1.0.0', isolate: true });
      const docs = app.render().flatMap((f) => f.docs).filter((d) => d.kind === 'Deployment');
      return Object.fromEntries(docs.map((d) => [d.metadata.name, Number(d.metadata.annotations[ARGOCD_SYNC_WAVE])]));
    };
    expect(waves(false)).toEqual({ 'shop-ad': 1, 'shop-api': 1, 'shop-web': 2 });
    expect(waves(true)).toEqual(waves(false));
  });

  test('a workload waits for the longest path of its dependencies; a store nothing connects to shares the first workload wave', () => {
    const app = new App({ delivery: 'argocd' });
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const cache = new PostgreSQL(chart, 'cache', { credentials: StoreCredentials.fromSecret('cache'), database: 'c' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db'), database: 'shop' });
    const front = new WebApp(chart, 'front', { image: 'ghcr.io/acme/front:1.0.0' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    api.connectTo(db);
    web.connectTo(api);
    front.connectTo(web);
    front.connectTo(db); // a shortcut does not shorten the path through web
    void cache;
    const docs = app.render().flatMap((f) => f.docs);
    const wave = (kind: string, name: string): number => Number(docs.find((d) => d.kind === kind && d.metadata.name === name).metadata.annotations[ARGOCD_SYNC_WAVE]);
    expect([wave('StatefulSet', 'shop-cache'), wave('StatefulSet', 'shop-db'), wave('Deployment', 'shop-api'), wave('Deployment', 'shop-web'), wave('Deployment', 'shop-front')])
      .toEqual([1, 1, 2, 3, 4]);
    expect(wave('Service', 'shop-front')).toBe(0);
    expect(wave('PodDisruptionBudget', 'shop-front')).toBe(5);
  });

  test('kubectl output has no sync waves', () => {
    const docs = envs('kubectl').app('dev').render().flatMap((f) => f.docs);
    expect(docs.some((d) => d.metadata.annotations?.[ARGOCD_SYNC_WAVE] !== undefined)).toBe(false);
  });

  test('an app of apps per environment in delivery/<env>/, pointing at <path>/<env>, valid against the Application CRD', () => {
    envs('argocd').synth();
    const dist = path.join(tmp, 'dist');
    expect(files(path.join(dist, 'delivery'))).toEqual(['dev/apps/applications.yaml', 'dev/root.yaml', 'prod/apps/applications.yaml', 'prod/root.yaml']);
    const [root] = docsOf(path.join(dist, 'delivery', 'prod', 'root.yaml'));
    expect(root.spec.source).toEqual({ repoURL: 'https://github.com/acme/platform.git', targetRevision: 'main', path: 'deploy/delivery/prod/apps' });
    const [child] = docsOf(path.join(dist, 'delivery', 'prod', 'apps', 'applications.yaml'));
    expect(child.metadata).toMatchObject({ name: 'platform-prod', namespace: 'argocd' });
    expect(child.spec.source.path).toBe('deploy/prod');
    expect(child.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    for (const app of [root, child]) expect(crdErrors(app)).toEqual([]);
  });

  test("with clusters, only the environment's Application targets the environment's cluster; the root stays in Argo CD's own cluster (trial AB1)", () => {
    new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { dev: {}, prod: {} }, build: (app) => build(app), outdir: path.join(tmp, 'dist'),
      delivery: { tool: 'argocd', namespace: 'gitops', repository: { url: 'https://github.com/acme/platform.git', path: 'deploy' }, clusters: { prod: 'https://prod.example.com' } },
    }).synth();
    const destination = (env: string, file: string): any => docsOf(path.join(tmp, 'dist', 'delivery', env, file))[0].spec.destination;
    // The root creates the Applications where Argo CD watches them: its own cluster, its namespace.
    expect(destination('prod', 'root.yaml')).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'gitops' });
    expect(destination('prod', 'apps/applications.yaml')).toEqual({ server: 'https://prod.example.com' });
    expect(destination('dev', 'root.yaml')).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'gitops' });
    expect(destination('dev', 'apps/applications.yaml')).toEqual({ server: 'https://kubernetes.default.svc' });
  });

  test('the CRD check can fail: a wrong field type is reported', () => {
    const [root] = (() => {
      envs('argocd').synth();
      return docsOf(path.join(tmp, 'dist', 'delivery', 'dev', 'root.yaml'));
    })();
    root.spec.syncPolicy.automated.prune = 'yes';
    expect(crdErrors(root)).toEqual(['/spec/syncPolicy/automated/prune must be boolean']);
  });
});

describe('delivery: Flux', () => {
  test('one folder per chart with its kustomization; the environment kustomization lists the folders', () => {
    envs('flux').synth();
    const dev = path.join(tmp, 'dist', 'dev');
    expect(files(dev)).toEqual(['0000-data/0000-data.k8s.yaml', '0000-data/kustomization.yaml', '0001-shop/0001-shop.k8s.yaml', '0001-shop/kustomization.yaml', 'kustomization.yaml']);
    expect(fs.readFileSync(path.join(dev, 'kustomization.yaml'), 'utf8')).toContain('resources:\n  - 0000-data\n  - 0001-shop\n');
  });

  test('one Flux Kustomization per chart, with dependsOn from the connections, valid against the Kustomization CRD', () => {
    envs('flux').synth();
    const ks = docsOf(path.join(tmp, 'dist', 'delivery', 'dev', 'kustomizations.yaml'));
    expect(ks.map((k) => [k.metadata.name, k.spec.path, k.spec.dependsOn])).toEqual([
      ['platform-dev-data', './deploy/dev/0000-data', undefined],
      ['platform-dev-shop', './deploy/dev/0001-shop', [{ name: 'platform-dev-data' }]],
    ]);
    expect(ks[0].spec).toMatchObject({ prune: true, wait: true, interval: '10m', sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
    for (const k of ks) expect(crdErrors(k)).toEqual([]);
  });

  test('kubectl kustomize accepts the Flux layout (skipped without kubectl)', () => {
    if (!hasKubectl()) {
      console.warn('kubectl is not installed: skipping the kustomize check');
      return;
    }
    envs('flux').synth();
    const out = execFileSync('kubectl', ['kustomize', path.join(tmp, 'dist', 'dev')], { encoding: 'utf8' });
    const kinds = out.split('\n').filter((l) => l.startsWith('kind: ')).map((l) => l.slice(6));
    expect(kinds[0]).toBe('Namespace');
    expect(kinds.indexOf('StatefulSet')).toBeLessThan(kinds.indexOf('Deployment'));
  });
});

describe('delivery objects take every default from DEFAULTS', () => {
  // DEFAULTS is frozen: a copy with other values stands in for it, in a module registry of its own.
  const OTHER = {
    managedBy: 'acme-platform',
    delivery: {
      folder: 'deliver', name: 'plat',
      argocd: { namespace: 'argo', project: 'team', revision: 'trunk', server: 'https://hub.example.com', syncPolicy: { prune: false, selfHeal: false } },
      flux: { namespace: 'flux', sourceRef: { kind: 'OCIRepository', name: 'src' }, interval: '1m', timeout: '2m', prune: false },
    },
  };

  function deliveredWith(tool: 'argocd' | 'flux'): any[] {
    let docs: any[] = [];
    jest.isolateModules(() => {
      jest.doMock('../../src/core/defaults', () => {
        const actual = jest.requireActual('../../src/core/defaults').DEFAULTS;
        return { DEFAULTS: { ...actual, ...OTHER, delivery: OTHER.delivery } };
      });
      const { deliveryFiles } = require('../../src/app/delivery');
      const stage = { name: 'shop', folder: '', dependsOn: [], fileName: 'shop.k8s.yaml' };
      const files: Map<string, string> = deliveryFiles({ tool, repository: { url: 'https://github.com/acme/platform.git' } }, 'prod', 'dist', [stage]);
      docs = [...files.values()].flatMap((text) => parseAllDocuments(text).map((d) => d.toJS()));
    });
    jest.dontMock('../../src/core/defaults');
    return docs;
  }

  test('Argo CD Applications: labels (DEFAULTS.managedBy), name, namespace, folder, project, revision, server, syncPolicy', () => {
    const docs = deliveredWith('argocd');
    expect(docs.map((d) => [d.metadata.name, d.metadata.namespace, d.metadata.labels])).toEqual([
      ['plat-prod-root', 'argo', { 'app.kubernetes.io/part-of': 'plat', 'app.kubernetes.io/managed-by': 'acme-platform' }],
      ['plat-prod', 'argo', { 'app.kubernetes.io/part-of': 'plat', 'app.kubernetes.io/managed-by': 'acme-platform' }],
    ]);
    expect(docs[0].spec.source.path).toBe('dist/deliver/prod/apps');
    for (const d of docs) {
      expect(d.spec).toMatchObject({
        project: 'team', source: { targetRevision: 'trunk' }, destination: { server: 'https://hub.example.com' }, syncPolicy: { automated: { prune: false, selfHeal: false } },
      });
    }
  });

  test('Flux Kustomizations: labels (DEFAULTS.managedBy), name, namespace, sourceRef, interval, timeout, prune', () => {
    const [k] = deliveredWith('flux');
    expect(k.metadata).toEqual({ name: 'plat-prod-shop', namespace: 'flux', labels: { 'app.kubernetes.io/part-of': 'plat', 'app.kubernetes.io/managed-by': 'acme-platform' } });
    expect(k.spec).toMatchObject({ sourceRef: { kind: 'OCIRepository', name: 'src' }, interval: '1m', timeout: '2m', prune: false, wait: true });
  });
});

describe('migrations before rollout', () => {
  test('Argo CD: the migration Job has a wave after the database and before the API, and no hook', () => {
    const docs = envs('argocd', 'sync-wave').app('dev').render().flatMap((f) => f.docs);
    const job = docs.find((d) => d.kind === 'Job');
    const wave = (d: any): number => Number(d.metadata.annotations[ARGOCD_SYNC_WAVE]);
    const of = (kind: string, name: string): any => docs.find((d) => d.kind === kind && d.metadata.name === name);
    expect(wave(job)).toBeGreaterThan(wave(of('StatefulSet', 'data-db')));
    expect(wave(job)).toBeLessThan(wave(of('Deployment', 'shop-api')));
    expect(job.metadata.annotations[ARGOCD_HOOK]).toBeUndefined();
  });

  /** A 'pre-sync' migration of a managed database (delivered elsewhere): env from a Secret, egress to its addresses. */
  const managedDbMigration = (app: App): Migration => {
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', healthPath: '/healthz' });
    const m = new Migration(chart, 'migrate', {
      image: 'ghcr.io/acme/api:1.0.0', env: { DATABASE_URL: EnvValue.fromSecret('managed-db', 'url') }, before: [api], argocd: 'pre-sync',
    });
    m.allowEgress(EgressTarget.cidrs(['10.20.0.0/16'], { ports: [5432] }));
    return m;
  };

  test("Argo CD 'pre-sync': a PreSync hook deleted before the next run's hook is created", () => {
    const app = new App({ delivery: 'argocd' });
    managedDbMigration(app);
    const job = app.render().flatMap((f) => f.docs).find((d) => d.kind === 'Job');
    expect(job.metadata.annotations).toMatchObject({ [ARGOCD_HOOK]: 'PreSync', [ARGOCD_HOOK_DELETE_POLICY]: 'BeforeHookCreation' });
  });

  test("Argo CD 'pre-sync': the Job's ServiceAccount and its egress NetworkPolicy are PreSync hooks one wave before it", () => {
    const app = new App({ delivery: 'argocd' });
    managedDbMigration(app);
    const docs = app.render().flatMap((f) => f.docs);
    const of = (kind: string, name: string): any => {
      const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
      if (!found) throw new Error(`no ${kind} ${name}`);
      return found;
    };
    const job = docs.find((d) => d.kind === 'Job');
    const wave = Number(job.metadata.annotations[ARGOCD_SYNC_WAVE]);
    const hook = { [ARGOCD_HOOK]: 'PreSync', [ARGOCD_HOOK_DELETE_POLICY]: 'BeforeHookCreation', [ARGOCD_SYNC_WAVE]: String(wave - 1) };
    expect(of('ServiceAccount', 'shop-migrate').metadata.annotations).toEqual(hook);
    expect(of('NetworkPolicy', 'shop-migrate-egress').metadata.annotations).toEqual(hook);
    // What the rest of the app needs stays an ordinary resource.
    for (const [kind, name] of [['ServiceAccount', 'shop-api'], ['Deployment', 'shop-api'], ['Namespace', 'shop']]) {
      expect(of(kind, name).metadata.annotations[ARGOCD_HOOK]).toBeUndefined();
    }
    expect(docs.filter((d) => d.metadata.annotations[ARGOCD_HOOK]).map((d) => `${d.kind}/${d.metadata.name}`).sort())
      .toEqual([`Job/${job.metadata.name}`, 'NetworkPolicy/shop-migrate-egress', 'ServiceAccount/shop-migrate']);
  });

  test("fails when a 'pre-sync' Migration connects to a database of the same app (one Argo CD Application): the hook would run before the database exists", () => {
    // The trial's shape: the database in the same chart.
    const app = new App({ delivery: 'argocd' });
    const shop = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const db = new PostgreSQL(shop, 'db', { credentials: StoreCredentials.fromSecret('db-auth'), database: 'shop' });
    const api = new WebApp(shop, 'api', { image: 'ghcr.io/acme/api:1.0.0', isolate: true });
    api.connectTo(db);
    new Migration(shop, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', connectTo: [db], before: [api], argocd: 'pre-sync' });
    expect(() => app.render()).toThrow(
      "[shop/migrate] 'argocd' is 'pre-sync', but the Migration needs 'shop/db' (connectTo), which this app delivers in the same Argo CD Application: "
      + "a PreSync hook runs before everything else of the Application, so on a first install the Job starts before 'shop/db' exists, fails, and the sync never creates it, got 'pre-sync'. "
      + "Allowed: 'sync-wave'; 'pre-sync' only for a Migration whose database is delivered elsewhere (another Application, a managed database), with nothing of this app in its connectTo or node.addDependency. "
      + "Fix: remove argocd: 'pre-sync': the default 'sync-wave' runs the Job after 'shop/db' is healthy and before the workloads in before");
    // In another chart of the app it is the same Application; the same with Environments.
    expect(() => envs('argocd', 'pre-sync').app('dev').render()).toThrow("[shop/migrate] 'argocd' is 'pre-sync', but the Migration needs 'data/db' (connectTo)");
    // kubectl and Flux have no hooks: 'pre-sync' does not apply there.
    expect(() => envs('flux', 'pre-sync').app('dev').render()).not.toThrow();
  });

  test("fails when a 'pre-sync' Migration depends on a workload of the app through node.addDependency", () => {
    const app = new App({ delivery: 'argocd' });
    const m = managedDbMigration(app);
    m.node.addDependency(new WebApp(m.node.scope as TimonelChart, 'seed', { image: 'ghcr.io/acme/seed:1.0.0' }));
    expect(() => app.render()).toThrow("[shop/migrate] 'argocd' is 'pre-sync', but the Migration needs 'shop/seed' (node.addDependency), which this app delivers in the same Argo CD Application");
  });

  test("fails when a 'pre-sync' Migration reads an ExternalSecret of the app, with the fix that keeps its Secret outside the Application (trial N)", () => {
    const app = new App({ delivery: 'argocd' });
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', healthPath: '/healthz' });
    const secret = new ExternalSecret(chart, 'app-secrets', { name: 'managed-db', store: 'vault', data: { url: { remoteKey: 'app/prod', property: 'url' } } });
    new Migration(chart, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', env: { DATABASE_URL: EnvValue.fromSecret(secret, 'url') }, before: [api], argocd: 'pre-sync' });
    expect(thrown(() => app.render()).fix).toBe("keep the Secret 'managed-db' outside this Application: read it by name (EnvValue.fromSecret('managed-db', '…')) and create it before the sync "
      + "(by hand, a secrets operator or another Application); or remove argocd: 'pre-sync': the default 'sync-wave' runs the Job after 'shop/app-secrets' is applied and before the workloads in before");
  });

  test("the missing-Secret warning of a Migration's Job says what holds for 'pre-sync', in synth (before it is a hook) and in timonel check (a hook)", () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new App({ delivery: 'argocd' });
      managedDbMigration(app);
      const docs = app.render().flatMap((f) => f.docs);
      const warnings = runPolicies(docs.map((manifest) => ({ manifest }))).warnings.filter((w) => w.ruleId === 'ref-missing-dependency');
      expect(warnings.map((w) => w.fix)).toEqual([
        "a PreSync hook runs before everything of its Argo CD Application, so 'managed-db' must exist before the sync (created by hand, by a secrets operator or by another Application): "
        + "say so with Policy.suppress(<the Migration>, 'ref-missing-dependency', '<who creates it>'), or fix the name",
      ]);
      const synthWarning = synth(managedDbMigration(new App()).node.scope as TimonelChart).length;
      expect(synthWarning).toBeGreaterThan(0);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain("(a Migration with argocd: 'pre-sync' runs before its Application, so its Secret must exist before the sync: suppress ref-missing-dependency with who creates it)");
    } finally {
      stderr.mockRestore();
    }
  });

  test("Argo CD 'pre-sync': the Job's ConfigMap and RBAC are hooks too; with 'sync-wave' nothing is", () => {
    const app = new App({ outdir: path.join(tmp, 'out'), delivery: 'argocd' });
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', healthPath: '/healthz' });
    const m = new Migration(chart, 'migrate', {
      image: 'ghcr.io/acme/api:1.0.0', config: { MODE: 'up' }, permissions: [{ rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }], before: [api], argocd: 'pre-sync',
    });
    const docs = app.render().flatMap((f) => f.docs);
    const hooks = docs.filter((d) => d.metadata.annotations[ARGOCD_HOOK] === 'PreSync').map((d) => d.kind).sort();
    expect(hooks).toEqual(['ConfigMap', 'Job', 'Role', 'RoleBinding', 'ServiceAccount']);
    expect(m.jobPrerequisites().map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Role', 'RoleBinding', 'ServiceAccount']);
    const sync = envs('argocd', 'sync-wave').app('dev').render().flatMap((f) => f.docs);
    expect(sync.filter((d) => d.metadata.annotations[ARGOCD_HOOK])).toEqual([]);
  });

  test('kubectl: an earlier stage of its own: prerequisites, migrations, then the rest of the chart, listed in that order', () => {
    envs('kubectl', 'sync-wave').synth();
    const dev = path.join(tmp, 'dist', 'dev');
    expect(fs.readFileSync(path.join(dev, 'kustomization.yaml'), 'utf8')).toContain(
      'resources:\n  - 0000-data.k8s.yaml\n  - 0001-shop-prerequisites.k8s.yaml\n  - 0001-shop-migrations.k8s.yaml\n  - 0001-shop.k8s.yaml\n');
    expect(docsOf(path.join(dev, '0001-shop-migrations.k8s.yaml')).map((d) => d.kind)).toEqual(['Job']);
    expect(docsOf(path.join(dev, '0001-shop.k8s.yaml')).map((d) => d.kind)).toContain('Deployment');
    expect(docsOf(path.join(dev, '0001-shop-prerequisites.k8s.yaml')).map((d) => d.kind)).not.toContain('Deployment');
  });

  test('render() gives one file per chart; output() (what synth() writes) has the stages, as docs/delivery.md shows', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    build(app, 'sync-wave');
    expect(app.render().map((f) => f.fileName)).toEqual(['0000-data.k8s.yaml', '0001-shop.k8s.yaml']);
    const files = new Map(app.output().files);
    expect([...files.keys()]).toEqual([
      '0000-data.k8s.yaml', '0001-shop-prerequisites.k8s.yaml', '0001-shop-migrations.k8s.yaml', '0001-shop.k8s.yaml', 'kustomization.yaml',
    ]);
    expect(app.output().stages.map((s) => [s.name, s.activeDeadlineSeconds])).toEqual([
      ['data', undefined], ['shop-prerequisites', undefined], ['shop-migrations', 3600], ['shop', undefined],
    ]);
  });

  test('Flux: a Kustomization of its own that the chart depends on, after the prerequisites', () => {
    envs('flux', 'sync-wave').synth();
    const ks = docsOf(path.join(tmp, 'dist', 'delivery', 'dev', 'kustomizations.yaml'));
    expect(ks.map((k) => [k.metadata.name, k.spec.dependsOn?.map((d: any) => d.name)])).toEqual([
      ['platform-dev-data', undefined],
      ['platform-dev-shop-prerequisites', ['platform-dev-data']],
      ['platform-dev-shop-migrations', ['platform-dev-shop-prerequisites']],
      ['platform-dev-shop', ['platform-dev-shop-migrations']],
    ]);
    for (const k of ks) expect(crdErrors(k)).toEqual([]);
  });
});

describe('a stage left empty writes nothing (trial AB8)', () => {
  /** The trial's shape: chart `data` holds a database and a Migration that runs before `api`, in chart `apps`: every object of `data` is a prerequisite or a migration. */
  const migrationBeforeAnotherChart = (tool: 'kubectl' | 'flux'): void => {
    new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { prod: {} }, outdir: path.join(tmp, 'dist'),
      delivery: { tool, repository: { url: 'https://github.com/acme/platform.git', path: 'dist' } },
      build: (app) => {
        const data = new TimonelChart(app, 'data', { namespace: 'team' });
        const db = new PostgreSQL(data, 'db', { credentials: StoreCredentials.fromSecret('db') });
        const apps = new TimonelChart(app, 'apps', { namespace: 'team', createNamespace: false });
        const api = new WebApp(apps, 'api', { image: 'ghcr.io/acme/api:1.0.0', isolate: true });
        new Migration(data, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', connectTo: [db], before: [api] });
      },
    }).synth();
  };

  test('kubectl: no 0-byte chart file, and none listed in the kustomization', () => {
    migrationBeforeAnotherChart('kubectl');
    const prod = path.join(tmp, 'dist', 'prod');
    expect(files(prod)).toEqual(['0000-data-migrations.k8s.yaml', '0000-data-prerequisites.k8s.yaml', '0001-apps.k8s.yaml', 'kustomization.yaml']);
    expect(fs.readFileSync(path.join(prod, 'kustomization.yaml'), 'utf8')).toContain(
      'resources:\n  - 0000-data-prerequisites.k8s.yaml\n  - 0000-data-migrations.k8s.yaml\n  - 0001-apps.k8s.yaml\n');
    for (const f of files(prod)) expect(fs.statSync(path.join(prod, f)).size).toBeGreaterThan(0);
  });

  test("Flux: no empty folder or Kustomization; what depended on the empty stage depends on what it depended on", () => {
    migrationBeforeAnotherChart('flux');
    expect(files(path.join(tmp, 'dist', 'prod')).filter((f) => f.endsWith('.k8s.yaml'))).toEqual([
      '0000-data-migrations/0000-data-migrations.k8s.yaml', '0000-data-prerequisites/0000-data-prerequisites.k8s.yaml', '0001-apps/0001-apps.k8s.yaml',
    ]);
    const ks = docsOf(path.join(tmp, 'dist', 'delivery', 'prod', 'kustomizations.yaml'));
    expect(ks.map((k) => [k.metadata.name, k.spec.dependsOn?.map((d: any) => d.name)])).toEqual([
      ['platform-prod-data-prerequisites', undefined],
      ['platform-prod-data-migrations', ['platform-prod-data-prerequisites']],
      ['platform-prod-apps', ['platform-prod-data-migrations']], // api waits for the migration, as before
    ]);
  });

  test('Flux: a chart holding only a Job nothing depends on is its -jobs stage alone, after what the chart depended on', () => {
    new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { prod: {} }, outdir: path.join(tmp, 'dist'),
      delivery: { tool: 'flux', repository: { url: 'https://github.com/acme/platform.git', path: 'dist' } },
      build: (app) => {
        const data = new TimonelChart(app, 'data', { namespace: 'data' });
        const batch = new Chart(app, 'batch', { namespace: 'data' });
        const container = {
          name: 'seed', image: 'ghcr.io/acme/seed:1.0.0', resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('64Mi') } },
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } },
        };
        const job = new k8s.KubeJob(batch, 'seed', { spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } } } });
        job.node.addDependency(data);
        new WebApp(data, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
      },
    }).synth();
    const ks = docsOf(path.join(tmp, 'dist', 'delivery', 'prod', 'kustomizations.yaml'));
    expect(ks.map((k) => [k.metadata.name, k.spec.dependsOn?.map((d: any) => d.name)])).toEqual([
      ['platform-prod-data', undefined],
      ['platform-prod-batch-jobs', ['platform-prod-data']],
    ]);
    expect(files(path.join(tmp, 'dist', 'prod'))).not.toContain('0001-batch/kustomization.yaml');
  });
});

describe('Flux: a chart in a namespace another chart creates depends on that chart (trial AB3)', () => {
  const nsEnvs = (build: (app: App) => void): any[] => {
    new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { prod: {} }, outdir: path.join(tmp, 'dist'), build,
      delivery: { tool: 'flux', repository: { url: 'https://github.com/acme/platform.git', path: 'dist' } },
    }).synth();
    return docsOf(path.join(tmp, 'dist', 'delivery', 'prod', 'kustomizations.yaml')).map((k) => [k.metadata.name, k.spec.dependsOn?.map((d: any) => d.name)]);
  };

  test('createNamespace: false with no other link gets dependsOn the creator, whichever is declared first', () => {
    const base = (app: App) => new WebApp(new TimonelChart(app, 'base', { namespace: 'team' }), 'a', { image: 'ghcr.io/acme/a:1.0.0', isolate: true });
    const extra = (app: App) => new WebApp(new TimonelChart(app, 'extra', { namespace: 'team', createNamespace: false }), 'b', { image: 'ghcr.io/acme/b:1.0.0', isolate: true });
    expect(nsEnvs((app) => { base(app); extra(app); })).toEqual([['platform-prod-base', undefined], ['platform-prod-extra', ['platform-prod-base']]]);
    fs.rmSync(path.join(tmp, 'dist'), { recursive: true });
    expect(nsEnvs((app) => { extra(app); base(app); })).toEqual([['platform-prod-extra', ['platform-prod-base']], ['platform-prod-base', undefined]]);
  });

  test('the dependency is not added twice, and a namespace outside the app adds none', () => {
    expect(nsEnvs((app) => build(app))).toEqual([['platform-prod-data', undefined], ['platform-prod-shop', ['platform-prod-data']]]);
    fs.rmSync(path.join(tmp, 'dist'), { recursive: true });
    expect(nsEnvs((app) => {
      new WebApp(new TimonelChart(app, 'a', { namespace: 'elsewhere', createNamespace: false }), 'a', { image: 'ghcr.io/acme/a:1.0.0' });
      new WebApp(new TimonelChart(app, 'b', { namespace: 'b' }), 'b', { image: 'ghcr.io/acme/b:1.0.0' });
    })).toEqual([['platform-prod-a', undefined], ['platform-prod-b', undefined]]);
  });

  test('fails when the chart that creates the namespace depends on the chart that uses it (a dependsOn cycle)', () => {
    const cyclic = (app: App): void => {
      const data = new TimonelChart(app, 'data', { namespace: 'shop', createNamespace: false });
      const db = new PostgreSQL(data, 'db', { credentials: StoreCredentials.fromSecret('shop-db') });
      const shop = new TimonelChart(app, 'shop', { namespace: 'shop' });
      new WebApp(shop, 'api', { image: 'ghcr.io/acme/api:1.0.0' }).connectTo(db);
    };
    expect(() => nsEnvs(cyclic)).toThrow(
      "[data] 'namespace' is 'shop', which chart 'shop' creates, so under Flux this chart's Kustomization must depend on that chart's; "
      + "but 'shop' depends on 'data', which makes a dependency cycle: data => shop => data, got 'shop'. "
      + 'Allowed: a namespace created by this chart, by a chart it comes after, or outside the app. '
      + "Fix: create namespace 'shop' in chart 'data', which is applied first (namespace: 'shop' with createNamespace: true), and set createNamespace: false on chart 'shop'");
    // Argo CD applies the Namespace first within its one Application: no stages, no cycle.
    const app = new App({ delivery: 'argocd' });
    cyclic(app);
    expect(() => app.render()).not.toThrow();
  });
});

describe('a chart without a namespace under Argo CD or Flux (trial AB4)', () => {
  const noNamespace = (tool: 'argocd' | 'flux' | 'kubectl') => () => new Environments<{ n: number }>({
    defaults: { n: 1 }, environments: { prod: {} }, outdir: path.join(tmp, 'dist'),
    delivery: { tool, repository: { url: 'https://github.com/acme/platform.git', path: 'dist' } },
    build: (app) => { new WebApp(new TimonelChart(app, 'nons'), 'web', { image: 'ghcr.io/acme/web:1.0.0', isolate: true }); },
  }).synth();

  test('fails when a chart with namespaced objects has no namespace, delivered by Flux', () => {
    expect(noNamespace('flux')).toThrow(
      "[nons] 'namespace' is not set, so the chart's namespaced objects have no namespace (NetworkPolicy nons-web, ServiceAccount nons-web, Service nons-web, and 2 more), "
      + "and delivery is 'flux': Flux's kustomize-controller refuses a namespaced object without a namespace (its Kustomization sets no targetNamespace). "
      + 'Allowed: a namespace on every chart that has namespaced objects (under Argo CD and Flux). '
      + "Fix: give chart 'nons' a namespace: new TimonelChart(app, 'nons', { namespace: 'nons' }) creates it too (createNamespace: false if it exists already)");
  });

  test('fails when a chart with namespaced objects has no namespace, delivered by Argo CD (a single App too)', () => {
    expect(noNamespace('argocd')).toThrow(
      /^prod: \[nons\] 'namespace' is not set, .* and delivery is 'argocd': Argo CD would put them in the Application's destination.namespace, which is unset: one Application delivers every chart of the environment\..*Fix: give chart 'nons' a namespace/);
    const app = new App({ delivery: 'argocd' });
    new WebApp(new TimonelChart(app, 'nons'), 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    expect(() => app.render()).toThrow(/^\[nons\] 'namespace' is not set/);
  });

  test('kubectl keeps the namespace kubectl is pointed at; a chart of cluster-scoped objects only needs none', () => {
    expect(noNamespace('kubectl')).not.toThrow();
    const app = new App({ delivery: 'flux' });
    const cluster = new Chart(app, 'cluster');
    new k8s.KubeClusterRole(cluster, 'reader', { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
    new k8s.KubePriorityClass(cluster, 'high', { metadata: { name: 'high' }, value: 1000 });
    expect(() => app.render({ policies: false })).not.toThrow();
  });
});

describe('Flux timeouts', () => {
  const kustomizations = (delivery: object, migration?: object): any[] => {
    new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { dev: {} }, outdir: path.join(tmp, 'dist'),
      build: (app) => {
        build(app);
        if (migration) {
          const shop = app.node.findChild('shop') as TimonelChart;
          new Migration(shop, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', before: [shop.node.findChild('api') as WebApp], ...migration });
        }
      },
      delivery: { tool: 'flux', repository: { url: 'https://github.com/acme/platform.git', path: 'deploy' }, ...delivery },
    }).synth();
    return docsOf(path.join(tmp, 'dist', 'delivery', 'dev', 'kustomizations.yaml'));
  };
  const timeouts = (ks: any[]) => ks.map((k) => [k.metadata.name, k.spec.timeout]);

  test("every Kustomization gets delivery.timeout (default '5m'), plus the longest of its Jobs' activeDeadlineSeconds and its pods' startup budget, since Flux waits for them", () => {
    expect(timeouts(kustomizations({}, {}))).toEqual([
      ['platform-dev-data', '15m'], // PostgreSQL's startup probe allows 10 s × 60 = 10 min
      ['platform-dev-shop-prerequisites', '5m'], // no pods
      ['platform-dev-shop-migrations', '1h5m'], // the default deadline of one hour, and 5m to apply and start it
      ['platform-dev-shop', '7m30s'], // a WebApp's startup probe allows 5 s × 30 = 2m30s
    ]);
    expect(timeouts(kustomizations({ timeout: '10m' }, { activeDeadlineSeconds: 900 }))).toContainEqual(['platform-dev-shop-migrations', '25m']);
    expect(timeouts(kustomizations({ timeout: '90s' }))).toEqual([['platform-dev-data', '11m30s'], ['platform-dev-shop', '4m']]);
    for (const k of kustomizations({ timeout: '1m30s' }, {})) expect(crdErrors(k)).toEqual([]);
  });
});

describe('Flux timeouts cover the startup of the pods a stage waits for', () => {
  test("the trial's shape: the prerequisites holding PostgreSQL (10 min startup budget) and a Redis get 5m + 10m, not 5m", () => {
    new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { prod: {} }, outdir: path.join(tmp, 'dist'),
      delivery: { tool: 'flux', repository: { url: 'https://github.com/acme/x.git', path: 'dist' } },
      build: (app) => {
        const c = new TimonelChart(app, 'shop', { namespace: 'shop' });
        const db = new PostgreSQL(c, 'db', { credentials: StoreCredentials.fromSecret('db-auth') });
        new Redis(c, 'queue', { credentials: StoreCredentials.fromSecret('q-auth') });
        const api = new WebApp(c, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
        api.connectTo(db);
        new Migration(c, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', connectTo: [db], before: [api] });
      },
    }).synth();
    const ks = docsOf(path.join(tmp, 'dist', 'delivery', 'prod', 'kustomizations.yaml'));
    expect(ks.map((k) => [k.metadata.name, k.spec.timeout])).toEqual([
      ['platform-prod-shop-prerequisites', '15m'],
      ['platform-prod-shop-migrations', '1h5m'],
      ['platform-prod-shop', '7m30s'],
    ]);
  });

  test('startupBudget: the slowest container of a pod; a StatefulSet\'s pods one after another unless Parallel; no startup probe, no budget', () => {
    const probe = { periodSeconds: 10, failureThreshold: 6, initialDelaySeconds: 30 }; // 90 s
    const template = (containers: object[]) => ({ template: { spec: { containers } } });
    expect(startupBudget([{ kind: 'Deployment', spec: template([{ startupProbe: probe }, { startupProbe: {} }]) }])).toBe(90);
    expect(startupBudget([{ kind: 'Deployment', spec: template([{ startupProbe: {} }]) }])).toBe(30); // Kubernetes' defaults: 10 s × 3
    expect(startupBudget([{ kind: 'StatefulSet', spec: { replicas: 3, ...template([{ startupProbe: probe }]) } }])).toBe(270);
    expect(startupBudget([{ kind: 'StatefulSet', spec: { replicas: 3, podManagementPolicy: 'Parallel', ...template([{ startupProbe: probe }]) } }])).toBe(90);
    expect(startupBudget([{ kind: 'Pod', spec: { containers: [{ startupProbe: probe }] } }])).toBe(90);
    expect(startupBudget([{ kind: 'Job', spec: template([{ startupProbe: probe }]) }, { kind: 'Deployment', spec: template([{}]) }, { kind: 'Service' }])).toBeUndefined();
  });
});

describe('Jobs nothing depends on do not hold anything back', () => {
  const SIX_HOURS = 6 * 3600;
  /** The trial's shape: a web app with ingress and autoscaling, and a long one-off training Job; optionally more. */
  const shop = (app: App, extra?: (chart: TimonelChart, web: WebApp, train: BatchJob) => void) => {
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', ingress: { host: 'shop.example.com' }, autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    const train = new BatchJob(chart, 'train', { image: 'ghcr.io/acme/trainer:0.4.0', activeDeadlineSeconds: SIX_HOURS, config: { EPOCHS: '10' } });
    extra?.(chart, web, train);
    return { chart, web, train };
  };
  const waves = (app: App): Map<string, number> => new Map(app.render().flatMap((f) => f.docs)
    .map((d) => [`${d.kind}/${d.metadata.name.replace(/-[0-9a-f]{8}$/, '')}`, Number(d.metadata.annotations[ARGOCD_SYNC_WAVE])]));
  const fluxKustomizations = (build: (app: App) => void): any[] => {
    new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { dev: {} }, outdir: path.join(tmp, 'dist'), build,
      delivery: { tool: 'flux', repository: { url: 'https://github.com/acme/platform.git', path: 'deploy' } },
    }).synth();
    return docsOf(path.join(tmp, 'dist', 'delivery', 'dev', 'kustomizations.yaml'));
  };

  test('Argo CD: a one-off Job and a CronJob nothing depends on get the last wave, after the Ingress, HPA and PDB', () => {
    const app = new App({ delivery: 'argocd' });
    shop(app, (chart) => new BatchJob(chart, 'nightly', { image: 'ghcr.io/acme/report:1.0.0', schedule: '0 2 * * *' }));
    const w = waves(app);
    expect(Object.fromEntries(['Deployment/shop-web', 'HorizontalPodAutoscaler/shop-web', 'PodDisruptionBudget/shop-web', 'Ingress/shop-web', 'Job/shop-train', 'CronJob/shop-nightly']
      .map((k) => [k, w.get(k)]))).toEqual({
      'Deployment/shop-web': 1, 'HorizontalPodAutoscaler/shop-web': 2, 'PodDisruptionBudget/shop-web': 2, 'Ingress/shop-web': 2,
      'Job/shop-train': 3, 'CronJob/shop-nightly': 3,
    });
    // Still after what the Job needs.
    expect(w.get('ServiceAccount/shop-train')).toBeLessThan(w.get('Job/shop-train')!);
    expect(w.get('ConfigMap/shop-train-config')).toBeLessThan(w.get('Job/shop-train')!);
  });

  test('Argo CD: the last wave is the Application\'s, as waves are Application-wide: an unrelated chart\'s later waves do not wait for the Job', () => {
    const app = new App({ delivery: 'argocd' });
    shop(app);
    // A chart with more waves than shop: a store, an app connected to it, an ingress.
    const other = new TimonelChart(app, 'blog', { namespace: 'blog' });
    const db = new PostgreSQL(other, 'db', { credentials: StoreCredentials.fromSecret('blog-db'), database: 'blog' });
    new WebApp(other, 'web', { image: 'ghcr.io/acme/blog:1.0.0', ingress: { host: 'blog.example.com' } }).connectTo(db);
    const w = waves(app);
    const others = [...w].filter(([k]) => k !== 'Job/shop-train').map(([, v]) => v);
    expect(w.get('Job/shop-train')).toBe(Math.max(...others) + 1);
    expect(w.get('Ingress/blog-web')).toBeLessThan(w.get('Job/shop-train')!);
  });

  test('kubectl: the Job is applied last in its chart, after its ServiceAccount, ConfigMap and NetworkPolicies', () => {
    const app = new App();
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
    new BatchJob(chart, 'train', { image: 'ghcr.io/acme/trainer:0.4.0', config: { EPOCHS: '10' }, connectTo: [db] });
    new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', ingress: { host: 'shop.example.com' }, autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    const kinds = app.render()[0].docs.map((d) => `${d.kind}/${d.metadata.name.replace(/-[0-9a-f]{8}$/, '')}`);
    expect(kinds[kinds.length - 1]).toBe('Job/shop-train');
    expect(kinds.indexOf('Ingress/shop-web')).toBeLessThan(kinds.indexOf('Job/shop-train'));
    for (const needed of ['ServiceAccount/shop-train', 'ConfigMap/shop-train-config', 'NetworkPolicy/shop-train-to-shop-db', 'NetworkPolicy/shop-db-from-shop-train', 'StatefulSet/shop-db']) {
      expect(kinds.indexOf(needed)).toBeGreaterThanOrEqual(0);
      expect(kinds.indexOf(needed)).toBeLessThan(kinds.indexOf('Job/shop-train'));
    }
  });

  test('Flux: the Jobs are a Kustomization of their own after the chart\'s, with the deadline on top of the timeout; the chart\'s has only its pods\' startup on top', () => {
    const ks = fluxKustomizations((app) => {
      shop(app);
      // A chart that depends on shop waits for shop's Kustomization, not for the Job.
      new WebApp(new TimonelChart(app, 'front', { namespace: 'front' }), 'proxy', { image: 'nginx:1.27.2' }).node.addDependency(app.node.findChild('shop').node.findChild('web'));
    });
    expect(ks.map((k) => [k.metadata.name, k.spec.timeout, k.spec.wait, k.spec.dependsOn?.map((d: any) => d.name)])).toEqual([
      ['platform-dev-shop', '7m30s', true, undefined],
      ['platform-dev-shop-jobs', '6h5m', true, ['platform-dev-shop']],
      ['platform-dev-front', '7m30s', true, ['platform-dev-shop']],
    ]);
    expect(ks[1].spec.path).toBe('./deploy/dev/0000-shop-jobs');
    expect(docsOf(path.join(tmp, 'dist', 'dev', '0000-shop-jobs', '0000-shop-jobs.k8s.yaml')).map((d) => d.kind)).toEqual(['Job']);
    expect(docsOf(path.join(tmp, 'dist', 'dev', '0000-shop', '0000-shop.k8s.yaml')).map((d) => d.kind)).not.toContain('Job');
    for (const k of ks) expect(crdErrors(k)).toEqual([]);
  });

  test('a Job a workload depends on (node.addDependency) still holds it back: Argo CD waves, Flux timeout', () => {
    const app = new App({ delivery: 'argocd' });
    shop(app, (_chart, web, train) => web.node.addDependency(train));
    const w = waves(app);
    expect(w.get('Job/shop-train')).toBeLessThan(w.get('Deployment/shop-web')!);
    expect(w.get('Ingress/shop-web')).toBeGreaterThan(w.get('Deployment/shop-web')!);
    const ks = fluxKustomizations((a) => shop(a, (_chart, web, train) => web.node.addDependency(train)));
    expect(ks.map((k) => [k.metadata.name, k.spec.timeout])).toEqual([['platform-dev-shop', '6h5m']]);
  });

  test('a Job a workload of another chart depends on holds it back; a connectTo across the charts alone does not', () => {
    const build = (explicit: boolean) => {
      const app = new App({ delivery: 'argocd' });
      const data = new TimonelChart(app, 'data', { namespace: 'shop' });
      const db = new PostgreSQL(data, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
      const backfill = new BatchJob(data, 'backfill', { image: 'ghcr.io/acme/backfill:1.0.0', connectTo: [db] });
      const api = new WebApp(new TimonelChart(app, 'shop', { namespace: 'shop', createNamespace: false }), 'api', { image: 'ghcr.io/acme/api:1.0.0' });
      api.connectTo(db);
      if (explicit) api.node.addDependency(backfill);
      return waves(app);
    };
    const plain = build(false);
    expect(plain.get('Job/data-backfill')).toBeGreaterThan(plain.get('Deployment/shop-api')!);
    const explicit = build(true);
    expect(explicit.get('Job/data-backfill')).toBeLessThan(explicit.get('Deployment/shop-api')!);
  });

  test('a Migration still runs before its app, and an independent Job after everything', () => {
    const app = new App({ delivery: 'argocd' });
    shop(app, (chart, web) => new Migration(chart, 'migrate', { image: 'ghcr.io/acme/web:1.0.0', command: ['migrate'], before: [web] }));
    const w = waves(app);
    expect(w.get('Job/shop-migrate')).toBeLessThan(w.get('Deployment/shop-web')!);
    expect(w.get('Job/shop-train')).toBeGreaterThan(w.get('Ingress/shop-web')!);
    const ks = fluxKustomizations((a) => shop(a, (chart, web) => new Migration(chart, 'migrate', { image: 'ghcr.io/acme/web:1.0.0', command: ['migrate'], before: [web] })));
    expect(ks.map((k) => [k.metadata.name, k.spec.timeout, k.spec.dependsOn?.map((d: any) => d.name)])).toEqual([
      ['platform-dev-shop-prerequisites', '5m', undefined],
      ['platform-dev-shop-migrations', '1h5m', ['platform-dev-shop-prerequisites']],
      ['platform-dev-shop', '7m30s', ['platform-dev-shop-migrations']],
      ['platform-dev-shop-jobs', '6h5m', ['platform-dev-shop']],
    ]);
  });
});

describe('pruning with kubectl (ApplySet)', () => {
  test('the id is the one kubectl computes for a parent Secret', () => {
    // kubectl's own test: Secret my-set in namespace test.
    expect(applySetId('my-set', 'test')).toBe('applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1');
  });

  test('every object is labelled as a member of the ApplySet', () => {
    const app = new App({ outdir: path.join(tmp, 'dist'), applySet: { name: 'platform', namespace: 'ops' } });
    build(app);
    const docs = app.render().flatMap((f) => f.docs);
    expect(new Set(docs.map((d) => d.metadata.labels[APPLYSET_PART_OF]))).toEqual(new Set([applySetId('platform', 'ops')]));
    expect(app.applySetId).toBe(applySetId('platform', 'ops'));
  });

  test('fails when the ApplySet name is not a Kubernetes name', () => {
    expect(() => new App({ applySet: { name: 'My Set' } })).toThrow(/'applySet.name'/);
  });
});

describe('delivery: the example platform', () => {
  test('the shop migration runs after the database and before the API (Argo CD sync waves)', () => {
    const docs = platform({ outdir: '/nonexistent' }).app('prod').render().flatMap((f) => f.docs);
    const wave = (d: any): number => Number(d.metadata.annotations[ARGOCD_SYNC_WAVE]);
    const job = docs.find((d) => d.kind === 'Job' && d.metadata.name.startsWith('shop-migrate-'));
    expect(wave(job)).toBeGreaterThan(wave(docs.find((d) => d.kind === 'StatefulSet' && d.metadata.name === 'shop-db')));
    expect(wave(job)).toBeLessThan(wave(docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'shop-api')));
  });

  test('is delivered by Argo CD: the database and cache before the API, the API before the web app', () => {
    const docs = platform({ outdir: '/nonexistent' }).app('prod').render().flatMap((f) => f.docs);
    const wave = (kind: string, name: string): number => Number(docs.find((d) => d.kind === kind && d.metadata.name === name).metadata.annotations[ARGOCD_SYNC_WAVE]);
    expect(wave('StatefulSet', 'shop-db')).toBeLessThan(wave('Deployment', 'shop-api'));
    expect(wave('Deployment', 'shop-api')).toBeLessThan(wave('Deployment', 'shop-web'));
  });
});

describe('delivery fails', () => {
  test('fails when Argo CD or Flux has no repository, when Environments is created', () => {
    expect(() => new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { dev: {} }, build: (app) => build(app), outdir: path.join(tmp, 'dist'), delivery: { tool: 'argocd' },
    })).toThrow(/^\[Environments\] 'delivery.repository' is required for argocd\..*Fix: give the Git repository that holds the output, e.g. \{ url: 'https:\/\/github.com\/acme\/platform.git' \}$/);
  });

  test('fails when an environment has the name of the delivery folder', () => {
    expect(() => new Environments<{ n: number }>({
      defaults: { n: 1 }, environments: { delivery: {} }, build: (app) => build(app), delivery: { tool: 'flux', repository: { url: 'https://github.com/acme/x' } },
    })).toThrow(/'environments.delivery' has the name of the delivery folder/);
  });

  const withDelivery = (delivery: any, environments: any = { dev: {}, prod: {} }, outdir = path.join(tmp, 'dist')) => () => new Environments<{ n: number }>({
    defaults: { n: 1 }, environments, build: (app) => build(app), outdir, delivery,
  });
  const repo = { url: 'https://github.com/acme/platform.git', path: 'dist' };

  test('fails when a key of delivery.clusters is not an environment (a typo would deliver prod to Argo CD\'s own cluster)', () => {
    expect(withDelivery({ tool: 'argocd', repository: repo, clusters: { prd: 'https://prod.example.com' } })).toThrow(
      "[Environments] 'delivery.clusters.prd' is not one of the environments, so no Application is delivered there, got 'https://prod.example.com'. "
      + "Allowed: 'dev', 'prod'. Fix: did you mean 'prod'?");
    expect(withDelivery({ tool: 'argocd', repository: repo, clusters: { qa: 'https://qa.example.com' } })).toThrow(
      /'delivery.clusters.qa' is not one of the environments.*Fix: write one of the environments, or add the environment 'qa'$/);
    expect(withDelivery({ tool: 'argocd', repository: repo, clusters: { prod: 'https://prod.example.com' } })).not.toThrow();
  });

  test('fails when a cluster is not an API server URL', () => {
    expect(withDelivery({ tool: 'argocd', repository: repo, clusters: { prod: 'prod.example.com:6443' } })).toThrow(
      /'delivery.clusters.prod' has no scheme, got 'prod.example.com:6443'\. Allowed: the cluster's API server URL.*Fix: write 'https:\/\/prod.example.com:6443'$/);
    expect(withDelivery({ tool: 'argocd', repository: repo, clusters: { prod: 'prod-cluster' } })).toThrow(
      /'delivery.clusters.prod' is not a URL: Argo CD's destination is the cluster's API server URL, got 'prod-cluster'.*Fix: write the URL that 'argocd cluster list' shows/);
  });

  test('fails when an option of one tool is given to another, which would ignore it', () => {
    expect(withDelivery({ tool: 'flux', repository: repo, clusters: { prod: 'https://prod.example.com' } })).toThrow(
      `[Environments] 'delivery.clusters' is used by Argo CD only, but 'tool' is 'flux', got {"prod":"https://prod.example.com"}. Allowed: clusters with tool 'argocd' only. Fix: remove it, or set tool: 'argocd'`);
    expect(withDelivery({ tool: 'argocd', repository: repo, timeout: '10m' })).toThrow(/'delivery.timeout' is used by Flux only, but 'tool' is 'argocd'/);
    // repository, folder, namespace and name serve every tool: switching is a change of 'tool' alone
    expect(withDelivery({ tool: 'kubectl', repository: repo, folder: 'deliver' })).not.toThrow();
  });

  test('fails when the repository URL has no scheme or a form the tool does not take', () => {
    expect(withDelivery({ tool: 'argocd', repository: { url: 'github.com/acme/x' } })).toThrow(
      "[Environments] 'delivery.repository.url' has no scheme, got 'github.com/acme/x'. "
      + "Allowed: an https://, http://, ssh:// or oci:// URL, or scp-like 'git@host:path', e.g. 'https://github.com/acme/platform.git'. Fix: write 'https://github.com/acme/x'");
    for (const url of ['https://github.com/acme/x.git', 'http://git.internal/acme/x', 'ssh://git@github.com/acme/x.git', 'git@github.com:acme/x.git', 'oci://ghcr.io/acme/x']) {
      expect(withDelivery({ tool: 'argocd', repository: { url, path: 'dist', revision: '1.0.0' } })).not.toThrow();
    }
    expect(withDelivery({ tool: 'flux', repository: { url: 'git@github.com:acme/x.git', path: 'dist' } })).toThrow(
      /'delivery.repository.url' is an scp-like Git address, which Flux does not take, got 'git@github.com:acme\/x.git'.*Fix: write 'ssh:\/\/git@github.com\/acme\/x.git'$/);
    expect(withDelivery({ tool: 'flux', repository: { url: 'oci://ghcr.io/acme/x', path: 'dist' } })).toThrow(
      /has the scheme 'oci', which a Flux GitRepository does not take.*Fix: set sourceRef: \{ kind: 'OCIRepository', name: … \}/);
    expect(withDelivery({ tool: 'flux', repository: { url: 'oci://ghcr.io/acme/x', path: 'dist' }, sourceRef: { kind: 'OCIRepository', name: 'platform' } })).not.toThrow();
    expect(withDelivery({ tool: 'flux', repository: { url: 'ghcr.io/acme/x', path: 'dist' }, sourceRef: { kind: 'OCIRepository', name: 'platform' } })).toThrow(
      /'delivery.repository.url' has no scheme, got 'ghcr.io\/acme\/x'\. Allowed: an oci:\/\/ URL.*Fix: write 'oci:\/\/ghcr.io\/acme\/x'$/);
    expect(withDelivery({ tool: 'argocd', repository: { url: 'git://github.com/acme/x' } })).toThrow(/has the scheme 'git', which Argo CD does not take.*Fix: write 'https:\/\/github.com\/acme\/x'$/);
    expect(withDelivery({ tool: 'argocd', repository: { url: 'https://github.com/acme/x/tree/main/deploy' } })).toThrow(
      /'delivery.repository.url' is the address of a page of the repository, not of the repository.*Fix: write url 'https:\/\/github.com\/acme\/x', revision 'main', path 'deploy'$/);
  });

  test("repository.revision: Argo CD's (required for an oci:// source, a tag or digest); an error under Flux, which applies what its source fetches", () => {
    expect(withDelivery({ tool: 'argocd', repository: { url: 'oci://ghcr.io/acme/platform-manifests', path: 'dist' } })).toThrow(
      "[Environments] 'delivery.repository.revision' is required for an oci:// repository: Argo CD reads it as the artifact's tag or digest (the default 'main' is a Git branch). "
      + "Allowed: a tag such as '1.4.2', or a digest 'sha256:…'. Fix: set revision to the tag you pushed, e.g. revision: '1.4.2'");
    expect(withDelivery({ tool: 'argocd', repository: { url: 'oci://ghcr.io/acme/platform-manifests', path: 'dist', revision: '1.4.2' } })).not.toThrow();
    expect(withDelivery({ tool: 'argocd', repository: { ...repo, revision: 'release-1' } })).not.toThrow();
    expect(withDelivery({ tool: 'flux', repository: { ...repo, revision: 'release-1' } })).toThrow(
      "[Environments] 'delivery.repository.revision' is not used by Flux: its Kustomizations apply the revision their source (GitRepository 'flux-system') fetches, got 'release-1'. "
      + "Allowed: repository.revision with tool 'argocd' only. Fix: remove it, and set the branch or tag on the GitRepository's spec.ref");
    expect(withDelivery({ tool: 'flux', repository: { url: 'oci://ghcr.io/acme/x', path: 'dist', revision: '1.0.0' }, sourceRef: { kind: 'OCIRepository', name: 'platform' } })).toThrow(
      /\(OCIRepository 'platform'\) fetches, got '1.0.0'\. Allowed: repository\.revision with tool 'argocd' only\. Fix: remove it, and set the tag on the OCIRepository's spec.ref$/);
  });

  test('fails when the repository path is not relative to the repository root', () => {
    expect(withDelivery({ tool: 'flux', repository: { url: repo.url, path: '/dist' } })).toThrow(
      "[Environments] 'delivery.repository.path' is an absolute path, but it is relative to the repository root, got '/dist'. "
      + "Allowed: a path from the repository root, such as 'dist' or 'deploy/dist' ('.' for the root). Fix: write 'dist'");
    expect(withDelivery({ tool: 'flux', repository: { url: repo.url, path: './/dist' } })).toThrow(/'delivery.repository.path' has empty or '.' parts, got '.\/\/dist'.*Fix: write 'dist'$/);
    expect(withDelivery({ tool: 'flux', repository: { url: repo.url, path: '../dist' } })).toThrow(/goes up with '..', out of the repository root/);
    expect(withDelivery({ tool: 'argocd', repository: repo, folder: '/delivery' })).toThrow(/'delivery.folder' is an absolute path, but it is relative to the output folder.*Fix: write 'delivery'$/);
  });

  test('fails when the outdir is absolute and the repository path is not given (it would be written into the delivery objects)', () => {
    expect(withDelivery({ tool: 'argocd', repository: { url: repo.url } })).toThrow(
      /^\[Environments\] 'delivery.repository.path' is required when the outdir is an absolute path \('.*dist'\), which is not its path in the repository\..*Fix: set delivery.repository.path/);
    expect(withDelivery({ tool: 'argocd', repository: { url: repo.url } }, undefined, path.join(process.cwd(), 'out', 'dist'))).toThrow(/, e.g. 'out\/dist'$/);
    expect(withDelivery({ tool: 'argocd', repository: { url: repo.url } }, undefined, './out/dist')).not.toThrow();
  });

  test("paths in the delivery objects never get './/' or a trailing '/': './dist', 'dist/' and '.' are written in normal form", () => {
    const paths = (repository: any, tool: 'argocd' | 'flux'): string[] => {
      withDelivery({ tool, repository: { url: repo.url, ...repository } })().synth();
      const dir = path.join(tmp, 'dist', 'delivery', 'dev');
      return tool === 'flux'
        ? docsOf(path.join(dir, 'kustomizations.yaml')).map((k) => k.spec.path)
        : [...docsOf(path.join(dir, 'root.yaml')), ...docsOf(path.join(dir, 'apps', 'applications.yaml'))].map((a) => a.spec.source.path);
    };
    expect(paths({ path: './dist/' }, 'flux')).toEqual(['./dist/dev/0000-data', './dist/dev/0001-shop']);
    expect(paths({ path: '.' }, 'flux')).toEqual(['./dev/0000-data', './dev/0001-shop']);
    expect(paths({ path: './' }, 'argocd')).toEqual(['delivery/dev/apps', 'dev']);
    expect(paths({ path: 'deploy/dist/' }, 'argocd')).toEqual(['deploy/dist/delivery/dev/apps', 'deploy/dist/dev']);
  });

  test('fails when interval or timeout is not a Flux duration', () => {
    expect(withDelivery({ tool: 'flux', repository: repo, interval: '1d' })).toThrow(
      "[Environments] 'delivery.interval' is not a Flux duration, got '1d'. Allowed: a Flux duration: a number and a unit, repeated: '30s', '5m', '1h30m' (units ms, s, m, h). Fix: write '24h'");
    expect(withDelivery({ tool: 'flux', repository: repo, timeout: '300' })).toThrow(/'delivery.timeout' is not a Flux duration, got '300'.*Fix: write '300s'$/);
    expect(withDelivery({ tool: 'flux', repository: repo, timeout: '10 min' })).toThrow(/Fix: write '10m'$/);
  });
  test('fails when the App gets an unknown delivery tool', () => {
    expect(() => new App({ delivery: 'helm' as any })).toThrow(/'delivery' is not one of the allowed values, got 'helm'. Allowed: 'kubectl', 'argocd', 'flux'/);
  });
});
