import { PostgreSQL } from '../../src/constructs/presets/postgres';
import { StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp, WebAppProps } from '../../src/constructs/web-app';
import { TimonelError } from '../../src/core/errors';
import { expectValidManifests } from '../support/schema';
import { newChart, one, podSpec, synth } from '../support/util';

const IMAGE = 'ghcr.io/acme/api:1.0.0';
const MIGRATE = { name: 'migrate', image: 'ghcr.io/acme/api-migrate:1.0.0', env: { MIGRATIONS: '/migrations' } };
const PROXY = { name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.0' };

function shop(props: Partial<WebAppProps> = { initContainers: [MIGRATE], sidecars: [PROXY] }) {
  const chart = newChart('shop', { namespace: 'shop' });
  const db = new PostgreSQL(chart, 'db', { credentials: StoreCredentials.fromSecret('shop-db-admin') });
  const api = new WebApp(chart, 'api', { image: IMAGE, ...props });
  return { chart, db, api };
}

const names = (c: any) => (c.env ?? []).map((e: any) => e.name);
const DB_ENV = ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD'];

describe('connectTo containers', () => {
  test("'main' by default: sidecars and init containers get nothing", () => {
    const { chart, db, api } = shop();
    api.connectTo(db);
    const spec = podSpec(one(synth(chart), 'Deployment'));
    expect(names(spec.containers[0])).toEqual(DB_ENV);
    expect(names(spec.containers[1])).toEqual([]);
    expect(names(spec.initContainers[0])).toEqual(['MIGRATIONS']);
  });

  test('named containers: the main one and the migration init container, after its own env', () => {
    const { chart, db, api } = shop();
    api.connectTo(db, { containers: ['main', 'migrate'], envForm: ['host-port', 'url'], url: { scheme: 'postgresql' } });
    const objs = synth(chart);
    const spec = podSpec(one(objs, 'Deployment'));
    expect(names(spec.containers[0])).toEqual([...DB_ENV, 'DB_URL']);
    expect(names(spec.initContainers[0])).toEqual(['MIGRATIONS', ...DB_ENV, 'DB_URL']);
    expect(spec.initContainers[0].env.find((e: any) => e.name === 'DB_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'shop-db-admin', key: 'password' } });
    expect(names(spec.containers[1])).toEqual([]);
    expectValidManifests(objs);
  });

  test("'all': main, sidecars and init containers", () => {
    const { chart, db, api } = shop();
    api.connectTo(db, { containers: 'all' });
    const spec = podSpec(one(synth(chart), 'Deployment'));
    expect(spec.containers.map(names)).toEqual([DB_ENV, DB_ENV]);
    expect(names(spec.initContainers[0])).toEqual(['MIGRATIONS', ...DB_ENV]);
  });

  test('only an init container', () => {
    const { chart, db, api } = shop();
    api.connectTo(db, { containers: ['migrate'] });
    const spec = podSpec(one(synth(chart), 'Deployment'));
    expect(names(spec.containers[0])).toEqual([]);
    expect(names(spec.initContainers[0])).toEqual(['MIGRATIONS', ...DB_ENV]);
  });

  test('a container name the pod lacks is a TimonelError listing the names, and nothing is wired', () => {
    const { chart, db, api } = shop();
    let err: TimonelError | undefined;
    try {
      api.connectTo(db, { containers: ['main', 'migrations'] });
    } catch (e) {
      err = e as TimonelError;
    }
    expect(err).toBeInstanceOf(TimonelError);
    expect(err!.message).toBe(
      "[shop/api] 'connectTo.containers[1]' names no container of the pod, got 'migrations'. Allowed: 'main', 'all', or a list of 'main', 'proxy', 'migrate'. Fix: add the container as a sidecar or init container first, or fix the name",
    );
    expect(synth(chart).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test("a variable the init container defines already is a clash there, and the main container stays unchanged", () => {
    const { chart, db, api } = shop({ initContainers: [{ ...MIGRATE, env: { DB_HOST: 'elsewhere' } }] });
    expect(() => api.connectTo(db, { containers: 'all' })).toThrow("[shop/api] 'connectTo(db)' defines the variable 'DB_HOST' twice");
    const spec = podSpec(one(synth(chart), 'Deployment'));
    expect(names(spec.containers[0])).toEqual([]);
  });

  test("a single name is refused with the list to write, and the allowed forms", () => {
    const { db, api } = shop();
    let err: any;
    try {
      api.connectTo(db, { containers: 'migrate' as any });
    } catch (e) {
      err = e;
    }
    expect(err.message).toBe(
      "[shop/api] 'connectTo.containers' is not one of the allowed values, got 'migrate'. Allowed: 'main', 'all', or a list of container names such as ['main', 'migrate']. Fix: for one container, write ['migrate']",
    );
  });

  test('fails when containers are names in one string, with the list of them as the fix (trial AA4)', () => {
    const { db, api } = shop();
    expect(() => api.connectTo(db, { containers: 'main,migrate' as any })).toThrow(
      "[shop/api] 'connectTo.containers' is not one of the allowed values, got 'main,migrate'. Allowed: 'main', 'all', or a list of container names such as ['main', 'migrate']. Fix: for several containers, write a list: ['main', 'migrate']",
    );
    expect(() => api.connectTo(db, { containers: 'main migrate' as any })).toThrow("Fix: for several containers, write a list: ['main', 'migrate']");
  });

  test.each([
    ['an empty list', [], 'connectTo.containers'],
    ['a string that is no keyword', 'migrate', 'connectTo.containers'],
    ['the same container twice', ['main', 'main'], 'connectTo.containers[1]'],
  ])('bad containers (%s) is a TimonelError at the prop', (_what, containers, prop) => {
    const { db, api } = shop();
    let err: any;
    try {
      api.connectTo(db, { containers: containers as any });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TimonelError);
    expect(err.problems.map((p: TimonelError) => p.prop)).toContain(prop);
  });
});
