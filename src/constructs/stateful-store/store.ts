import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { DEFAULTS } from '../../core/defaults';
import { EnvMap, EnvValue } from '../../core/env';
import { fail } from '../../core/errors';
import { validateWholeNumber } from '../../core/numbers';
import { PortSpec } from '../../core/ports';
import { Probe } from '../../core/probes';
import { Policy } from '../../policies';
import { ConnectionEndpoint, CredentialRole, envPrefixFromId } from '../../workload/connections';
import { ipFamilySpec, ServiceIpFamilyOptions } from '../../workload/ip-families';
import { keepIsolateFalse, NetworkAccess } from '../../workload/network';
import { MainContainerExtras } from '../../workload/pod';
import { addDisruptionBudget, spreadConstraints, uselessBudget } from '../../workload/scaling';
import { ServedWorkload } from '../../workload/served-workload';
import { WorkloadProps } from '../../workload/workload';
import { checkedCopy, childPath, checkProps, isCheckedCopy } from '../../core/validation';
import { STATEFUL_STORE_PROPS } from '../props/stateful-store';
import { BoundCredentials, StoreCredentials } from './credentials';
import { oneOf, resolveClaims, StorageClaimProps } from './storage';

/** The Services of a StatefulStore: their IP families (IPv4, IPv6 or both). */
export interface StatefulStoreServiceOptions extends ServiceIpFamilyOptions {}

/** Props of a StatefulStore. */
export interface StatefulStoreProps extends WorkloadProps {
  /** Pod count. @default 1 */
  readonly replicas?: number;
  /** The port the store listens on and clients connect to. */
  readonly port: number;
  /** The name of the main port. @default 'tcp' */
  readonly portName?: string;
  /** The client Service's port. @default - same as `port` */
  readonly servicePort?: number;
  /** More ports (e.g. a cluster bus), on both Services. @default - none */
  readonly extraPorts?: PortSpec[];
  /**
   * The IP families of both Services, the client one `<name>` and the headless `<name>-headless`
   * (the pods' DNS names, `<pod>.<name>-headless`, get A and AAAA records only for the families
   * of the headless Service), e.g. `{ dualStack: true }`. The port is `servicePort`.
   * @default - the cluster's default (SingleStack, the first family of the cluster)
   * @see https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services
   */
  readonly service?: StatefulStoreServiceOptions;
  /**
   * Persistent volumes, one claim per pod each, mounted into the main container. `[]` for none.
   * @default [{ name: 'data', size: '10Gi', accessModes: ['ReadWriteOnce'], mountPath: '/data' }]
   */
  readonly storage?: StorageClaimProps[];
  /**
   * DELETES every PersistentVolumeClaim (and, with a Delete reclaim policy, the data) when the
   * StatefulSet is deleted.
   * @default false - claims are retained
   */
  readonly deleteVolumesOnDelete?: boolean;
  /**
   * DELETES the PersistentVolumeClaims of pods removed by a scale-down.
   * @default false - claims are retained and reused when scaling up again
   */
  readonly deleteVolumesOnScaleDown?: boolean;
  /** Credentials, by reference; clients of `connectTo` get them as secretKeyRefs. @default - none */
  readonly credentials?: StoreCredentials;
  /** The credential roles the store needs (decides the defaults of `credentials`). @default ['username', 'password'] */
  readonly credentialRoles?: CredentialRole[];
  /** A database name handed to clients as `<PREFIX>_DATABASE` when the credentials hold none. @default - none */
  readonly database?: string;
  /** The prefix of the env vars `connectTo` gives clients. @default - the id in UPPER_SNAKE_CASE ('db' -> 'DB') */
  readonly envPrefix?: string;
  /** The URL scheme clients get from `connectTo(store, { envForm: 'url' })`, e.g. 'mongodb'. @default - none: such a client passes `url.scheme` */
  readonly scheme?: string;
  /**
   * Admit only declared clients (`connectTo`, `allowFrom`) from the start: a `<name>`
   * NetworkPolicy that admits nothing of its own. Without it the store is isolated by its first
   * client, and admits any pod until then. `false` keeps the store open to every pod: a client
   * (which would isolate it) is then an error at synth.
   * @default false
   */
  readonly isolate?: boolean;
  /**
   * 'OrderedReady' starts pods one at a time, each once the previous is Ready; 'Parallel' starts
   * them together. Cannot change after creation.
   * @default 'OrderedReady'
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** Rolling updates touch only pods with an ordinal ≥ partition (staged rollouts). @default 0 */
  readonly partition?: number;
  /**
   * Old revisions (ControllerRevisions) kept for `kubectl rollout undo`. Cannot change after
   * creation: the API server refuses a StatefulSet update that changes it.
   * @default 5
   */
  readonly revisionHistoryLimit?: number;
  /**
   * A PodDisruptionBudget with maxUnavailable 1. Requesting one with fewer than 2 replicas is an
   * error: a drain may evict a single pod whatever the budget, so it would protect nothing.
   * @default - true when replicas ≥ 2
   */
  readonly disruptionBudget?: boolean;
  /**
   * With more than one replica: required pod anti-affinity on `kubernetes.io/hostname` (one pod
   * per node, so the cluster needs at least `replicas` nodes) and a zone topology spread
   * (ScheduleAnyway). Replaced by `affinity` when given.
   * @default true
   */
  readonly spread?: boolean;
}

/**
 * A stateful service: a StatefulSet with a volume per pod (retained by default), a headless
 * governing Service `<name>-headless` for stable pod DNS names and peer discovery, a ClusterIP
 * Service `<name>` for clients, credentials by reference, and on two or more replicas a
 * PodDisruptionBudget, required host anti-affinity and a zone spread. Clients reach it with
 * `client.connectTo(store)`. Names are at most 52 characters (the pods' controller-revision-hash
 * label must fit in 63).
 */
export class StatefulStore extends ServedWorkload {
  /** The StatefulSet (the primary child, id 'Resource'). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless governing Service `<name>-headless` (`<pod>.<name>-headless.<namespace>.svc`). */
  public readonly headlessService: k8s.KubeService;
  /** The ClusterIP Service `<name>` clients connect to. */
  public readonly service: k8s.KubeService;
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The bound credentials, when given. */
  public readonly credentials?: BoundCredentials;
  public readonly replicas: number;
  /** What `connectTo` needs. */
  public readonly endpoint: ConnectionEndpoint;

  constructor(scope: Construct, id: string, props: StatefulStoreProps) {
    const d = DEFAULTS.statefulStore;
    // A preset checked its own props (the user's) before deriving these.
    if (!isCheckedCopy(props)) props = checkProps(STATEFUL_STORE_PROPS, props, childPath(scope, id));
    super(scope, id, checkedCopy(withStoreDefaults(props)), { maxLength: d.maxNameLength }, {
      portName: { value: props.portName ?? d.portName, prop: 'portName' },
      port: { value: props.port, prop: 'port' },
      servicePort: { value: props.servicePort ?? props.port, prop: 'servicePort' },
      extraPorts: props.extraPorts,
    });
    const replicas = props.replicas ?? d.replicas;
    this.replicas = validateWholeNumber(replicas, { scope: this, prop: 'replicas' });
    checkNoLiteralSecrets(this, props.env);
    const podManagementPolicy = oneOf(this, 'podManagementPolicy', props.podManagementPolicy ?? d.podManagementPolicy, ['OrderedReady', 'Parallel']);
    const partition = props.partition ?? d.partition;
    validateWholeNumber(partition, { scope: this, prop: 'partition', allowed: 'an integer ≥ 0 (0 updates every pod)' });
    const wantsBudget = props.disruptionBudget ?? replicas >= d.disruptionBudgetMinReplicas;
    // Checked by the props spec (the store's, or a preset's with its own fix): kept for props marked checked elsewhere.
    const uselessRequest = props.disruptionBudget === true ? uselessBudget(replicas) : undefined;
    if (uselessRequest) fail({ scope: this, prop: 'disruptionBudget', value: true, ...uselessRequest });
    const claims = resolveClaims(this, props.storage);
    for (const [i, c] of claims.entries()) {
      this.pod.addClaimVolume(c.name, `storage[${i}].name`);
      this.pod.addMount({ volume: c.name, mountPath: c.mountPath });
    }
    const roles = props.credentialRoles ?? ['username', 'password'];
    this.credentials = props.credentials?.bind(this, roles);
    const envPrefix = props.envPrefix ?? envPrefixFromId(id);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envPrefix)) {
      fail({
        scope: this, prop: 'envPrefix',
        message: 'is not a valid env var prefix', value: envPrefix,
        allowed: "letters, digits and '_', not starting with a digit",
        fix: `write '${String(envPrefix).toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^([0-9])/, '_$1')}'`,
      });
    }
    this.endpoint = {
      ...this.baseEndpoint(envPrefix), database: props.database, scheme: props.scheme, peerTraffic: replicas > 1,
      credentials: this.credentials ? { secretName: this.credentials.secretName, keys: this.credentials.keys } : undefined,
    };

    const spread = (props.spread ?? true) && replicas > 1;
    const main: MainContainerExtras = {
      portsProp: 'extraPorts',
      ports: this.ports, probePort: this.portName, defaultProbes: { startup: Probe.tcp(), readiness: Probe.tcp(), liveness: Probe.tcp() }, probeTiming: d.probes,
    };
    this.pod.validate(main);

    const families = ipFamilySpec(props.service);
    this.headlessService = this.addService('HeadlessService', { suffix: d.headlessServiceSuffix, headless: true, spec: families });
    this.service = this.addService('Service', { spec: { type: 'ClusterIP', ...families } });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: this.metadata(),
      spec: {
        serviceName: this.headlessService.name,
        replicas,
        selector: { matchLabels: this.selectorLabels },
        podManagementPolicy,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } },
        // Without claims there is nothing to retain or template (no empty fields in the YAML).
        persistentVolumeClaimRetentionPolicy: claims.length === 0 ? undefined : {
          whenDeleted: props.deleteVolumesOnDelete ? 'Delete' : d.retention.whenDeleted,
          whenScaled: props.deleteVolumesOnScaleDown ? 'Delete' : d.retention.whenScaled,
        },
        revisionHistoryLimit: props.revisionHistoryLimit ?? d.revisionHistoryLimit,
        template: this.podTemplate({
          main,
          affinity: spread ? this.antiAffinity() : undefined,
          topologySpreadConstraints: spread ? spreadConstraints(this.selectorLabels, [DEFAULTS.spread.zoneKey]) : undefined,
          terminationGracePeriodSeconds: d.terminationGracePeriodSeconds,
        }),
        volumeClaimTemplates: claims.length === 0 ? undefined : claims.map((c) => ({
          // Selector labels only: volumeClaimTemplates are immutable, so a version label would block upgrades.
          metadata: { name: c.name, labels: { ...this.selectorLabels } },
          spec: {
            accessModes: c.accessModes,
            storageClassName: c.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(c.size) } },
          },
        })),
      },
    });

    if (props.isolate ?? d.isolate) NetworkAccess.of(this).isolate();
    else if (props.isolate === false) keepIsolateFalse(this, "where other pods must still reach the store, admit them with allowFrom({ namespace: 'ops' })");
    // A probe turned off with `false` is a choice made in code: recorded as a reasoned suppression
    // (of the pod, or of each container whose probes were turned off: the others are judged on their own).
    Policy._probesTurnedOff(this.statefulSet, this.pod.probeSuppressions(main));
    if (wantsBudget) this.disruptionBudget = addDisruptionBudget(this, this.metadata(), this.selectorLabels, d.disruptionBudgetMaxUnavailable);
  }

  /** An env value reading the credential `role` from the credentials Secret; fails when there is none. */
  public credentialEnv(role: CredentialRole): EnvValue {
    const key = this.credentials?.keys[role];
    if (!this.credentials || key === undefined) {
      fail({
        scope: this, prop: 'credentials', message: `has no '${role}' key`, value: this.credentials?.keys ?? null,
        allowed: `credentials whose keys name the ${role}`, fix: `name the key holding the ${role} in the credentials' keys`,
      });
    }
    return EnvValue.fromSecret(this.credentials.secretName, key);
  }

  private antiAffinity(): k8s.Affinity {
    return {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: this.selectorLabels }, topologyKey: DEFAULTS.spread.hostKey }],
      },
    };
  }
}

function withStoreDefaults(props: StatefulStoreProps): StatefulStoreProps {
  const fsGroupChangePolicy = props.securityContext?.fsGroupChangePolicy ?? DEFAULTS.statefulStore.fsGroupChangePolicy;
  return { ...props, securityContext: { ...props.securityContext, fsGroupChangePolicy } };
}

// Env names that usually carry secrets; `_FILE` variants hold paths, not values.
const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

function checkNoLiteralSecrets(scope: IConstruct, env: EnvMap | undefined): void {
  for (const [name, v] of Object.entries(env ?? {})) {
    const literal = typeof v === 'string' || v.isLiteral;
    if (literal && SECRET_ENV.test(name) && !/_FILE$/.test(name)) {
      fail({
        scope, prop: 'env', message: `sets '${name}' to a literal value: secrets are passed by reference`, value: name,
        allowed: "EnvValue.fromSecret(...) or the store's 'credentials'",
        fix: "use 'credentials: StoreCredentials.fromSecret(...)' or 'fromExternalSecret(...)'",
      });
    }
  }
}

