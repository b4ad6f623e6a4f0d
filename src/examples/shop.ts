import * as path from 'path';
import { Construct } from 'constructs';
import { Migration } from '../constructs/migration';
import { PostgreSQL } from '../constructs/presets/postgres';
import { Redis } from '../constructs/presets/redis';
import { StoreCredentials } from '../constructs/stateful-store';
import { WebApp } from '../constructs/web-app';
import { Worker } from '../constructs/worker';
import { Probe } from '../core/probes';
import { Policy } from '../policies/policy';
import { ConfigSource } from '../workload/config-source';
import { ConfigExposure } from '../workload/workload';
import { TimonelChart } from '../app/chart';

/** What changes between the shop's environments (see src/examples/platform.ts). */
export interface ShopValues {
  /** The namespace of every shop object. */
  readonly namespace: string;
  readonly web: {
    /** The image tag of ghcr.io/acme/shop-web. */
    readonly tag: string;
    /** The public host name (HTTPS). */
    readonly host: string;
    /** The cert-manager ClusterIssuer of its certificate. */
    readonly clusterIssuer: string;
    /** Pod count when not autoscaled. */
    readonly replicas: number;
    /** Horizontal autoscaling, or null for a fixed `replicas`. */
    readonly autoscaling: { readonly minReplicas: number; readonly maxReplicas: number; readonly cpuUtilization: number } | null;
  };
  readonly api: {
    /** The image tag of ghcr.io/acme/shop-api. */
    readonly tag: string;
    readonly replicas: number;
    readonly cpu: string;
    readonly memoryRequest: string;
    readonly memoryLimit: string;
  };
  readonly db: {
    /** The size of the database volume (with `ephemeral`, the emptyDir's size limit). */
    readonly storage: string;
    /** Data on an emptyDir, lost with the pod: for development only. */
    readonly ephemeral: boolean;
  };
  /**
   * The cluster's API server as pods reach it (`kubectl get endpoints kubernetes -n default`):
   * the orders Worker holds a Lease there, and its egress is restricted by its connections.
   */
  readonly apiServer: { readonly cidrs: readonly string[]; readonly ports: readonly number[] };
  /** The order queue (Redis as a store). */
  readonly cache: {
    /** Data on an emptyDir, lost with the pod: for development only. */
    readonly ephemeral: boolean;
  };
}

/** The shop's values unless an environment overrides them. */
export const SHOP_DEFAULTS: ShopValues = {
  namespace: 'shop',
  web: {
    tag: '1.8.4',
    host: 'shop.example.com',
    clusterIssuer: 'letsencrypt-prod',
    replicas: 2,
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
  },
  api: { tag: '3.2.0', replicas: 2, cpu: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  db: { storage: '20Gi', ephemeral: false },
  // A managed control plane on 443 in the VPC's control-plane subnet (EKS-like).
  apiServer: { cidrs: ['10.0.0.0/28'], ports: [443] },
  cache: { ephemeral: false },
};

/** The partners' networks, the only clients of the API's partner load balancer. */
export const PARTNER_RANGES = ['198.51.100.0/24', '192.0.2.128/25'];

/** The parts of the shop, for wiring and tests. */
export interface Shop {
  readonly chart: TimonelChart;
  readonly web: WebApp;
  readonly api: WebApp;
  readonly db: PostgreSQL;
  readonly cache: Redis;
  readonly carts: Redis;
  readonly orders: Worker;
  readonly migrate: Migration;
}

/**
 * A small shop: a public web frontend (HTTPS ingress, autoscaling 2–10 at 70% CPU, config),
 * an internal API (also behind a load balancer for partners' networks), a PostgreSQL database,
 * a Redis queue (`cache`, persistent, with a password), a Redis cache of carts (`carts`: no
 * persistence, no password, isolated to its clients), and an order-processing Worker that
 * consumes the Redis queue and writes to the database (autoscaled on memory, no Service).
 * Credentials come from a vault through External Secrets; `connectTo` wires env, NetworkPolicies
 * and apply order. With `ephemeral` (dev) the database and the queue keep their data on emptyDirs.
 */
export function shopChart(scope: Construct, values: ShopValues = SHOP_DEFAULTS): Shop {
  // The API server, for the orders Worker's Lease (leader election) once its connections restrict its egress.
  const chart = new TimonelChart(scope, 'shop', { namespace: values.namespace, traffic: { apiServer: values.apiServer } });

  const db = new PostgreSQL(chart, 'db', {
    credentials: StoreCredentials.fromExternalSecret({ store: 'vault', storeKind: 'ClusterSecretStore', remoteKey: 'shop/db' }),
    database: 'shop',
    storage: { size: values.db.storage },
    ephemeral: values.db.ephemeral,
  });
  if (values.db.ephemeral) Policy.suppress(db.statefulSet, 'practice-ephemeral-data', 'development: a throwaway database, the migration recreates its schema');

  const cache = new Redis(chart, 'cache', {
    credentials: StoreCredentials.fromExternalSecret({ store: 'vault', storeKind: 'ClusterSecretStore', remoteKey: 'shop/cache' }),
    storage: { size: '2Gi' },
    ephemeral: values.cache.ephemeral,
  });
  if (values.cache.ephemeral) Policy.suppress(cache.statefulSet, 'practice-ephemeral-data', 'development: queued orders may be lost with the pod');

  // Carts are rebuilt from the database on a miss: a cache, without persistence or password.
  // --maxmemory 384mb (75% of the limit), allkeys-lru.
  const carts = new Redis(chart, 'carts', { mode: 'cache', resources: { memory: { request: '256Mi', limit: '512Mi' } } });

  const api = new WebApp(chart, 'api', {
    image: `ghcr.io/acme/shop-api:${values.api.tag}`,
    component: 'api',
    healthPath: '/healthz',
    replicas: values.api.replicas,
    resources: { cpu: { request: values.api.cpu }, memory: { request: values.api.memoryRequest, limit: values.api.memoryLimit } },
    isolate: true,
    metrics: { port: 9090 },
    // Partners call the API from their own networks: an NLB (AWS Load Balancer Controller) that
    // terminates TLS and accepts only their ranges, beside the internal ClusterIP `shop-api`.
    // Its port is admitted from any source (the ranges are enforced by the load balancer), the
    // metrics port is not exposed.
    extraServices: [{
      suffix: 'partners',
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      ports: [{ name: 'http', port: 443 }],
      annotations: {
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': 'arn:aws:acm:eu-west-1:111122223333:certificate/shop-partners',
        'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': '443',
      },
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: PARTNER_RANGES,
    }],
    // A distroless image (no `sleep`): no preStop pause; the server keeps serving 5 s after SIGTERM.
  });

  // The API's schema migration, from the same image: it runs (once per API version) after the
  // database is up and before the new API rolls out.
  const migrate = new Migration(chart, 'migrate', {
    image: `ghcr.io/acme/shop-api:${values.api.tag}`,
    component: 'migration',
    command: ['/app/shop-api', 'migrate', 'up'],
    connectTo: [db],
    before: [api],
  });

  const web = new WebApp(chart, 'web', {
    image: `ghcr.io/acme/shop-web:${values.web.tag}`,
    component: 'frontend',
    port: 3000,
    healthPath: '/healthz',
    config: { API_URL: `http://${api.host}`, FEATURE_RECOMMENDATIONS: 'on' },
    ...(values.web.autoscaling ? { autoscaling: values.web.autoscaling } : { replicas: values.web.replicas }),
    ingress: { host: values.web.host, className: 'nginx', tls: { clusterIssuer: values.web.clusterIssuer } },
    service: { dualStack: true },
    // A Node.js image with a shell: a 5 s preStop pause, so the ingress stops sending first.
    drain: { delaySeconds: 5 },
    isolate: true,
  });

  api.connectTo(db); // DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_DATABASE
  api.connectTo(cache); // CACHE_HOST, CACHE_PORT, CACHE_PASSWORD
  api.connectTo(carts, { envForm: 'url' }); // CARTS_URL=redis://shop-carts.shop.svc:6379
  web.connectTo(api); // API_HOST, API_PORT

  const orders = new Worker(chart, 'orders', {
    image: 'ghcr.io/acme/shop-orders:1.3.0',
    component: 'worker',
    args: ['--config', '/etc/config/worker.yaml', '--concurrency', '8'],
    configFrom: [ConfigSource.fromFile(path.join(__dirname, 'orders', 'worker.yaml'))],
    configAs: ConfigExposure.FILES,
    imagePullSecrets: ['ghcr-pull'],
    podAnnotations: { 'example.com/on-call': 'orders-team' },
    // One replica at a time sweeps expired orders: leader election through a Lease.
    permissions: [{ rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }] }],
    liveness: Probe.exec(['/app/healthcheck']),
    readiness: Probe.exec(['/app/healthcheck', '--ready']),
    autoscaling: { minReplicas: 2, maxReplicas: 6, memoryUtilization: 80 },
    terminationGracePeriodSeconds: 60,
    // Queue depth and job latency for Prometheus: shop-orders-metrics (headless, this port only), a
    // ServiceMonitor, and Prometheus admitted on 9090 and nowhere else.
    metrics: { port: 9090 },
    connectTo: [db, cache], // DB_* and CACHE_* env, egress only to them, DNS and the API server (shop-orders-apiserver)
  });
  // The pull Secret is made outside timonel: said once, with the reason reviewers read in the YAML.
  Policy.suppress(orders, 'ref-missing-dependency', 'ghcr-pull is created by the platform team in every namespace');

  return { chart, web, api, db, cache, carts, orders, migrate };
}
