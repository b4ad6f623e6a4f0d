/** `T` with every property, array and nested object read-only. */
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** Freezes `value` and everything it holds, so that no code in the process can change a default. */
function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/**
 * Every opinion timonel holds, in one place. Changing a default is a one-line diff here,
 * and the snapshot diff shows every object it touched.
 *
 * Frozen, down to its nested objects and lists: assigning to a field throws a TypeError in strict
 * mode (and does nothing otherwise), so no code in the process can change another App's output.
 * To use other values, pass them as props (or `traffic`) instead.
 */
export const DEFAULTS = deepFreeze({
  /** `app.kubernetes.io/managed-by` on every object. */
  managedBy: 'timonel',

  /** Security context of every pod and container (Pod Security Standards "restricted"). */
  security: {
    runAsNonRoot: true,
    /** A numeric non-root user; images that run as root (busybox, python) start under it. */
    runAsUser: 10001,
    runAsGroup: 10001,
    fsGroup: 10001,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    seccompProfile: 'RuntimeDefault',
    dropCapabilities: ['ALL'],
    /** A writable emptyDir at this path, since the root filesystem is read-only. */
    tmpPath: '/tmp',
    tmpSizeLimit: '64Mi',
  },

  /** Small, explicit resources: requests always, a memory limit always, a CPU limit only when asked. */
  resources: {
    cpuRequest: '100m',
    memoryRequest: '128Mi',
    memoryLimit: '256Mi',
  },

  /** Probe timing. */
  probe: {
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
    successThreshold: 1,
    initialDelaySeconds: 0,
    /** Startup probes allow failureThreshold × periodSeconds to start: 30 × 5 s = 150 s. */
    startupPeriodSeconds: 5,
    startupFailureThreshold: 30,
  },

  /** Rollouts and rollbacks of Deployments. */
  rollout: {
    maxUnavailable: 0,
    maxSurge: '25%',
    revisionHistoryLimit: 5,
    minReadySeconds: 5,
    progressDeadlineSeconds: 600,
  },

  /** Graceful stop. */
  shutdown: {
    terminationGracePeriodSeconds: 30,
    /**
     * No preStop pause unless asked for (`drain`): a `sleep` hook fails in images without a
     * `sleep` binary (distroless, chiseled), and the kubelet's own sleep action needs
     * Kubernetes ≥ 1.30 (timonel targets 1.28). docs/decisions/drain.md says why.
     */
    drain: false,
    /** The time to leave the app after a pause, as the fix of a pause too long for its grace period suggests. */
    minStopSeconds: 10,
  },

  webApp: {
    replicas: 2,
    port: 8080,
    servicePort: 80,
    portName: 'http',
    serviceType: 'ClusterIP',
    /** Annotation on the pod template that rolls pods when the config changes. */
    configChecksumAnnotation: 'timonel.dev/config-checksum',
    configMountPath: '/etc/config',
    /** The URL scheme clients get from `connectTo(app, { envForm: 'url' })`. */
    scheme: 'http',
  },

  /** ConfigMaps: the API server refuses more than 1 MiB of data (keys and values). */
  config: {
    maxBytes: 1024 * 1024,
  },

  /** Worker: a Deployment with no Service and no port (queue consumers, load generators). */
  worker: {
    /** Two consumers, so a node drain or a crash never stops the work. */
    replicas: 2,
    /** It serves nothing, so a NetworkPolicy admits no inbound traffic to its pods. */
    isolate: true,
  },

  /** NodeAgent: a DaemonSet, one pod per node (log shippers, node exporters). */
  nodeAgent: {
    /** Pods are replaced by a rolling update (Kubernetes' own default), not only when deleted ('OnDelete'). */
    updateType: 'RollingUpdate',
    /** Nodes updated at once; an agent down on one node at a time is the usual tolerance. */
    maxUnavailable: 1,
    /** No second pod on a node during an update (agents often hold node-wide resources). */
    maxSurge: 0,
    revisionHistoryLimit: 5,
    /** Host paths are mounted read-only unless `readOnly: false`. */
    hostPathReadOnly: true,
    /** Inbound traffic is denied, or admitted only on the agent's ports. */
    isolate: true,
  },

  /** Migration: a BatchJob that runs before the workloads it names. */
  migration: {
    /** Argo CD: the Job runs in its own sync wave, after the stores it connects to (a PreSync hook runs before them). */
    argocd: 'sync-wave',
  },

  /** Jobs and CronJobs: fail fast, end stuck runs, keep a little history, never pile up. */
  batchJob: {
    /** Retries are new pods, so a failed pod stays around to inspect. */
    restartPolicy: 'Never',
    /** Retries before the Job fails (Kubernetes: 6). */
    backoffLimit: 2,
    /** A run still going after an hour is stuck; the Job fails and its pods stop. */
    activeDeadlineSeconds: 3600,
    /*
     * No ttlSecondsAfterFinished by default: a one-off Job deleted by its TTL is re-created (re-run)
     * by the next GitOps sync, since it is still in the manifests. A finished Job stays until its
     * spec changes (a new name) and the old one is pruned; CronJobs use the history limits.
     */
    parallelism: 1,
    completionMode: 'NonIndexed',
    suspend: false,
    /** A run never starts while the previous one is still going. */
    concurrencyPolicy: 'Forbid',
    /** A run missed by more than 5 minutes (controller down, Forbid) is skipped, not started late. */
    startingDeadlineSeconds: 300,
    successfulJobsHistoryLimit: 3,
    /** Failures are kept longer than successes, to inspect. */
    failedJobsHistoryLimit: 5,
    /** Set explicitly so a schedule never depends on the kube-controller-manager's zone. */
    timeZone: 'Etc/UTC',
  },

  autoscaling: {
    minReplicas: 2,
    maxReplicas: 10,
    cpuUtilization: 70,
  },

  ingress: {
    path: '/',
    pathType: 'Prefix',
    certManagerIssuerAnnotation: 'cert-manager.io/cluster-issuer',
    /** ingress-nginx speaks HTTP/1.1 to a backend unless this annotation says 'GRPC' (it ignores `appProtocol`). */
    nginxBackendProtocolAnnotation: 'nginx.ingress.kubernetes.io/backend-protocol',
  },

  metrics: {
    path: '/metrics',
    interval: '30s',
    /** The name of a metrics port that is not one of the workload's own ports (`metrics.port`). */
    portName: 'metrics',
    /** A Worker's metrics are found through a headless Service `<name>-metrics` (docs/decisions/worker-metrics.md). */
    serviceSuffix: 'metrics',
  },

  /** StatefulStore: stateful pods with stable names and volumes; slow to start, slow to stop, data kept. */
  statefulStore: {
    replicas: 1,
    portName: 'tcp',
    /** Pods start one after the other, each once the previous is Ready (Kubernetes' own default). */
    podManagementPolicy: 'OrderedReady',
    /** Pods with an ordinal at or above the partition are updated; 0 updates them all. */
    partition: 0,
    revisionHistoryLimit: 5,
    /** Databases flush and close on SIGTERM; give them time. */
    terminationGracePeriodSeconds: 60,
    /** Skip the recursive chown of big volumes on every start when ownership is already right. */
    fsGroupChangePolicy: 'OnRootMismatch',
    /** The governing Service `<name>-headless` gives pods stable DNS names for peer discovery. */
    headlessServiceSuffix: 'headless',
    /**
     * Longest StatefulSet name: its pods get the label `controller-revision-hash: <name>-<10 chars>`,
     * which must fit in 63 characters.
     */
    maxNameLength: 52,
    /** The one claim a store gets when `storage` is not given. */
    storage: { name: 'data', size: '10Gi', accessMode: 'ReadWriteOnce', mountPath: '/data' },
    /** Volumes outlive the StatefulSet and scale-downs unless the user opts in to deletion. */
    retention: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    /**
     * A preset's `ephemeral: true` (development, caches): data on an emptyDir capped at `sizeLimit`
     * (evicted beyond it), and the StatefulSet says so with this annotation.
     */
    ephemeral: { sizeLimit: '1Gi', annotation: 'timonel.dev/data', annotationValue: 'ephemeral', cacheAnnotationValue: 'cache' },
    /** Isolated only once a client is declared (a store without clients admits any pod). */
    isolate: false,
    /** PodDisruptionBudget from this many replicas on (maxUnavailable 1). */
    disruptionBudgetMinReplicas: 2,
    disruptionBudgetMaxUnavailable: 1,
    /** Slow recovery: startup may take 10 s × 60 = 10 min (crash recovery, WAL replay); restarts are a last resort. */
    probes: {
      startup: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
      readiness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    },
    credentials: {
      /** The Secret an ExternalSecret or the literal opt-in creates: `<name>-credentials`. */
      secretSuffix: 'credentials',
      /** Secret keys when none are given, by role. */
      keys: { username: 'username', password: 'password', database: 'database' },
    },
  },

  /** Every ExternalSecret (external-secrets.io/v1): an app's `ExternalSecret`, a store's `StoreCredentials.fromExternalSecret`. */
  externalSecret: {
    storeKind: 'SecretStore',
    /** How often External Secrets Operator reads the values again (a Go duration). */
    refreshInterval: '1h',
  },

  /** The PostgreSQL preset (official image). */
  postgres: {
    image: 'postgres:16.4',
    port: 5432,
    portName: 'postgres',
    component: 'database',
    /** The `postgres` user of the official Debian-based image. */
    runAsUser: 999,
    mountPath: '/var/lib/postgresql/data',
    /** PGDATA is a subdirectory: the volume's root may hold lost+found, which initdb refuses. */
    pgdataSubPath: 'pgdata',
    /** The Unix socket directory, writable although the root filesystem is read-only. */
    socketPath: '/var/run/postgresql',
    socketSizeLimit: '16Mi',
    /** shared_buffers is 128MB by default, so the generic 256Mi limit is too tight. */
    memoryRequest: '256Mi',
    memoryLimit: '512Mi',
    /**
     * The URL scheme of `connectTo(db, { envForm: 'url' })`: libpq (psycopg), node-postgres, pgx
     * and JDBC accept 'postgresql', SQLAlchemy ≥ 1.4 accepts only 'postgresql'.
     */
    scheme: 'postgresql',
  },

  /** The Redis preset (official image). */
  redis: {
    image: 'redis:7.4.1',
    port: 6379,
    portName: 'redis',
    /** `app.kubernetes.io/component` in mode 'store' (mode 'cache': `cache.component`). */
    component: 'database',
    /** The `redis` user of the official image. */
    runAsUser: 999,
    mountPath: '/data',
    appendOnly: true,
    /** RDB snapshots: after 3600 s if 1 write, 300 s if 100, 60 s if 10000 (Redis 7's defaults). */
    save: '3600 1 300 100 60 10000',
    scheme: 'redis',
    mode: 'store',
    /** `mode: 'cache'`: no persistence, eviction before the memory limit. */
    cache: {
      component: 'cache',
      appendOnly: false,
      save: '',
      /** Evict the least recently used key of any kind, so writes never fail on a full cache. */
      maxMemoryPolicy: 'allkeys-lru',
      /** `--maxmemory` as a share of the memory limit: the rest is Redis' overhead (buffers, fragmentation). */
      maxMemoryShareOfLimit: 0.75,
    },
  },

  /**
   * Images of servers that keep their own data and do not replicate by themselves: more than one
   * pod of a Deployment running one is as many independent servers (`practice-single-instance`).
   * Matched by the repository's last part, so that mirrors count too (`mirror.gcr.io/library/redis`,
   * `harbor.corp/dockerhub/postgres`, an ECR copy).
   */
  singleInstanceImages: ['redis', 'valkey', 'postgres', 'mysql', 'mariadb', 'mongo'],
  /** Image namespaces whose database images replicate when configured by env (Bitnami's): not flagged. */
  replicatingImageNamespaces: ['bitnami'],

  /** `connectTo`: env names and the NetworkPolicies that admit exactly the declared traffic. */
  connections: {
    /** `<PREFIX>_<SUFFIX>` env var suffixes, by role. */
    envSuffixes: { host: 'HOST', port: 'PORT', addr: 'ADDR', url: 'URL', username: 'USER', password: 'PASSWORD', database: 'DATABASE' },
    /** How a client gets the target's address by default: `<PREFIX>_HOST` and `<PREFIX>_PORT`. */
    envForm: 'host-port',
    /** Policy names `<client>-to-<target>` / `<target>-from-<client>` are shortened to this length. */
    policyNameMaxLength: 63,
    /** The label every namespace carries with its own name (Kubernetes ≥ 1.21). */
    namespaceNameLabel: 'kubernetes.io/metadata.name',
    /** Where DNS egress is allowed: the cluster DNS pods (CoreDNS keeps the kube-dns label). */
    dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 },
  },

  /** The traffic model: who may reach an isolated app, and what "the internet" is for egress. */
  traffic: {
    /**
     * The pods an app's Ingress admits once the app is isolated: ingress-nginx's controller. Not a
     * route's: ingress-nginx serves no Gateway API routes, and Gateways differ too much for a
     * default (see `TrafficDefaults.gateway`).
     */
    ingressController: {
      namespace: 'ingress-nginx',
      podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    },
    /**
     * The IngressClasses that controller serves (its Helm chart's default class). An isolated app
     * whose `ingress.className` is another class, with no controller set for it, is an error:
     * the default would admit pods that do not forward its traffic (docs/decisions/ingress-class.md).
     */
    ingressControllerClasses: ['nginx'],
    /** The pods a WebApp's or Worker's `metrics` admits to its metrics port: prometheus-operator's Prometheus. */
    prometheus: {
      namespace: 'monitoring',
      podLabels: { 'app.kubernetes.io/name': 'prometheus' },
    },
    /**
     * `EgressTarget.internet()` is 0.0.0.0/0 and ::/0 except these: private (RFC 1918, RFC 4193),
     * shared (RFC 6598, often pods or nodes), link-local (cloud metadata at 169.254.169.254) and loopback.
     */
    privateRanges: [
      '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8',
      'fc00::/7', 'fe80::/10', '::1/128',
    ],
  },

  /**
   * `appProtocol` of a Service port that sets none, so Gateways and ingress controllers speak the
   * right protocol to it (Kubernetes' standard values, which Gateway API's GEP-1911 builds on).
   */
  appProtocol: {
    /**
     * By port name: a port named 'grpc' is gRPC, HTTP/2; served without TLS in the pod (the usual
     * case behind a Gateway or mesh), that is HTTP/2 with prior knowledge, 'kubernetes.io/h2c'.
     */
    byPortName: { grpc: 'kubernetes.io/h2c' },
    /** A port a `Probe.grpc` checks: the kubelet's gRPC probe has no TLS (Kubernetes 1.28), so the port is cleartext HTTP/2. */
    grpcProbed: 'kubernetes.io/h2c',
  },

  /** The PodDisruptionBudgets of every workload. */
  disruptionBudget: {
    /**
     * Running pods that are not Ready may be evicted whatever the budget, so a drain is not blocked
     * by pods that are failing anyway (Kubernetes' recommendation; beta and on by default since 1.27, GA in 1.31).
     */
    unhealthyPodEvictionPolicy: 'AlwaysAllow',
  },

    /** Topology spread of replicated workloads. */
  spread: {
    zoneKey: 'topology.kubernetes.io/zone',
    hostKey: 'kubernetes.io/hostname',
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
  },

  /** Image pinning: a tag other than latest, or a digest. */
  image: {
    pinnedPullPolicy: 'IfNotPresent',
    unpinnedPullPolicy: 'Always',
  },

  /** `App` and `Environments`: where the output goes and how it reaches the cluster. */
  app: {
    /** The output folder when neither `outdir` nor a non-empty $TIMONEL_OUTDIR is given. */
    outdir: 'dist',
    /** Each chart's file is `<chart><extension>` (cdk8s's own). */
    outputFileExtension: '.k8s.yaml',
    /** Plain files in apply order, for `kubectl apply -k`; no sync waves, no delivery objects. */
    delivery: 'kubectl',
    /** The namespace of an ApplySet's parent Secret (`kubectl apply -n default` when none is given). */
    applySetNamespace: 'default',
  },

  /** The delivery objects `Environments` writes (`delivery: { tool: 'argocd' | 'flux' }`). */
  delivery: {
    /** Their folder inside the output folder: `<outdir>/delivery/<env>/`. */
    folder: 'delivery',
    /** The prefix of their names (`platform-prod`), and their `app.kubernetes.io/part-of`. */
    name: 'platform',
    /** Argo CD: an app of apps per environment. */
    argocd: {
      /** Where Argo CD's own install puts it, and where it looks for Applications. */
      namespace: 'argocd',
      /** The AppProject every Argo CD install has. */
      project: 'default',
      /** The branch delivered from a Git repository. */
      revision: 'main',
      /** The cluster Argo CD runs in. */
      server: 'https://kubernetes.default.svc',
      /** Automated sync: objects removed from the output are deleted, changes made by hand are reverted. */
      syncPolicy: { prune: true, selfHeal: true },
    },
    /** Flux: a Kustomization per stage, in apply order through `dependsOn`. */
    flux: {
      /** Where `flux bootstrap` installs Flux. */
      namespace: 'flux-system',
      /** The GitRepository `flux bootstrap` creates. */
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      /** How often each Kustomization is reconciled. */
      interval: '10m',
      /**
       * How long applying a stage and waiting for it to be ready may take (Flux's own default is the
       * interval); a stage gets on top the longest of its Jobs' activeDeadlineSeconds (migrations,
       * `<chart>-jobs`) and its pods' startup budget (startup probes).
       */
      timeout: '5m',
      /** Objects removed from the output are deleted from the cluster. */
      prune: true,
    },
  },

  /** Names. */
  names: {
    /** Names longer than the limit keep this many hex chars of a sha256 as a suffix. */
    hashLength: 8,
  },
} as const);
