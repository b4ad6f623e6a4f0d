import { PostgreSQL, PostgreSQLProps } from '../../src/constructs/presets/postgres';
import { Redis, RedisProps } from '../../src/constructs/presets/redis';
import { StatefulStore, StoreCredentials } from '../../src/constructs/stateful-store';
import { WebApp } from '../../src/constructs/web-app';
import { EnvValue } from '../../src/core/env';
import { Policy } from '../../src/policies/policy';
import { TrafficEvaluator } from '../../src/policies/traffic';
import { expectValidManifests } from '../support/schema';
import { all, newChart, one, podSpec, synth } from '../support/util';

const PG_CREDS = StoreCredentials.fromSecret('shop-db-admin');
const REDIS_CREDS = StoreCredentials.fromSecret('shop-cache-auth', { keys: { password: 'password' } });

function renderPg(props: Partial<PostgreSQLProps> = {}): any[] {
  const chart = newChart('shop', { namespace: 'shop' });
  new PostgreSQL(chart, 'db', { credentials: PG_CREDS, ...props });
  return synth(chart);
}

function renderRedis(props: Partial<RedisProps> = {}): any[] {
  const chart = newChart('shop', { namespace: 'shop' });
  new Redis(chart, 'cache', { credentials: REDIS_CREDS, ...props });
  return synth(chart);
}

const main = (objs: any[]) => podSpec(one(objs, 'StatefulSet')).containers[0];
const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('PostgreSQL', () => {
  test('matches the defaults snapshot', () => {
    const objs = renderPg();
    expect(objs).toMatchSnapshot();
    expectValidManifests(objs);
  });

  test('is a StatefulStore on postgres:16.4, port 5432 named postgres', () => {
    const store = new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS });
    expect(store).toBeInstanceOf(StatefulStore);
    const c = main(synth(store.chart));
    expect(c.image).toBe('postgres:16.4');
    expect(c.ports).toEqual([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
    expect(one(synth(store.chart), 'Service', 'shop-db').spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }]);
  });

  test('credentials and PGDATA come from the env; secrets only by reference', () => {
    expect(envOf(main(renderPg()))).toEqual({
      PGDATA: '/var/lib/postgresql/data/pgdata',
      POSTGRES_USER: { secretKeyRef: { name: 'shop-db-admin', key: 'username' } },
      POSTGRES_PASSWORD: { secretKeyRef: { name: 'shop-db-admin', key: 'password' } },
    });
  });

  test('POSTGRES_DB from the database prop, or from the credentials when they have a database key', () => {
    expect(envOf(main(renderPg({ database: 'shop' }))).POSTGRES_DB).toBe('shop');
    const creds = StoreCredentials.fromSecret('pg', { keys: { username: 'u', password: 'p', database: 'd' } });
    expect(envOf(main(renderPg({ credentials: creds }))).POSTGRES_DB).toEqual({ secretKeyRef: { name: 'pg', key: 'd' } });
  });

  test('runs as 999 with a retained data volume and a writable socket directory', () => {
    const objs = renderPg();
    const pod = podSpec(one(objs, 'StatefulSet'));
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.volumes).toContainEqual({ name: 'run', emptyDir: { sizeLimit: '16Mi' } });
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
      { name: 'run', mountPath: '/var/run/postgresql' },
    ]);
    expect(one(objs, 'StatefulSet').spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('pg_isready through a shell for startup and readiness (probes do not expand Secret env), TCP liveness', () => {
    const c = main(renderPg());
    const cmd = ['sh', '-c', 'exec pg_isready -q -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER"'];
    expect(c.startupProbe).toMatchObject({ exec: { command: cmd }, periodSeconds: 10, failureThreshold: 60 });
    expect(c.readinessProbe).toMatchObject({ exec: { command: cmd } });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'postgres' }, failureThreshold: 6 });
  });

  test('memory fits the default shared_buffers; component is database', () => {
    const objs = renderPg();
    expect(main(objs).resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(one(objs, 'StatefulSet').metadata.labels['app.kubernetes.io/component']).toBe('database');
  });

  test('storage options size the data claim', () => {
    const t = one(renderPg({ storage: { size: '50Gi', storageClassName: 'fast-ssd' } }), 'StatefulSet').spec.volumeClaimTemplates[0];
    expect(t.metadata.name).toBe('data');
    expect(t.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } } });
  });

  test('an ExternalSecret fills the credentials', () => {
    const objs = renderPg({ credentials: StoreCredentials.fromExternalSecret({ store: 'vault', storeKind: 'ClusterSecretStore', remoteKey: 'shop/db' }) });
    expect(one(objs, 'ExternalSecret').spec.target.name).toBe('shop-db-credentials');
    expect(envOf(main(objs)).POSTGRES_PASSWORD).toEqual({ secretKeyRef: { name: 'shop-db-credentials', key: 'password' } });
    expect(all(objs, 'Secret')).toEqual([]);
    expectValidManifests(objs, { skipCustomResources: true });
  });

  test('keys that name one role read the others from keys of their own name', () => {
    const db = new PostgreSQL(newChart('shop'), 'db', { credentials: StoreCredentials.fromSecret('pg', { keys: { password: 'pw' } }) });
    const env = envOf(main(synth(db.node.scope as never)));
    expect([env.POSTGRES_USER, env.POSTGRES_PASSWORD]).toEqual([
      { secretKeyRef: { name: 'pg', key: 'username' } }, { secretKeyRef: { name: 'pg', key: 'pw' } },
    ]);
  });

  test('a client gets DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (and DB_DATABASE)', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: PG_CREDS, database: 'shop' });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    api.connectTo(db);
    const env = envOf(podSpec(one(synth(chart), 'Deployment')).containers[0]);
    expect(env).toEqual({
      DB_HOST: 'shop-db.shop.svc',
      DB_PORT: '5432',
      DB_USER: { secretKeyRef: { name: 'shop-db-admin', key: 'username' } },
      DB_PASSWORD: { secretKeyRef: { name: 'shop-db-admin', key: 'password' } },
      DB_DATABASE: 'shop',
    });
  });

  test.each([
    ['replicas is 2', { replicas: 2 }, /\[shop\/db\] 'replicas' must be 0 or 1: a second pod would be another PostgreSQL server with its own data behind the same Service \(not a replica\), so clients would see different data, got 2\. Allowed: 0 \(stopped\) or 1\. Fix: use 1 \(0 stops it\); for replication or failover use a PostgreSQL operator such as CloudNativePG/],
    ['credentials are missing', { credentials: undefined }, /\[shop\/db\] 'credentials' is required: the image does not start without a password/],
    ['POSTGRES_PASSWORD is set as a literal', { env: { POSTGRES_PASSWORD: 'postgres' } }, /'env\.POSTGRES_PASSWORD' is a literal value/],
    ['the storage size is "10GB"', { storage: { size: '10GB' } }, /'storage\.size' is not a valid Kubernetes storage quantity, got '10GB'.*Fix: write '10Gi'/],
    ['a disruption budget is requested over its one pod (trial V6)', { disruptionBudget: true },
      /^\[shop\/db\] 'disruptionBudget' is requested with 1 replica: a budget of maxUnavailable 1 lets a node drain evict the only pod, so it would protect nothing, got true\. Allowed: no disruptionBudget \(PostgreSQL runs one pod at most\)\. Fix: remove 'disruptionBudget': a single pod is down while a drain moves it, whatever the budget$/],
  ])('fails when %s', (_what, props, message) => {
    expect(() => new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS, ...(props as Partial<PostgreSQLProps>) } as PostgreSQLProps)).toThrow(message);
  });
});

describe('presets: service (IP families)', () => {
  test('PostgreSQL and Redis take service.dualStack, on both Services', () => {
    for (const objs of [renderPg({ service: { dualStack: true } }), renderRedis({ service: { dualStack: true } })]) {
      expect(all(objs, 'Service').map((x) => [x.spec.ipFamilyPolicy, x.spec.ipFamilies])).toEqual([
        ['PreferDualStack', ['IPv4', 'IPv6']], ['PreferDualStack', ['IPv4', 'IPv6']],
      ]);
    }
  });

  test('fails when dualStack is given beside service, not in it', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    expect(() => new Redis(chart, 'cache', { credentials: REDIS_CREDS, dualStack: true } as any)).toThrow(
      "[shop/cache] 'dualStack' is not a known prop, got true. Allowed: the props of Redis, such as 'allowUnpinnedImage', 'command', 'workingDir', 'env', 'envFromSecrets', 'envFromConfigMaps' (58 in all: docs/stateful-store.md). Fix: it belongs inside 'service': write service: { dualStack: … }",
    );
    expect(() => new PostgreSQL(chart, 'db', { credentials: PG_CREDS, service: { dualStack: 'yes' } } as any)).toThrow(
      "[shop/db] 'service.dualStack' must be true or false, but is a string, got 'yes'. Allowed: true or false. Fix: write true or false, without quotes",
    );
  });
});

describe('Redis', () => {
  test('matches the defaults snapshot', () => {
    const objs = renderRedis();
    expect(objs).toMatchSnapshot();
    expectValidManifests(objs);
  });

  test('is a StatefulStore on redis:7.4.1, port 6379 named redis, component database (a cache in mode cache)', () => {
    const objs = renderRedis();
    const c = main(objs);
    expect(c.image).toBe('redis:7.4.1');
    expect(c.ports).toEqual([{ name: 'redis', containerPort: 6379, protocol: 'TCP' }]);
    // A Redis of record (mode 'store') is labelled as one; only mode 'cache' is a cache (was 'cache' for both).
    expect(one(objs, 'StatefulSet').metadata.labels['app.kubernetes.io/component']).toBe('database');
    const cache = renderRedis({ mode: 'cache' });
    expect(one(cache, 'StatefulSet').metadata.labels['app.kubernetes.io/component']).toBe('cache');
  });

  test('persistence and the password through args; the password from the credentials Secret', () => {
    const c = main(renderRedis());
    expect(c.args).toEqual([
      '--port', '6379', '--dir', '/data', '--appendonly', 'yes', '--save', '3600 1 300 100 60 10000', '--requirepass', '$(REDIS_PASSWORD)',
    ]);
    expect(envOf(c)).toEqual({
      REDIS_PASSWORD: { secretKeyRef: { name: 'shop-cache-auth', key: 'password' } },
      REDISCLI_AUTH: { secretKeyRef: { name: 'shop-cache-auth', key: 'password' } },
    });
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });

  test('appendOnly, save and extraArgs', () => {
    const c = main(renderRedis({ appendOnly: false, save: '', extraArgs: ['--maxmemory-samples', '10'] }));
    expect(c.args).toEqual([
      '--port', '6379', '--dir', '/data', '--appendonly', 'no', '--save', '', '--requirepass', '$(REDIS_PASSWORD)', '--maxmemory-samples', '10',
    ]);
  });

  test('runs as 999; redis-cli ping for startup and readiness, TCP liveness', () => {
    const objs = renderRedis();
    expect(podSpec(one(objs, 'StatefulSet')).securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    const c = main(objs);
    const cmd = ['sh', '-c', 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'];
    expect(c.startupProbe).toMatchObject({ exec: { command: cmd }, failureThreshold: 60 });
    expect(c.readinessProbe).toMatchObject({ exec: { command: cmd } });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'redis' } });
  });

  test('a client gets CACHE_HOST, CACHE_PORT and CACHE_PASSWORD, no user', () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const cache = new Redis(chart, 'cache', { credentials: REDIS_CREDS });
    new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' }).connectTo(cache);
    const env = envOf(podSpec(one(synth(chart), 'Deployment')).containers[0]);
    expect(env).toEqual({
      CACHE_HOST: 'shop-cache.shop.svc',
      CACHE_PORT: '6379',
      CACHE_PASSWORD: { secretKeyRef: { name: 'shop-cache-auth', key: 'password' } },
    });
  });

  test('fromSecret without keys defaults to the password key only', () => {
    const cache = new Redis(newChart('shop'), 'cache', { credentials: StoreCredentials.fromSecret('auth') });
    expect(cache.credentials!.keys).toEqual({ password: 'password' });
  });

  test.each([
    ['replicas is 3', { replicas: 3 }, /\[shop\/cache\] 'replicas' must be 0 or 1: a second pod would be another Redis server with its own data behind the same Service \(not a replica\).*, got 3\. Allowed: 0 \(stopped\) or 1\. Fix: use 1 \(0 stops it\); for replication or failover use a Redis operator or Sentinel/],
    ['credentials are missing', { credentials: undefined }, /\[shop\/cache\] 'credentials' is required: Redis without a password is open/],
    ['a disruption budget is requested over its one pod (trial V6)', { disruptionBudget: true }, /\[shop\/cache\] 'disruptionBudget' is requested with 1 replica: .*protect nothing, got true\. Allowed: no disruptionBudget \(Redis runs one pod at most\)/],
    // A reference, not a literal: the collision with the preset's own variable is what fails.
    ['REDIS_PASSWORD is also given as env', { env: { REDIS_PASSWORD: EnvValue.fromSecret('other', 'password') } }, /'addEnv' defines the variable 'REDIS_PASSWORD' twice/],
  ])('fails when %s', (_what, props, message) => {
    expect(() => new Redis(newChart('shop'), 'cache', { credentials: REDIS_CREDS, ...(props as Partial<RedisProps>) } as RedisProps)).toThrow(message);
  });
});


describe('URL schemes of connectTo', () => {
  test("envForm 'url' needs no url.scheme: postgresql for PostgreSQL, redis for Redis, http for a WebApp", () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const db = new PostgreSQL(chart, 'db', { credentials: PG_CREDS, database: 'shop' });
    const cache = new Redis(chart, 'cache', { credentials: REDIS_CREDS });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    api.connectTo(db, { envForm: 'url' });
    api.connectTo(cache, { envForm: 'url' });
    web.connectTo(api, { envForm: 'url' });
    expect([db.endpoint.scheme, cache.endpoint.scheme, api.endpoint.scheme]).toEqual(['postgresql', 'redis', 'http']);
    const objs = synth(chart);
    const apiEnv = envOf(podSpec(one(objs, 'Deployment', 'shop-api')).containers[0]);
    expect(apiEnv.DB_URL).toBe('postgresql://$(DB_USER):$(DB_PASSWORD)@shop-db.shop.svc:5432/$(DB_DATABASE)');
    expect(apiEnv.CACHE_URL).toBe('redis://:$(CACHE_PASSWORD)@shop-cache.shop.svc:6379');
    expect(envOf(podSpec(one(objs, 'Deployment', 'shop-web')).containers[0])).toEqual({ API_URL: 'http://shop-api.shop.svc:80' });
  });

  test("a preset's scheme can be changed (e.g. 'rediss' behind TLS); url.scheme still wins", () => {
    const chart = newChart('shop', { namespace: 'shop' });
    const cache = new Redis(chart, 'cache', { credentials: REDIS_CREDS, scheme: 'rediss' });
    const db = new PostgreSQL(chart, 'db', { credentials: PG_CREDS });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    api.connectTo(cache, { envForm: 'url', url: { credentials: false } });
    api.connectTo(db, { envForm: 'url', url: { scheme: 'postgres', credentials: false } });
    const env = envOf(podSpec(one(synth(chart), 'Deployment')).containers[0]);
    expect(env.CACHE_URL).toBe('rediss://shop-cache.shop.svc:6379');
    expect(env.DB_URL).toBe('postgres://shop-db.shop.svc:5432');
  });

  test('fails when the scheme is not a URL scheme', () => {
    expect(() => new Redis(newChart('shop'), 'cache', { credentials: REDIS_CREDS, scheme: 'Redis' })).toThrow(
      /\[shop\/cache\] 'scheme' is not a URL scheme, got 'Redis'\. Allowed: a lowercase URL scheme such as 'http', 'postgresql' or 'redis'/,
    );
  });
});

describe('Redis as a cache', () => {
  function renderCache(props: Partial<RedisProps> = {}, clients = true) {
    const chart = newChart('shop', { namespace: 'shop' });
    const cache = new Redis(chart, 'carts', { mode: 'cache', ...props });
    const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    new WebApp(chart, 'other', { image: 'ghcr.io/acme/other:1.0.0' });
    if (clients) api.connectTo(cache, { envForm: 'url' });
    return { cache, objs: synth(chart) };
  }

  test('matches the defaults snapshot', () => {
    const { objs } = renderCache({}, false);
    expect(objs.filter((o) => o.metadata.name === 'shop-carts')).toMatchSnapshot();
    expectValidManifests(objs);
  });

  test('no persistence: no claim, no AOF, no snapshots, /data on an emptyDir; annotated as a cache', () => {
    const { cache, objs } = renderCache();
    expect(cache.mode).toBe('cache');
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(sts.metadata.annotations).toEqual({ 'timonel.dev/data': 'cache' });
    const pod = podSpec(sts);
    expect(pod.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(main(objs).args).toEqual([
      '--port', '6379', '--dir', '/data', '--appendonly', 'no', '--save', '', '--maxmemory', '192mb', '--maxmemory-policy', 'allkeys-lru', '--protected-mode', 'no',
    ]);
  });

  test('--maxmemory is 75% of the memory limit (or of a request above the default limit), or maxMemory', () => {
    expect(main(renderCache({ resources: { memory: { limit: '1Gi' } } }).objs).args).toContain('768mb');
    expect(main(renderCache({ resources: { memory: { request: '512Mi' } } }).objs).args).toContain('384mb');
    const args = main(renderCache({ maxMemory: '100Mi', maxMemoryPolicy: 'allkeys-lfu' }).objs).args;
    expect(args.slice(args.indexOf('--maxmemory'), args.indexOf('--maxmemory') + 4)).toEqual(['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lfu']);
    expect(main(renderCache({ maxMemory: '100M' }).objs).args).toContain('100000000');
  });

  test('without credentials: no password anywhere, and the client URL has no userinfo', () => {
    const { objs } = renderCache();
    expect(main(objs).env).toBeUndefined();
    expect(main(objs).args).not.toContain('--requirepass');
    expect(envOf(podSpec(one(objs, 'Deployment', 'shop-api')).containers[0])).toEqual({ CARTS_URL: 'redis://shop-carts.shop.svc:6379' });
  });

  test('without credentials it is isolated even before its first client: only declared clients reach it', () => {
    const alone = renderCache({}, false).objs;
    const own = one(alone, 'NetworkPolicy', 'shop-carts');
    expect(own.spec).toEqual({ podSelector: { matchLabels: one(alone, 'StatefulSet').spec.selector.matchLabels }, policyTypes: ['Ingress'], ingress: [] });
    const t = TrafficEvaluator.fromManifests(renderCache().objs);
    expect(t.allows({ from: { workload: 'shop-api', namespace: 'shop' }, to: { workload: 'shop-carts', namespace: 'shop' }, port: 6379 })).toBe(true);
    expect(t.allows({ from: { workload: 'shop-other', namespace: 'shop' }, to: { workload: 'shop-carts', namespace: 'shop' }, port: 6379 })).toBe(false);
    expect(all(renderCache({ isolate: false }, false).objs, 'NetworkPolicy')).toEqual([]);
  });

  test('fails when isolate is false and a client connects (the client would isolate it anyway)', () => {
    const e = (() => { try { renderCache({ isolate: false }); } catch (x) { return x as Error; } throw new Error('no error'); })();
    expect(e.message).toContain("[shop/carts] 'isolate' is false, but a client (connectTo, allowFrom) or NetworkAccess.isolate() isolates the pods anyway: its NetworkPolicy admits only the declared clients and entry, and every other pod is refused, got false. "
      + "Allowed: isolate: false on a workload nothing isolates; no isolate where clients are declared. Fix: remove isolate: false (the clients isolate the pods); where other pods must still reach the store, admit them with allowFrom({ namespace: 'ops' })");
    // Left out, the default: a store (or a Redis with credentials) is isolated by its first client, as before.
    expect(() => renderCache({ credentials: REDIS_CREDS })).not.toThrow();
  });

  test('with credentials: a password as in mode store, and not isolated before a client', () => {
    const { objs } = renderCache({ credentials: REDIS_CREDS });
    expect(main(objs).args).toContain('--requirepass');
    expect(main(objs).args).not.toContain('--protected-mode');
    expect(envOf(podSpec(one(objs, 'Deployment', 'shop-api')).containers[0])).toEqual({
      CARTS_PASSWORD: { secretKeyRef: { name: 'shop-cache-auth', key: 'password' } },
      CARTS_URL: 'redis://:$(CARTS_PASSWORD)@shop-carts.shop.svc:6379',
    });
    expect(all(renderCache({ credentials: REDIS_CREDS }, false).objs, 'NetworkPolicy')).toEqual([]);
  });

  test('persistence can be turned back on: ephemeral false gives a claim, save and appendOnly are kept', () => {
    const { objs } = renderCache({ ephemeral: false, save: '900 1', storage: { size: '1Gi' } });
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(sts.metadata.annotations).toBeUndefined();
    expect(main(objs).args.slice(4, 8)).toEqual(['--appendonly', 'no', '--save', '900 1']);
  });

  test.each([
    ['maxMemory is above the memory limit', { maxMemory: '300Mi' }, "[shop/carts] 'maxMemory' is above the memory limit: the pod would be killed before Redis evicts a key, got '300Mi'. Allowed: at most the memory limit (256Mi), better about 75% of it"],
    ['the eviction policy is unknown', { maxMemoryPolicy: 'lru' }, "[shop/carts] 'maxMemoryPolicy' is not one of the allowed values, got 'lru'"],
    ['the mode is unknown', { mode: 'queue' }, "[shop/carts] 'mode' is not one of the allowed values, got 'queue'. Allowed: 'store', 'cache'"],
    ['the memory limit leaves no room for data', { resources: { memory: { request: '1Mi', limit: '1Mi' } } }, "[shop/carts] 'resources.memory.limit' leaves less than 1Mi for a cache's data"],
    ['an ephemeral cache is given a storage class', { storage: { storageClassName: 'fast' } }, "[shop/carts] 'storage.storageClassName' has no effect: the data is on an emptyDir (ephemeral), not on a volume claim, got 'fast'. Allowed: storage.storageClassName with ephemeral: false only. Fix: remove it (storage.size is the emptyDir's size limit), or set 'ephemeral: false' for a persistent volume"],
  ])('fails when %s', (_what, props, message) => {
    expect(() => new Redis(newChart('shop'), 'carts', { mode: 'cache', ...(props as Partial<RedisProps>) })).toThrow(message);
  });

  test("mode 'store' still requires credentials and says how to make a cache instead", () => {
    expect(() => new Redis(newChart('shop'), 'cache', {})).toThrow(
      /\[shop\/cache\] 'credentials' is required: Redis without a password is open to every pod that reaches it \(mode 'store'\).*mode 'cache' makes them optional/,
    );
  });
});

describe('ephemeral PostgreSQL and Redis (development)', () => {
  test('PostgreSQL: data on an emptyDir sized by storage.size, no claim, annotated; default stays persistent', () => {
    const objs = renderPg({ ephemeral: true, storage: { size: '2Gi' } });
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(sts.metadata.annotations).toEqual({ 'timonel.dev/data': 'ephemeral' });
    const pod = podSpec(sts);
    expect(pod.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '2Gi' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(envOf(pod.containers[0]).PGDATA).toBe('/var/lib/postgresql/data/pgdata');
    expectValidManifests(objs);
    const persistent = one(renderPg(), 'StatefulSet');
    expect(persistent.spec.volumeClaimTemplates).toHaveLength(1);
    expect(persistent.metadata.annotations).toBeUndefined();
  });

  test('Redis store: ephemeral keeps AOF and snapshots (they survive container restarts), with a 1Gi default limit', () => {
    const objs = renderRedis({ ephemeral: true });
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(podSpec(sts).volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
    expect(main(objs).args).toContain('--requirepass');
    expect(main(objs).args.slice(4, 6)).toEqual(['--appendonly', 'yes']);
  });

  test("the policy warns about an ephemeral store (practice-ephemeral-data), not about a cache", () => {
    const chart = newChart('shop', { namespace: 'shop' });
    new PostgreSQL(chart, 'db', { credentials: PG_CREDS, ephemeral: true });
    new Redis(chart, 'carts', { mode: 'cache' });
    synth(chart);
    const rules = (chart: any) => Policy.lastReport(chart)!.warnings.map((f) => `${f.ruleId} ${f.message.split(' ').slice(1, 3).join(' ')}`);
    expect(rules(chart).filter((r) => r.startsWith('practice-ephemeral-data'))).toEqual(['practice-ephemeral-data StatefulSet shop/shop-db']);
  });

  test.each([
    ['accessModes', { storage: { accessModes: ['ReadWriteOnce'] } }, "[shop/db] 'storage.accessModes' has no effect: the data is on an emptyDir (ephemeral)"],
    ['deleteVolumesOnDelete', { deleteVolumesOnDelete: true }, "[shop/db] 'deleteVolumesOnDelete' has no effect: the data is on an emptyDir (ephemeral)"],
    ['ephemeral is not a boolean', { ephemeral: 'yes' }, "[shop/db] 'ephemeral' must be true or false, but is a string"],
  ])('fails when an ephemeral PostgreSQL gets %s', (_what, props, message) => {
    expect(() => new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS, ephemeral: true, ...(props as Partial<PostgreSQLProps>) })).toThrow(message);
  });
});

describe('storage sizes that are a unit mistake', () => {
  test("fails when a PostgreSQL storage size has no unit ('100' was a 100-byte volume)", () => {
    expect(() => new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS, storage: { size: '100' } })).toThrow(
      "[shop/db] 'storage.size' has no unit, so it is 100 bytes: too small for a volume, probably a missing unit, got '100'. Allowed: bytes with a binary suffix: '10Gi', '512Mi', at least 1Mi. Fix: write '100Gi' (or '100Mi')",
    );
  });

  test("fails when a claim is below 1Mi with a unit ('100Ki')", () => {
    expect(() => new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS, storage: { size: '100Ki' } })).toThrow(/'storage\.size' is 102400 bytes, below 1Mi: too small for a volume.*Fix: write '100Gi' \(or '100Mi'\)$/);
    expect(() => new StatefulStore(newChart('shop'), 'kv', { image: 'ghcr.io/acme/kv:1.0.0', port: 6379, storage: [{ mountPath: '/data', size: '512' }] })).toThrow(
      /^\[shop\/kv\] 'storage\[0\]\.size' has no unit, so it is 512 bytes.*Fix: write '512Gi' \(or '512Mi'\)$/,
    );
  });

  test("fails when an ephemeral store's size has no unit, suggesting Mi first; a tiny size with a unit passes", () => {
    expect(() => new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS, ephemeral: true, storage: { size: '100' } })).toThrow(
      /'storage\.size' has no unit, so it is 100 bytes: too small for an emptyDir size limit.*Fix: write '100Mi' \(or '100Gi'\)$/,
    );
    expect(() => new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS, ephemeral: true, storage: { size: '512Ki' } })).not.toThrow();
  });

  test('fails when an emptyDir sizeLimit has no unit; tiny limits with a unit and unitless bytes from 1Mi pass', () => {
    const web = (sizeLimit: string) => () => new WebApp(newChart('shop'), 'web', { image: 'ghcr.io/acme/web:1.0.0', volumes: [{ name: 'x', emptyDir: { sizeLimit } }] });
    expect(web('100')).toThrow(/^\[shop\/web\] 'volumes\[0\]\.emptyDir\.sizeLimit' has no unit, so it is 100 bytes: too small for an emptyDir size limit, probably a missing unit, got '100'\..*Fix: write '100Mi' \(or '100Gi'\)$/);
    expect(web('64Ki')).not.toThrow();
    expect(web('2097152')).not.toThrow();
    expect(() => new PostgreSQL(newChart('shop'), 'db', { credentials: PG_CREDS, storage: { size: '10737418240' } })).not.toThrow();
  });
});

describe('Redis extraArgs', () => {
  test.each([
    ['--maxmemory', ['--maxmemory', '1gb'], /'extraArgs\[0\]' sets --maxmemory, which timonel sets from 'maxMemory' \(checked against the memory limit.*Fix: remove '--maxmemory', '1gb' from extraArgs and set maxMemory: '1Gi' \(and resources\.memory\.limit above it\)$/],
    ['--requirepass', ['--requirepass', 'hunter2'], /'extraArgs\[0\]' sets --requirepass, which timonel sets from 'credentials' \(a password in args is readable by anyone who can read the pod\)/],
    ['--port=6380', ['--port=6380'], /'extraArgs\[0\]' sets --port, which timonel sets from 'port'/],
  ])('fails when extraArgs set %s, an option timonel writes from a prop', (_what, extraArgs, message) => {
    expect(() => new Redis(newChart('shop'), 'cache', { mode: 'cache', extraArgs })).toThrow(message);
  });

  test('accepts options timonel does not write', () => {
    expect(() => new Redis(newChart('shop'), 'cache', { mode: 'cache', extraArgs: ['--maxmemory-samples', '10', '--io-threads', '2'] })).not.toThrow();
  });
});
