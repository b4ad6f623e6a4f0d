import { Testing } from 'cdk8s';
import { TimonelChart } from '../../src/app/chart';
import { Migration } from '../../src/constructs/migration';
import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { TimonelError } from '../../src/core/errors';

function setup(props: Partial<ConstructorParameters<typeof Migration>[2]> = {}) {
  const chart = new TimonelChart(Testing.app(), 'shop', { namespace: 'shop' });
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

  test('isMigration finds the migration from its objects', () => {
    const { migrate, api } = setup();
    expect(Migration.isMigration(migrate.job)).toBe(true);
    expect(Migration.isMigration(api)).toBe(false);
    expect(migrate.argocd).toBe('sync-wave');
  });

  test('fails when before is empty or argocd is unknown', () => {
    expect(() => setup({ before: [] })).toThrow(TimonelError);
    expect(() => setup({ before: [] })).toThrow(/\[shop\/migrate\] 'before' must name the workloads that wait for the migration/);
    expect(() => setup({ argocd: 'post-sync' as any })).toThrow(/'argocd' is not a way to run a migration, got 'post-sync'/);
  });
});
