import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import * as es from '../imports/external-secrets.io';
import { ConnectionEndpoint, CredentialKeys, CredentialRole, CredentialsRef, envPrefixFromId, IConnectable } from '../workload/connections';
import { DEFAULTS } from '../core/defaults';
import { EnvMap, EnvValue } from '../core/env';
import { fail } from '../core/errors';
import { isValidName, NameRule, validateName } from '../core/names';
import { PortSpec, validatePortName, validatePortNumber } from '../core/ports';
import { intOrString, Probe } from '../core/probes';
import { validateQuantity } from '../core/quantity';
import { Workload, WorkloadProps } from '../workload/workload';
import { validateWholeNumber } from '../core/numbers';
import { childPath, checkProps, isChecked } from '../core/validation';
import { STATEFUL_STORE_PROPS } from './props/stateful-store';

/** How a volume can be mounted. @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes */
export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** The access modes Kubernetes knows. */
export const ACCESS_MODES: readonly AccessMode[] = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/**
 * A persistent volume per pod: a volumeClaimTemplate of the StatefulSet, mounted into the main
 * container. Each pod gets its own PersistentVolumeClaim `<name>-<statefulset>-<ordinal>`.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates
 */
export interface StorageClaimProps {
  /** The claim's name (also the pod volume's name), a DNS-1123 label, unique per store. @default 'data' */
  readonly name?: string;
  /** Where the main container mounts it: an absolute path. */
  readonly mountPath: string;
  /** The requested size, a storage quantity such as '10Gi' or '500Mi'. @default '10Gi' */
  readonly size?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default ['ReadWriteOnce'] */
  readonly accessModes?: AccessMode[];
}

/** The data volume of a preset (PostgreSQL, Redis): its mount path is the preset's. */
export interface PresetStorageOptions {
  /** @default '10Gi' */
  readonly size?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default ['ReadWriteOnce'] */
  readonly accessModes?: AccessMode[];
}

/** Options of `StoreCredentials.fromSecret`. */
export interface SecretCredentialsOptions {
  /**
   * The Secret's keys, by role. Must name every role the store needs.
   * @default - each role the store needs under its own name: { username: 'username', password: 'password' }
   */
  readonly keys?: CredentialKeys;
}

/** Options of `StoreCredentials.fromExternalSecret`: an ExternalSecret (external-secrets.io/v1) fills `<name>-credentials`. */
export interface ExternalSecretCredentialsOptions {
  /** The name of the SecretStore or ClusterSecretStore to read from, e.g. 'vault'. */
  readonly store: string;
  /** @default 'SecretStore' */
  readonly storeKind?: 'SecretStore' | 'ClusterSecretStore';
  /** The secret's key (path) in the provider, e.g. 'db/prod'. */
  readonly remoteKey: string;
  /**
   * The remote secret's properties, by role; the Secret gets one key per role, named after the role.
   * Must name every role the store needs.
   * @default - each role the store needs, read from the property of the same name
   */
  readonly properties?: CredentialKeys;
  /** How often the values are read again. @default '1h' */
  readonly refreshInterval?: string;
}

/** Literal credential values, for `StoreCredentials.fromLiteralsINSECURE` only. */
export interface LiteralCredentials {
  readonly username?: string;
  readonly password?: string;
  readonly database?: string;
}

/** The acknowledgement `fromLiteralsINSECURE` demands: the values end up readable in the YAML. */
export interface InsecureLiteralsAcknowledgement {
  readonly iUnderstandLiteralSecretsAreStoredInPlainText: true;
}

/** Credentials once bound to a store: the Secret to reference, and the objects created for it. */
export interface BoundCredentials extends CredentialsRef {
  /** The ExternalSecret that fills the Secret, for `fromExternalSecret`. */
  readonly externalSecret?: es.ExternalSecret;
  /** The Secret with literal values, for `fromLiteralsINSECURE` only. */
  readonly secret?: k8s.KubeSecret;
}

/**
 * A store's credentials, always by reference: an existing Secret, or an ExternalSecret that
 * creates one. Literal values need `fromLiteralsINSECURE` and an explicit acknowledgement.
 */
export abstract class StoreCredentials {
  /** An existing Secret in the store's namespace. */
  public static fromSecret(secretName: string, options: SecretCredentialsOptions = {}): StoreCredentials {
    return new ExistingSecretCredentials(secretName, options);
  }

  /** An ExternalSecret (external-secrets.io/v1) that creates the Secret `<name>-credentials` from a secret manager. */
  public static fromExternalSecret(options: ExternalSecretCredentialsOptions): StoreCredentials {
    return new ExternalSecretCredentials(options);
  }

  /**
   * A Secret `<name>-credentials` with these values in `stringData`: anyone who can read the
   * YAML or the repository can read them. For throwaway environments only.
   */
  public static fromLiteralsINSECURE(values: LiteralCredentials, acknowledgement: InsecureLiteralsAcknowledgement): StoreCredentials {
    return new LiteralCredentialsImpl(values, acknowledgement);
  }

  /** Binds the credentials to `store`, creating any objects they need. `roles` are the ones the store requires. */
  public abstract bind(store: StatefulStore, roles: readonly CredentialRole[]): BoundCredentials;
}

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
  /**
   * 'OrderedReady' starts pods one at a time, each once the previous is Ready; 'Parallel' starts
   * them together. Cannot change after creation.
   * @default 'OrderedReady'
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** Rolling updates touch only pods with an ordinal ≥ partition (staged rollouts). @default 0 */
  readonly partition?: number;
  /**
   * A PodDisruptionBudget with maxUnavailable 1. Requesting one with 0 replicas is an error.
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
export class StatefulStore extends Workload implements IConnectable {
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
  /** The ports of the pods (main port first). */
  public readonly ports: readonly PortSpec[];
  /** The port clients connect to on the Service. */
  public readonly servicePort: number;
  /** The in-cluster DNS name of the client Service. */
  public readonly host: string;
  /** What `connectTo` needs. */
  public readonly endpoint: ConnectionEndpoint;

  constructor(scope: Construct, id: string, props: StatefulStoreProps) {
    // A preset checked its own props (the user's) before deriving these.
    super(scope, id, withStoreDefaults(isChecked(props) ? props : checkProps(STATEFUL_STORE_PROPS, props, childPath(scope, id))), { maxLength: DEFAULTS.statefulStore.maxNameLength });
    const d = DEFAULTS.statefulStore;
    const replicas = props.replicas ?? d.replicas;
    this.replicas = validateWholeNumber(replicas, { scope: this, prop: 'replicas' });
    checkNoLiteralSecrets(this, props.env);
    const portName = validatePortName(props.portName ?? d.portName, this, 'portName');
    const port = validatePortNumber(props.port, this, 'port');
    this.servicePort = validatePortNumber(props.servicePort ?? port, this, 'servicePort');
    this.ports = [{ name: portName, port, servicePort: this.servicePort }, ...(props.extraPorts ?? [])];
    this.host = this.serviceDns(this.name);
    const podManagementPolicy = oneOf(this, 'podManagementPolicy', props.podManagementPolicy ?? d.podManagementPolicy, ['OrderedReady', 'Parallel']);
    const partition = props.partition ?? d.partition;
    validateWholeNumber(partition, { scope: this, prop: 'partition', allowed: 'an integer ≥ 0 (0 updates every pod)' });
    const wantsBudget = props.disruptionBudget ?? replicas >= d.disruptionBudgetMinReplicas;
    if (props.disruptionBudget === true && replicas === 0) {
      fail({
        scope: this, prop: 'disruptionBudget', message: 'is requested with 0 replicas: there are no pods to protect', value: true,
        allowed: 'a budget with replicas ≥ 1', fix: "set 'replicas' to 1 or more, or drop 'disruptionBudget'",
      });
    }
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
      });
    }
    this.endpoint = {
      name: this.name, namespace: this.namespace, host: this.host, port: this.servicePort, targetPort: port,
      selectorLabels: this.selectorLabels, labels: this.labels, envPrefix, database: props.database, peerTraffic: replicas > 1,
      credentials: this.credentials ? { secretName: this.credentials.secretName, keys: this.credentials.keys } : undefined,
    };

    const probes = { startup: Probe.tcp(), readiness: Probe.tcp(), liveness: Probe.tcp() };
    const spread = (props.spread ?? true) && replicas > 1;
    const renderPod = (serviceAccountName: string) => this.pod.renderSpec({
      serviceAccountName,
      main: { ports: this.ports, probePort: portName, defaultProbes: probes, probeTiming: d.probes },
      affinity: spread ? this.antiAffinity() : undefined,
      topologySpreadConstraints: spread ? this.zoneSpread() : undefined,
      terminationGracePeriodSeconds: d.terminationGracePeriodSeconds,
    });
    const servicePorts = (headless: boolean) => this.ports.map((p) => ({
      name: p.name, port: headless ? p.port : p.servicePort ?? p.port, targetPort: intOrString(p.name), protocol: p.protocol ?? 'TCP',
    }));

    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: this.metadata(d.headlessServiceSuffix),
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: this.selectorLabels, ports: servicePorts(true) },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: this.metadata(),
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports: servicePorts(false) },
    });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: this.metadata(),
      spec: {
        serviceName: this.headlessService.name,
        replicas,
        selector: { matchLabels: this.selectorLabels },
        podManagementPolicy,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } },
        persistentVolumeClaimRetentionPolicy: {
          whenDeleted: props.deleteVolumesOnDelete ? 'Delete' : d.retention.whenDeleted,
          whenScaled: props.deleteVolumesOnScaleDown ? 'Delete' : d.retention.whenScaled,
        },
        revisionHistoryLimit: d.revisionHistoryLimit,
        template: {
          metadata: { labels: this.pod.renderLabels(this.labels), annotations: Lazy.any({ produce: () => this.pod.renderAnnotations() }) },
          spec: Lazy.any({ produce: () => renderPod(this.serviceAccount.name) }),
        },
        volumeClaimTemplates: claims.map((c) => ({
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
    // Render once now so bad probes, env or mounts fail in the constructor, not at synth.
    renderPod(this.name);

    if (wantsBudget) {
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: this.metadata(),
        spec: { maxUnavailable: intOrString(d.disruptionBudgetMaxUnavailable), selector: { matchLabels: this.selectorLabels } },
      });
    }
  }

  /** An env value reading the credential `role` from the credentials Secret; fails when there is none. */
  public credentialEnv(role: CredentialRole): EnvValue {
    const key = this.credentials?.keys[role];
    if (!this.credentials || key === undefined) {
      fail({
        scope: this, prop: 'credentials', message: `has no '${role}' key`, value: this.credentials?.keys ?? null,
        fix: `name the key holding the ${role} in the credentials' keys`,
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

  private zoneSpread(): k8s.TopologySpreadConstraint[] {
    const s = DEFAULTS.spread;
    return [{ maxSkew: s.maxSkew, topologyKey: s.zoneKey, whenUnsatisfiable: s.whenUnsatisfiable, labelSelector: { matchLabels: this.selectorLabels } }];
  }
}

interface ResolvedClaim {
  readonly name: string;
  readonly mountPath: string;
  readonly size: string;
  readonly storageClassName?: string;
  readonly accessModes: AccessMode[];
}

function withStoreDefaults(props: StatefulStoreProps): StatefulStoreProps {
  const fsGroupChangePolicy = props.securityContext?.fsGroupChangePolicy ?? DEFAULTS.statefulStore.fsGroupChangePolicy;
  return { ...props, securityContext: { ...props.securityContext, fsGroupChangePolicy } };
}

function resolveClaims(scope: IConstruct, storage: StorageClaimProps[] | undefined): ResolvedClaim[] {
  const d = DEFAULTS.statefulStore.storage;
  const claims = storage ?? [{ name: d.name, mountPath: d.mountPath }];
  const names = new Set<string>();
  const paths = new Set<string>();
  return claims.map((c, i) => {
    const p = `storage[${i}]`;
    const name = validateName(c.name ?? d.name, NameRule.DNS_1123_LABEL, { scope, prop: `${p}.name` });
    if (names.has(name)) {
      fail({
        scope, prop: `${p}.name`, message: `names a second claim '${name}'`, value: name,
        allowed: 'unique claim names', fix: "give every claim its own 'name' (the default is 'data')",
      });
    }
    names.add(name);
    if (typeof c.mountPath !== 'string' || !c.mountPath.startsWith('/')) {
      fail({
        scope, prop: `${p}.mountPath`,
        message: 'must be an absolute path', value: c.mountPath,
        allowed: "a path starting with '/'", fix: `use '/${c.mountPath ?? 'data'}'`,
      });
    }
    if (paths.has(c.mountPath)) {
      fail({ scope, prop: `${p}.mountPath`, message: 'is the mount path of another claim', value: c.mountPath, allowed: 'one claim per mount path' });
    }
    paths.add(c.mountPath);
    const size = validateQuantity(c.size ?? d.size, { scope, prop: `${p}.size`, kind: 'storage' });
    const accessModes = c.accessModes ?? [d.accessMode];
    if (accessModes.length === 0) {
      fail({ scope, prop: `${p}.accessModes`, message: 'must not be empty', value: accessModes, allowed: ACCESS_MODES.join(', ') });
    }
    accessModes.forEach((m, j) => oneOf(scope, `${p}.accessModes[${j}]`, m, ACCESS_MODES));
    if (c.storageClassName !== undefined && !isValidName(c.storageClassName, NameRule.DNS_1123_SUBDOMAIN)) {
      validateName(c.storageClassName, NameRule.DNS_1123_SUBDOMAIN, { scope, prop: `${p}.storageClassName` });
    }
    return { name, mountPath: c.mountPath, size, storageClassName: c.storageClassName, accessModes: [...accessModes] };
  });
}

function oneOf<T extends string>(scope: IConstruct, prop: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    const close = allowed.find((a) => a.toLowerCase() === String(value).toLowerCase().replace(/[-_ ]/g, ''));
    fail({
      scope, prop, message: 'is not a known value', value, allowed: allowed.map((a) => `'${a}'`).join(', '),
      fix: close ? `write '${close}'` : `use one of ${allowed.join(', ')}`,
    });
  }
  return value;
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

const ROLES: readonly CredentialRole[] = ['username', 'password', 'database'];
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function checkKeys(store: StatefulStore, prop: string, keys: CredentialKeys, roles: readonly CredentialRole[]): CredentialKeys {
  for (const role of Object.keys(keys)) {
    if (!ROLES.includes(role as CredentialRole)) {
      fail({ scope: store, prop, message: `has an unknown role '${role}'`, value: keys, allowed: ROLES.map((r) => `'${r}'`).join(', ') });
    }
  }
  for (const role of ROLES) {
    const key = keys[role];
    if (key !== undefined && (key.length > 253 || !SECRET_KEY.test(key))) {
      fail({
        scope: store, prop: `${prop}.${role}`,
        message: 'is not a valid Secret key', value: key,
        allowed: "letters, digits, '-', '_' and '.', at most 253 characters",
      });
    }
  }
  for (const role of roles) {
    if (keys[role] === undefined) {
      fail({
        scope: store, prop, message: `has no '${role}', which the store needs`, value: keys,
        allowed: `keys for ${roles.map((r) => `'${r}'`).join(', ')}`, fix: `add '${role}: <key>'`,
      });
    }
  }
  return Object.fromEntries(ROLES.filter((r) => keys[r] !== undefined).map((r) => [r, keys[r]]));
}

function defaultKeys(roles: readonly CredentialRole[]): CredentialKeys {
  const names = DEFAULTS.statefulStore.credentials.keys;
  return Object.fromEntries(roles.map((r) => [r, names[r]]));
}

function credentialsSecretName(store: StatefulStore): string {
  return `${store.name}-${DEFAULTS.statefulStore.credentials.secretSuffix}`;
}

class ExistingSecretCredentials extends StoreCredentials {
  constructor(private readonly secretName: string, private readonly options: SecretCredentialsOptions) {
    super();
  }

  public bind(store: StatefulStore, roles: readonly CredentialRole[]): BoundCredentials {
    const secretName = validateName(this.secretName, NameRule.DNS_1123_SUBDOMAIN, { scope: store, prop: 'credentials.secretName' });
    const keys = checkKeys(store, 'credentials.keys', this.options.keys ?? defaultKeys(roles), roles);
    return { secretName, keys };
  }
}

class ExternalSecretCredentials extends StoreCredentials {
  constructor(private readonly options: ExternalSecretCredentialsOptions) {
    super();
  }

  public bind(store: StatefulStore, roles: readonly CredentialRole[]): BoundCredentials {
    const o = this.options;
    const c = DEFAULTS.statefulStore.credentials;
    validateName(o.store, NameRule.DNS_1123_SUBDOMAIN, { scope: store, prop: 'credentials.store' });
    if (!o.remoteKey) {
      fail({
        scope: store, prop: 'credentials.remoteKey',
        message: 'must not be empty', value: o.remoteKey,
        fix: "name the secret in the provider, e.g. 'db/prod'",
      });
    }
    const kind = o.storeKind ?? c.externalSecretStoreKind;
    if (kind !== 'SecretStore' && kind !== 'ClusterSecretStore') {
      fail({
        scope: store, prop: 'credentials.storeKind',
        message: 'is not a kind of secret store', value: kind,
        allowed: "'SecretStore', 'ClusterSecretStore'",
      });
    }
    const properties = checkKeys(store, 'credentials.properties', o.properties ?? defaultKeys(roles), roles);
    const secretName = credentialsSecretName(store);
    const present = ROLES.filter((r) => properties[r] !== undefined);
    const externalSecret = new es.ExternalSecret(store, 'ExternalSecret', {
      metadata: store.metadata(c.secretSuffix),
      spec: {
        refreshInterval: o.refreshInterval ?? c.externalSecretRefreshInterval,
        secretStoreRef: { name: o.store, kind: kind as es.ExternalSecretSpecSecretStoreRefKind },
        target: { name: secretName, creationPolicy: es.ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: present.map((role) => ({ secretKey: role, remoteRef: { key: o.remoteKey, property: properties[role] } })),
      },
    });
    return { secretName, keys: Object.fromEntries(present.map((r) => [r, r])), externalSecret };
  }
}

class LiteralCredentialsImpl extends StoreCredentials {
  constructor(private readonly values: LiteralCredentials, private readonly ack: InsecureLiteralsAcknowledgement) {
    super();
  }

  public bind(store: StatefulStore, roles: readonly CredentialRole[]): BoundCredentials {
    // Checked at run time too: JavaScript callers and casts get past the type.
    if (this.ack?.iUnderstandLiteralSecretsAreStoredInPlainText !== true) {
      fail({
        scope: store, prop: 'credentials', message: 'holds literal secret values without the acknowledgement', value: this.ack ?? null,
        allowed: '{ iUnderstandLiteralSecretsAreStoredInPlainText: true }',
        fix: 'use StoreCredentials.fromSecret(...) or fromExternalSecret(...); literals are readable by anyone with the YAML',
      });
    }
    for (const role of ROLES) {
      const v = this.values[role];
      if (v !== undefined && (typeof v !== 'string' || v === '')) {
        fail({ scope: store, prop: `credentials.${role}`, message: 'must be a non-empty string', value: typeof v === 'string' ? v : typeof v });
      }
    }
    const present = ROLES.filter((r) => this.values[r] !== undefined);
    const keys = checkKeys(store, 'credentials', Object.fromEntries(present.map((r) => [r, r])), roles);
    const secretName = credentialsSecretName(store);
    const secret = new k8s.KubeSecret(store, 'Credentials', {
      metadata: store.metadata(DEFAULTS.statefulStore.credentials.secretSuffix),
      type: 'Opaque',
      stringData: Object.fromEntries(present.map((r) => [r, this.values[r]!])),
    });
    return { secretName, keys, secret };
  }
}
