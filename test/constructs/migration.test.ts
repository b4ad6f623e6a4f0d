import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { App, AppProps } from '../../src/app/app';
import { Redis } from '../../src/constructs/presets/redis';
import { thrown } from '../support/util';
import { k8sPodSpec } from '../policies/helpers';
import { TimonelChart } from '../../src/app/chart';
import { Migration } from '../../src/constructs/migration';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { TimonelError } from '../../src/core/errors';

function setup(props: Partial<ConstructorParameters<typeof Migration>[2]> = {}, labels?: Record<string, string>) {
  const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop', labels });
  const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
  const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', healthPath: '/healthz' });
  const migrate = new Migration(chart, 'migrate', { image: 'ghcr.io/acme/api:1.0.0', command: ['/app/api', 'migrate'], connectTo: [db], before: [api], ...props });
  api.connectTo(db);
  return { chart, db, api, migrate };
}

describe('Migration', () => {
  test('a one-off Job named by its spec hash, kept after it finished (no TTL), with the database env', () => {
    const { chart } = setup();
    const docs = Testing.synth(chart);
    const job = docs.find((d: any) => d.kind === 'Job');
    expect(job.metadata.name).toMatch(/^shop-migrate-[0-9a-f]{8}$/);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(expect.arrayContaining(['DB_HOST', 'DB_PORT', 'DB_PASSWORD']));
  });

  test('comes after the database and before the workloads in before', () => {
    const { chart } = setup();
    const order = Testing.synth(chart).map((d: any) => `${d.kind}/${d.metadata.name}`);
    const job = order.findIndex((x: string) => x.startsWith('Job/'));
    expect(order.indexOf('StatefulSet/shop-db')).toBeLessThan(job);
    expect(job).toBeLessThan(order.indexOf('Deployment/shop-api'));
  });

  test('a new image is a new Job (a new hash): the migration runs again only when its spec changes', () => {
    const a = Testing.synth(setup().chart).find((d: any) => d.kind === 'Job').metadata.name;
    const b = Testing.synth(setup({ image: 'ghcr.io/acme/api:1.1.0' }).chart).find((d: any) => d.kind === 'Job').metadata.name;
    expect(a).not.toBe(b);
    expect(Testing.synth(setup().chart).find((d: any) => d.kind === 'Job').metadata.name).toBe(a);
  });

  test('a chart label keeps the Job, so the migration does not run again; an env change runs it', () => {
    const name = (d: any[]) => d.find((x: any) => x.kind === 'Job').metadata.name;
    const a = name(Testing.synth(setup().chart));
    expect(name(Testing.synth(setup({}, { team: 'payments' }).chart))).toBe(a);
    expect(name(Testing.synth(setup({ env: { MIGRATE_LOCK_TIMEOUT: '30s' } }).chart))).not.toBe(a);
  });

  test('isMigration finds the migration from its objects', () => {
    const { migrate, api } = setup();
    expect(Migration.isMigration(migrate.job)).toBe(true);
    expect(Migration.isMigration(api)).toBe(false);
    expect(migrate.argocd).toBe('sync-wave');
  });

  test('fails when before is empty or argocd is unknown', () => {
    expect(() => setup({ before: [] })).toThrow(TimonelError);
    expect(() => setup({ before: [] })).toThrow(/\[shop\/migrate\] 'before' must name the workloads that wait for the migration, got \[\]\. Allowed: at least one a workload .*Fix: before: \[api\]$/);
    expect(thrown(() => setup({ argocd: 'post-sync' as any })).message)
      .toBe("[shop/migrate] 'argocd' is not one of the allowed values, got 'post-sync'. Allowed: 'sync-wave', 'pre-sync'. Fix: did you mean 'pre-sync'?");
  });
});

/** A shop chart with a database and an API, for Migrations built by `make`. */
function shop(make: (x: { app: App; chart: TimonelChart; db: PostgreSQL; api: WebApp }) => void, appProps: AppProps = {}): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-migration-')), ...appProps });
  const chart = new TimonelChart(app, 'shop', { namespace: 'shop' });
  const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db'), database: 'shop' });
  const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', healthPath: '/healthz' });
  api.connectTo(db);
  make({ app, chart, db, api });
  return app;
}

const IMAGE = 'ghcr.io/acme/api:1.0.0';
const WORKLOADS = 'Allowed: a workload that runs pods (a WebApp, Worker, StatefulStore, NodeAgent, BatchJob, or a cdk8s Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod), or a construct that contains one';

describe('Migration before', () => {
  const order = (app: App) => app.render().flatMap((f) => f.docs).map((d) => `${d.kind}/${d.metadata.name}`);
  const jobIndex = (names: string[]) => names.findIndex((n) => n.startsWith('Job/'));

  test('a construct that contains workloads (a group around the API) waits for the migration', () => {
    const app = shop(({ chart, db }) => {
      const group = new Construct(chart, 'backend');
      const api2 = new WebApp(group, 'api2', { image: IMAGE, healthPath: '/healthz' });
      api2.connectTo(db);
      new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [group] });
    });
    const names = order(app);
    const deployment = names.findIndex((n) => /^Deployment\/.*api2$/.test(n));
    expect(deployment).toBeGreaterThan(0);
    expect(jobIndex(names)).toBeLessThan(deployment);
  });

  test('plain cdk8s workloads wait for it too (a KubeDeployment, a cdk8s-plus Deployment)', () => {
    const app = shop(({ chart, db }) => {
      const plain = new k8s.KubeDeployment(chart, 'plain', {
        metadata: { name: 'plain' },
        spec: { selector: { matchLabels: { app: 'plain' } }, template: { metadata: { labels: { app: 'plain' } }, spec: k8sPodSpec() } },
      });
      new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [plain] });
    });
    const names = order(app);
    expect(jobIndex(names)).toBeLessThan(names.indexOf('Deployment/plain'));
    shop(({ chart, db }) => {
      const plus = new kplus.Deployment(chart, 'plus', { containers: [{ image: IMAGE }] });
      const m = new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [plus] });
      expect(plus.node.dependencies).toContain(m);
    });
  });

  test('fails when before holds a Service: it names the workload the Service belongs to', () => {
    const e = thrown(() => shop(({ chart, db, api }) => new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [api.service!] })));
    expect(e.message).toBe(`[shop/m] 'before[0]' is a Service, which runs no pods, so nothing would wait for the migration, got 'shop/api/Service'. ${WORKLOADS}. `
      + "Fix: 'shop/api/Service' belongs to the workload 'shop/api': write before: [api]");
    expect(e.prop).toBe('before[0]');
  });

  test('fails when before holds an empty construct', () => {
    const e = thrown(() => shop(({ chart, db }) => new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [new Construct(chart, 'group')] })));
    expect(e.message).toBe(`[shop/m] 'before[0]' runs no pods and holds no workload, so nothing would wait for the migration, got 'shop/group'. ${WORKLOADS}. `
      + 'Fix: list the workloads that need the migrated schema, e.g. before: [api]; a construct that groups workloads works once they are created in it, before the Migration');
  });

  test('fails when before holds a name, not the construct', () => {
    const e = thrown(() => shop(({ chart, db }) => new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: ['api' as any] })));
    expect(e.message).toBe(`[shop/m] 'before[0]' must be a construct, not its name, got 'api'. ${WORKLOADS}. Fix: pass the workload itself (the variable that holds it), e.g. before: [api]`);
  });

  test('fails when before holds what the migration connects to (a cycle)', () => {
    const e = thrown(() => shop(({ chart, db, api }) => new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [api, db] })));
    expect(e.message).toBe("[shop/m] 'before[1]' would make a dependency cycle: shop/db => shop/m => shop/db, got 'shop/db'. Allowed: workloads the Migration does not depend on. "
      + 'Fix: a Migration runs after what it connects to; list in before only the workloads that need the migrated schema, e.g. before: [api]');
  });

  test("fails when before holds the database; the fix's example names no other store, which would only wait for the migration", () => {
    const chart = new TimonelChart(Testing.app(), 'masto', { namespace: 'masto' });
    const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('db-auth') });
    new Redis(chart, 'redis', { credentials: StoreCredentials.fromSecret('redis-auth') });
    new WebApp(chart, 'web', { image: IMAGE });
    const e = thrown(() => new Migration(chart, 'migrate', { image: IMAGE, connectTo: [db], before: [db] }));
    expect(e.fix).toBe('a Migration runs after what it connects to; list in before only the workloads that need the migrated schema, e.g. before: [web]');
  });

  test('fails when before holds something the migration comes after through a chain of dependencies', () => {
    const e = thrown(() => shop(({ chart, db, api }) => {
      const cache = new Redis(chart, 'cache', { credentials: StoreCredentials.fromSecret('cache', { keys: { password: 'password' } }) });
      cache.node.addDependency(api);
      new Migration(chart, 'm', { image: IMAGE, connectTo: [db, cache], before: [api] });
    }));
    expect(e.message).toBe("[shop/m] 'before[0]' would make a dependency cycle: shop/api => shop/m => shop/cache => shop/api, got 'shop/api'. "
      + "Allowed: workloads the Migration does not depend on. Fix: the Migration already comes after 'shop/api' (shop/m => shop/cache ('connectTo' of shop/m); "
      + 'shop/cache => shop/api (node.addDependency)); list in before only the workloads that need the migrated schema');
  });

  test('fails when before holds the chart or the app that holds the migration', () => {
    expect(thrown(() => shop(({ chart, db }) => new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [chart] }))).message)
      .toBe("[shop/m] 'before[0]' would make a dependency cycle: shop => shop/m => shop: the chart holds this Migration, which would wait for itself, got 'shop'. "
        + 'Allowed: workloads that do not hold the Migration. Fix: list the workloads, not the chart: before: [api]');
    expect(thrown(() => shop(({ app, chart, db }) => new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [app] }))).message)
      .toBe("[shop/m] 'before[0]' would make a dependency cycle: the app => shop/m => the app: the app holds this Migration, which would wait for itself, got 'the app'. "
        + 'Allowed: workloads that do not hold the Migration. Fix: list the workloads, not the app: before: [api]');
  });

  test('fails when before holds a construct that holds the migration', () => {
    expect(thrown(() => shop(({ chart, db }) => {
      const group = new Construct(chart, 'backend');
      new WebApp(group, 'web', { image: IMAGE, healthPath: '/healthz' });
      new Migration(group, 'm', { image: IMAGE, connectTo: [db], before: [group] });
    })).message).toMatch(/^\[shop\/backend\/m\] 'before\[0\]' would make a dependency cycle: shop\/backend => shop\/backend\/m => shop\/backend: the construct holds this Migration.*Fix: list the workloads, not the construct that holds the Migration: before: \[web\]$/);
  });
});

describe('Migration props', () => {
  test('fails when given a CronJob prop (schedule would make it a CronJob)', () => {
    const e = thrown(() => setup({ schedule: '@daily' } as any));
    expect(e.message).toBe("[shop/migrate] 'schedule' is not a known prop: a Migration is a one-off Job, which runs once per change of its spec, got '@daily'. "
      + "Allowed: the props of Migration, such as 'image', 'allowUnpinnedImage', 'command', 'args', 'workingDir', 'env' (43 in all: docs/batch-job.md). "
      + "Fix: remove it; a job that runs on a schedule is a BatchJob with 'schedule', and a Migration runs again when its image or command changes");
    expect(thrown(() => setup({ timeZone: 'Europe/Madrid', suspend: true } as any)).message).toBe([
      '[shop/migrate] has 2 invalid props:',
      "  'timeZone' is not a known prop: it only applies to a CronJob, and a Migration is a one-off Job, got 'Europe/Madrid'. Allowed: the props of Migration, such as 'image', 'allowUnpinnedImage', 'command', 'args', 'workingDir', 'env' (43 in all: docs/batch-job.md). Fix: remove it (a job that runs on a schedule is a BatchJob with 'schedule')",
      "  'suspend' is not a known prop: a Migration is never suspended: the workloads in 'before' wait until it completes, got true. Allowed: the props of Migration, such as 'image', 'allowUnpinnedImage', 'command', 'args', 'workingDir', 'env' (43 in all: docs/batch-job.md). Fix: remove it; to not run a migration, remove the Migration (the workloads in 'before' then no longer wait)",
    ].join('\n'));
  });

  // Its Job's rules come from the BatchJob's props spec: one message, whichever construct checks them.
  test('fails when an Indexed parallelism is above 100000, or a podFailurePolicy has no rules, as a BatchJob does', () => {
    expect(thrown(() => setup({ completionMode: 'Indexed', completions: 200000, parallelism: 100001 })).message).toBe(
      "[shop/migrate] 'parallelism' must be at most 100000 in Indexed mode, got 100001. Allowed: an integer from 1 to 100000. "
      + 'Fix: lower parallelism to 100000 or less: the Job still runs every index, that many at a time');
    expect(thrown(() => setup({ podFailurePolicy: { ignoreDisruptions: false } })).message).toBe(
      "[shop/migrate] 'podFailurePolicy' has no rules, got {\"ignoreDisruptions\":false}. Allowed: failJobOnExitCodes, ignoreDisruptions or both. "
      + 'Fix: remove podFailurePolicy, or give it failJobOnExitCodes');
  });

  test('fails when given ttlSecondsAfterFinished: GitOps or the next apply would re-create the Job and run it again', () => {
    for (const delivery of ['argocd', 'kubectl'] as const) {
      const e = thrown(() => shop(({ chart, db, api }) => new Migration(chart, 'm', { image: IMAGE, connectTo: [db], before: [api], ttlSecondsAfterFinished: 600 } as any), { delivery }));
      expect(e.message).toBe("[shop/m] 'ttlSecondsAfterFinished' is not a known prop: a Migration's Job is kept after it finished, so that it runs once per change of its spec; "
        + 'a TTL deletes it, and Argo CD, Flux or the next kubectl apply re-creates it from the manifests: the migration runs again after every TTL, got 600. '
        + "Allowed: the props of Migration, such as 'image', 'allowUnpinnedImage', 'command', 'args', 'workingDir', 'env' (43 in all: docs/batch-job.md). "
        + 'Fix: remove it: a new image or command is a new Job (a new name), and the finished one is pruned (Argo CD, Flux, or kubectl with an ApplySet)');
    }
  });
});
