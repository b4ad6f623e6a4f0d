/**
 * Every opinion timonel holds, in one place. Changing a default is a one-line diff here,
 * and the snapshot diff shows every object it touched.
 */
export const DEFAULTS = {
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

  /** Graceful stop: SIGTERM after a preStop pause so endpoints drain first. */
  shutdown: {
    terminationGracePeriodSeconds: 30,
    preStopSleepSeconds: 5,
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
  },

  metrics: {
    path: '/metrics',
    interval: '30s',
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

  /** Names. */
  names: {
    /** Names longer than the limit keep this many hex chars of a sha256 as a suffix. */
    hashLength: 8,
  },
} as const;
