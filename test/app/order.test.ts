import { APPLY_ORDER, applyRank, orderForApply } from '../../src/app/order';
import { Testing } from 'cdk8s';
import { App } from '../../src/app/app';
import { TimonelChart } from '../../src/app/chart';
import { BatchJob } from '../../src/constructs/batch-job';
import { WebApp } from '../../src/constructs/web-app';
import { Migration } from '../../src/constructs/migration';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { ARGOCD_SYNC_WAVE } from '../../src/app/delivery';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { parseAllDocuments } from 'yaml';

const m = (kind: string, name = kind.toLowerCase()) => ({ kind, name });

describe('applyRank', () => {
  test('puts what others refer to first', () => {
    expect(applyRank('Namespace')).toBe(0);
    expect(applyRank('ServiceAccount')).toBeLessThan(applyRank('RoleBinding'));
    expect(applyRank('ConfigMap')).toBeLessThan(applyRank('Deployment'));
    expect(applyRank('Secret')).toBeLessThan(applyRank('StatefulSet'));
    expect(applyRank('PersistentVolumeClaim')).toBeLessThan(applyRank('StatefulSet'));
    expect(applyRank('Service')).toBeLessThan(applyRank('Deployment'));
    expect(applyRank('Deployment')).toBeLessThan(applyRank('HorizontalPodAutoscaler'));
    expect(applyRank('CustomResourceDefinition')).toBeLessThan(applyRank('ServiceAccount'));
  });

  test('puts NetworkPolicies right after the Namespace, before the pods they govern', () => {
    expect(applyRank('NetworkPolicy')).toBe(applyRank('Namespace') + 1);
    for (const kind of ['ServiceAccount', 'Pod', 'StatefulSet', 'Deployment', 'DaemonSet', 'Job', 'CronJob']) {
      expect(applyRank('NetworkPolicy')).toBeLessThan(applyRank(kind));
    }
  });

  test('a migration added to a running platform can reach its isolated database: its rules are applied before it runs', () => {
    // Release 2 of a platform whose database already has a client (so it admits only its clients).
    const build = (delivery: 'kubectl' | 'argocd') => {
      const app = new App({ delivery });
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
      const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
      api.connectTo(db);
      const migrate = new Migration(chart, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', command: ['migrate'], connectTo: [db], before: [api] });
      return { app, migrate };
    };
    // kubectl: the stages before the migrations file hold both rules
    const { app } = build('kubectl');
    const out = app.output();
    const files = new Map([...out.files].map(([f, text]) => [f, parseAllDocuments(text).map((d) => d.toJS())]));
    const applied = [...(files.get('shop-prerequisites.k8s.yaml') ?? []), ...files.get('shop-migrations.k8s.yaml')!];
    const job = applied.find((d) => d.kind === 'Job').metadata.name;
    expect(TrafficEvaluator.fromManifests(applied).allows({ from: { workload: job, namespace: 'shop' }, to: { workload: 'shop-db', namespace: 'shop' }, port: 5432 })).toBe(true);
    // Argo CD: every wave up to the Job's holds both rules
    const docs = build('argocd').app.render().flatMap((f) => f.docs);
    const wave = (d: any) => Number(d.metadata.annotations[ARGOCD_SYNC_WAVE]);
    const jobDoc = docs.find((d) => d.kind === 'Job');
    const upToJob = docs.filter((d) => wave(d) <= wave(jobDoc));
    expect(TrafficEvaluator.fromManifests(upToJob).allows({ from: { workload: jobDoc.metadata.name, namespace: 'shop' }, to: { workload: 'shop-db', namespace: 'shop' }, port: 5432 })).toBe(true);
    expect(docs.filter((d) => d.kind === 'NetworkPolicy').every((d) => wave(d) < wave(jobDoc))).toBe(true);
  });

  test('a migration runs before every app, not only those in its before: another client of the database comes after it', () => {
    const build = (delivery: 'kubectl' | 'argocd') => {
      const app = new App({ delivery });
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
      const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
      const enricher = new WebApp(chart, 'enricher', { image: 'ghcr.io/acme/enricher:1.0.0' }); // needs the new schema too
      api.connectTo(db);
      enricher.connectTo(db);
      new Migration(chart, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', command: ['migrate'], connectTo: [db], before: [api] });
      return app;
    };
    const files = new Map([...build('kubectl').output().files].map(([f, text]) => [f, parseAllDocuments(text).map((d) => d.toJS())]));
    const names = (f: string) => (files.get(f) ?? []).map((d) => `${d.kind}/${d.metadata.name}`);
    expect(names('shop-prerequisites.k8s.yaml')).toContain('StatefulSet/shop-db');
    expect(names('shop-prerequisites.k8s.yaml').filter((n) => n.startsWith('Deployment/'))).toEqual([]);
    expect(names('shop.k8s.yaml')).toEqual(expect.arrayContaining(['Deployment/shop-api', 'Deployment/shop-enricher']));
    const docs = build('argocd').render().flatMap((f) => f.docs);
    const wave = (kind: string, name?: string) => Number(docs.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name)).metadata.annotations[ARGOCD_SYNC_WAVE]);
    expect(wave('Job')).toBeGreaterThan(wave('StatefulSet', 'shop-db'));
    expect(wave('Deployment', 'shop-enricher')).toBeGreaterThan(wave('Job'));
    expect(wave('Deployment', 'shop-api')).toBeGreaterThan(wave('Job'));
  });

  test('a migration that must run before another is a stage of its own (kubectl and Flux)', () => {
    for (const delivery of ['kubectl', 'flux'] as const) {
      const app = new App({ delivery });
      const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
      const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
      const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
      api.connectTo(db);
      const backfill = new Migration(chart, 'backfill', { image: 'ghcr.io/acme/api:1.0.0', command: ['backfill'], connectTo: [db], before: [api] });
      new Migration(chart, 'schema', { image: 'ghcr.io/acme/api:1.0.0', command: ['migrate'], connectTo: [db], before: [backfill] });
      const stages = app.output().stages.map((s) => [s.name, s.dependsOn]);
      expect(stages).toEqual([
        ['shop-prerequisites', []],
        ['shop-migrations', ['shop-prerequisites']],
        ['shop-migrations-2', ['shop-migrations']],
        ['shop', ['shop-migrations-2']],
      ]);
      const files = new Map([...app.output().files].map(([f, text]) => [f.replace(/^.*\//, ''), text]));
      expect(files.get('shop-migrations.k8s.yaml')).toMatch(/name: shop-schema-/);
      expect(files.get('shop-migrations-2.k8s.yaml')).toMatch(/name: shop-backfill-/);
    }
  });

  test('puts unknown kinds (custom resources) last', () => {
    expect(applyRank('Certificate')).toBe(APPLY_ORDER.length);
    expect(applyRank('')).toBe(APPLY_ORDER.length);
  });
});

describe('orderForApply', () => {
  test('sorts manifests by kind in apply order', () => {
    const input = [m('Deployment'), m('Certificate'), m('Service'), m('ConfigMap'), m('Namespace'), m('ServiceAccount')];
    expect(orderForApply(input).map((x) => x.kind)).toEqual(['Namespace', 'ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'Certificate']);
  });

  test('keeps the construct order within a kind (stable)', () => {
    const input = [m('ConfigMap', 'b'), m('Deployment', 'z'), m('ConfigMap', 'a'), m('Certificate', 'y'), m('ConfigMap', 'c'), m('Issuer', 'x')];
    expect(orderForApply(input).map((x) => `${x.kind}/${x.name}`)).toEqual([
      'ConfigMap/b', 'ConfigMap/a', 'ConfigMap/c', 'Deployment/z', 'Certificate/y', 'Issuer/x',
    ]);
  });

  test('keeps manifests without a kind, last', () => {
    const noKind = { name: 'raw' } as { kind?: string; name: string };
    expect(orderForApply([noKind, m('Service')]).map((x) => x.name)).toEqual(['service', 'raw']);
  });

  test('returns a new array and leaves the input alone', () => {
    const input = [m('Service'), m('Namespace')];
    const out = orderForApply(input);
    expect(out).not.toBe(input);
    expect(input.map((x) => x.kind)).toEqual(['Service', 'Namespace']);
  });

  test('returns the same order when sorted twice', () => {
    const input = [m('Job'), m('Secret', 's1'), m('Secret', 's2'), m('Namespace')];
    const once = orderForApply(input);
    expect(orderForApply(once)).toEqual(once);
  });
});

describe('orderForApply with dependencies', () => {
  const build = (depend: boolean) => {
    const app = new App({ outdir: '/nonexistent' });
    const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    const migrate = new BatchJob(chart, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', command: ['migrate'] });
    if (depend) api.node.addDependency(migrate);
    return { app, chart, web };
  };
  const workloads = (docs: any[]) => docs.filter((d) => ['Deployment', 'Job'].includes(d.kind)).map((d) => `${d.kind}/${d.metadata.name}`);

  test('a workload comes after the workloads it depends on, in Testing.synth and App.render', () => {
    const { app, chart } = build(true);
    expect(workloads(Testing.synth(chart))).toEqual(['Deployment/shop-web', expect.stringMatching(/^Job\/shop-migrate-/), 'Deployment/shop-api']);
    expect(workloads(app.render()[0].docs)).toEqual(['Deployment/shop-web', expect.stringMatching(/^Job\/shop-migrate-/), 'Deployment/shop-api']);
  });

  test('everything else keeps the kind order', () => {
    const { chart } = build(true);
    const kinds = Testing.synth(chart).map((d: any) => d.kind);
    expect(kinds.indexOf('Service')).toBeLessThan(kinds.indexOf('Job'));
    expect(kinds.lastIndexOf('ServiceAccount')).toBeLessThan(kinds.indexOf('Deployment'));
  });

  test('without dependencies, Jobs come after Deployments', () => {
    expect(workloads(Testing.synth(build(false).chart))).toEqual(['Deployment/shop-web', 'Deployment/shop-api', expect.stringMatching(/^Job\/shop-migrate-/)]);
  });
});
