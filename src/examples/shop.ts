import { Construct } from 'constructs';
import { PostgreSQL } from '../constructs/presets/postgres';
import { Redis } from '../constructs/presets/redis';
import { StoreCredentials } from '../constructs/stateful-store';
import { WebApp } from '../constructs/web-app';
import { Worker } from '../constructs/worker';
import { Probe } from '../core/probes';
import { TimonelChart } from '../app/chart';

/** The parts of the shop, for wiring and tests. */
export interface Shop {
  readonly chart: TimonelChart;
  readonly web: WebApp;
  readonly api: WebApp;
  readonly db: PostgreSQL;
  readonly cache: Redis;
  readonly orders: Worker;
}

/**
 * A small shop: a public web frontend (HTTPS ingress, autoscaling 2–10 at 70% CPU, config),
 * an internal API, a PostgreSQL database, a Redis cache, and an order-processing Worker that
 * consumes the Redis queue and writes to the database (autoscaled on memory, no Service). Credentials come from a vault
 * through External Secrets; `connectTo` wires env, NetworkPolicies and apply order.
 */
export function shopChart(scope: Construct): Shop {
  const chart = new TimonelChart(scope, 'shop', { namespace: 'shop' });

  const db = new PostgreSQL(chart, 'db', {
    credentials: StoreCredentials.fromExternalSecret({ store: 'vault', storeKind: 'ClusterSecretStore', remoteKey: 'shop/db' }),
    database: 'shop',
    storage: { size: '20Gi' },
  });

  const cache = new Redis(chart, 'cache', {
    credentials: StoreCredentials.fromExternalSecret({ store: 'vault', storeKind: 'ClusterSecretStore', remoteKey: 'shop/cache' }),
    storage: { size: '2Gi' },
  });

  const api = new WebApp(chart, 'api', {
    image: 'ghcr.io/acme/shop-api:3.2.0',
    component: 'api',
    healthPath: '/healthz',
    replicas: 2,
    resources: { cpu: { request: '250m' }, memory: { request: '256Mi', limit: '512Mi' } },
    isolate: true,
    metrics: { port: 9090 },
  });

  const web = new WebApp(chart, 'web', {
    image: 'ghcr.io/acme/shop-web:1.8.4',
    component: 'frontend',
    port: 3000,
    healthPath: '/healthz',
    config: { API_URL: `http://${api.host}`, FEATURE_RECOMMENDATIONS: 'on' },
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
    ingress: { host: 'shop.example.com', className: 'nginx', tls: { clusterIssuer: 'letsencrypt-prod' } },
    service: { dualStack: true },
    isolate: true,
  });

  api.connectTo(db); // DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_DATABASE
  api.connectTo(cache); // CACHE_HOST, CACHE_PORT, CACHE_PASSWORD
  web.connectTo(api); // API_HOST, API_PORT

  const orders = new Worker(chart, 'orders', {
    image: 'ghcr.io/acme/shop-orders:1.3.0',
    component: 'worker',
    args: ['--queue', 'orders', '--concurrency', '8'],
    liveness: Probe.exec(['/app/healthcheck']),
    readiness: Probe.exec(['/app/healthcheck', '--ready']),
    autoscaling: { minReplicas: 2, maxReplicas: 6, memoryUtilization: 80 },
    terminationGracePeriodSeconds: 60,
    connectTo: [db, cache], // DB_* and CACHE_* env, egress only to them (and DNS)
  });

  return { chart, web, api, db, cache, orders };
}
