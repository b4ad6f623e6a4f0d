import { k8s } from 'cdk8s-plus-28';
import { configKeyProblem } from '../core/config-keys';
import { isConstruct } from '../core/errors';
import { validateImage } from '../core/image';
import { NameRule } from '../core/names';
import {
  absolutePath, annotationMap, percentFix, checkProbeKinds, intOrPercent, parseIntOrPercent, checkProbePorts, checkUniquePorts, cpuQuantity, envMap, imageRef, labelMap, labelValue,
  containerPortSpec, containerNameFix, controllerRef, duration, extendedResourceProblem, httpPath, nameSpec, probe, quantity,
} from '../core/specs';
import { AnySpec, commandLineFix, commandList, Fields, Reporter, Spec, typeName, v } from '../core/validation';
import { ConfigExposure, ConfigSource } from './config-source';
import { GrantOptions, PermissionRule, RBAC_VERBS } from './rbac';
import type { WorkloadProps } from './workload';
import { CONNECTABLE_ALLOWED, ConnectOptions, IConnectable, isConnectable, missingFix, notConnectable } from './connections';
import { CONNECT_OPTIONS } from './connection-specs';
import { AutoscalingOptions, DeploymentRolloutOptions } from './scaling';
import { DEFAULTS } from '../core/defaults';
import { SECRET_REF } from '../core/env';
import { BASELINE_CAPABILITIES } from '../core/pod-security';
import { onService, PortSpec } from '../core/ports';
import { ContainerProps, MountSpec, PodProps, ResourcesProps, SecurityProps, VolumeSpec } from './pod';
import { DrainOptions } from './drain';
import type { ServiceIpFamilyOptions } from './ip-families';
import type { MetricsOptions } from './metrics';

// The specs of the props every workload shares (ContainerProps, PodProps, WorkloadProps).
// `Fields<T>` keeps each in step with its interface: see docs/decisions/props-validation.md.

/** The largest integer JavaScript holds exactly (int64 fields beyond it are not useful as seconds). */
const INT64_SAFE = Number.MAX_SAFE_INTEGER;

const objectName = nameSpec(NameRule.DNS_1123_SUBDOMAIN);
const dnsLabel = nameSpec(NameRule.DNS_1123_LABEL);

const resources = v.object<ResourcesProps>()({
  cpu: v.object<NonNullable<ResourcesProps['cpu']>>()({ request: cpuQuantity, limit: cpuQuantity }, { what: 'cpu field' }),
  memory: v.object<NonNullable<ResourcesProps['memory']>>()({ request: quantity('memory'), limit: quantity('memory') }, { what: 'memory field' }),
  extended: v.record(v.int({ min: 1, allowed: 'a whole number of devices, at least 1', fix: (x) => (x === 0 ? 'leave the resource out' : undefined) }), {
    key: extendedResourceProblem, keys: ['nvidia.com/gpu', 'amd.com/gpu'],
  }),
}, {
  what: 'resource',
  refused: Object.fromEntries(['gpu', 'gpus', 'nvidia.com/gpu', 'amd.com/gpu'].map((k) => [k, {
    why: 'a GPU is an extended resource, named by its device plugin', fix: `write extended: { '${k.includes('/') ? k : 'nvidia.com/gpu'}': 1 }${k.includes('/') ? '' : " (or 'amd.com/gpu')"}`,
  }])),
});

const mount = v.object<MountSpec>()({
  volume: v.required(dnsLabel),
  mountPath: v.required(absolutePath),
  readOnly: v.boolean(),
  subPath: v.string({
    allowed: "a relative path inside the volume, without '..'",
    check: (s) => (s.startsWith('/') || s.split('/').includes('..') ? { message: "must be a relative path without '..'", fix: "write a path inside the volume, e.g. 'conf/app.yaml'" } : undefined),
  }),
}, { what: 'mount field' });

/** A pause before SIGTERM (`drain`), or `false` for none. */
export const DRAIN: Spec<DrainOptions | false> = v.union(
  v.object<DrainOptions>()({
    delaySeconds: v.required(v.int({ min: 0, max: 3600 })),
    using: v.oneOf(['exec', 'sleep-action'] as const),
  }, { what: 'drain option' }),
  v.off(),
  '{ delaySeconds, using? }, or false for no pause',
  (value) => (typeof value === 'number' ? `write { delaySeconds: ${value} }` : value === true ? 'write { delaySeconds: 5 }' : undefined),
);

/** The fields of a container, as the main container (WorkloadProps) and sidecars share them. */
export const CONTAINER_FIELDS = {
  image: v.required(imageRef, { message: 'is required', fix: "give the container's image, pinned: e.g. image: 'ghcr.io/acme/app:1.2.3'" }),
  allowUnpinnedImage: v.boolean(),
  command: commandList(),
  args: v.array(v.string(), { typeFix: commandLineFix('args') }),
  workingDir: absolutePath,
  env: envMap,
  envFromSecrets: v.array(SECRET_REF),
  envFromConfigMaps: v.array(objectName),
  resources,
  liveness: probe,
  readiness: probe,
  startup: probe,
  mounts: v.array(mount),
} satisfies Omit<Fields<ContainerProps>, 'name' | 'ports'>;

/** A port of a container, as probes are checked against them. */
type DeclaredPort = { readonly name: string; readonly port: number };

/**
 * Image pinning, probe thresholds and probe port names of one container (`ports`: its ports, or
 * undefined when they are only known when the pod is rendered; `declareIn`: the prop a port is
 * declared in, named in the fix). Probe port numbers are checked when the pod is rendered.
 */
export function checkContainer(c: ContainerProps, ports: readonly DeclaredPort[] | undefined, r: Pick<Reporter, 'issue'>, prefix = '', declareIn?: string): void {
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  try {
    validateImage(c.image, { allowUnpinned: c.allowUnpinnedImage });
  } catch (e: any) {
    r.issue(at('image'), { message: e.detail, value: c.image, allowed: e.allowed, fix: e.fix });
  }
  checkProbeKinds(c, (p, x) => r.issue(at(p), x));
  if (ports) checkProbePorts(c, ports, (p, x) => r.issue(at(p), x), declareIn);
}

const sidecar = v.object<ContainerProps>()({
  ...CONTAINER_FIELDS,
  name: dnsLabel,
  ports: v.array(containerPortSpec),
}, {
  what: 'container field',
  check: (c, r) => {
    if (c.name === undefined) r.issue('name', { message: 'is required for sidecars and init containers', allowed: dnsLabel.allowed, fix: containerNameFix(c.image) });
    checkUniquePorts(c.ports ?? [], (i) => `ports[${i}]`, r.issue);
    // Probe port numbers are checked when the pod is rendered, which knows about hostNetwork.
    checkContainer(c, c.ports ?? [], r);
  },
});

// Whether root, privilege escalation and capabilities are allowed depends on the chart's profile: PodBuilder checks that.
const capability = v.oneOf(BASELINE_CAPABILITIES, {
  allowed: `a capability Pod Security baseline allows: ${BASELINE_CAPABILITIES.join(', ')}`,
  fix: (x) => {
    const name = typeof x === 'string' ? x.toUpperCase().replace(/^CAP_/, '') : undefined;
    if (name !== undefined && BASELINE_CAPABILITIES.includes(name)) return `write '${name}'`;
    return 'a capability beyond Pod Security baseline (SYS_ADMIN, NET_ADMIN, …) would make the pod privileged: that is outside what timonel builds';
  },
});

const security = v.object<SecurityProps>()({
  runAsUser: v.int({ min: 0 }),
  runAsNonRoot: v.boolean(),
  runAsGroup: v.int({ min: 0 }),
  fsGroup: v.int({ min: 0 }),
  readOnlyRootFilesystem: v.boolean(),
  allowPrivilegeEscalation: v.boolean(),
  addCapabilities: v.array(capability),
  fsGroupChangePolicy: v.oneOf(['OnRootMismatch', 'Always'] as const),
}, {
  what: 'security field',
  check: (s, r) => {
    if (s.runAsNonRoot === true && s.runAsUser === 0) {
      r.issue('runAsNonRoot', {
        message: 'is true, but runAsUser is 0 (root): the kubelet would refuse to start the containers', value: true,
        allowed: 'runAsNonRoot: true with a runAsUser above 0', fix: 'leave runAsNonRoot unset (it is false with runAsUser: 0), or use a non-zero runAsUser',
      });
    }
    const seen = new Set<string>();
    (s.addCapabilities ?? []).forEach((c, i) => {
      if (seen.has(c)) r.issue(`addCapabilities[${i}]`, { message: 'names the same capability twice', value: c, allowed: 'each capability once', fix: 'list each capability once' });
      seen.add(c);
    });
  },
});

const toleration = v.object<k8s.Toleration>()({
  key: v.string({ samples: ['dedicated', 'node.kubernetes.io/not-ready'] }),
  operator: v.oneOf(['Exists', 'Equal'] as const),
  value: v.string(),
  effect: v.oneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const),
  tolerationSeconds: v.int({ min: -INT64_SAFE, max: INT64_SAFE }),
}, {
  what: 'toleration field',
  check: (t, r) => {
    if (t.operator === 'Exists' && t.value !== undefined && t.value !== '') r.issue('value', { message: "must be empty when operator is 'Exists'", value: t.value, allowed: "no value with operator 'Exists'; a value with operator 'Equal'", fix: "remove value, or use operator: 'Equal' to match it" });
    if (t.key === undefined && t.operator !== 'Exists') r.issue('operator', { message: "must be 'Exists' when there is no key", value: t.operator ?? 'Equal', allowed: "operator 'Exists' without a key; 'Equal' with a key", fix: "add the taint's key, or write operator: 'Exists' to tolerate every taint (of the effect, if given)" });
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') r.issue('tolerationSeconds', { message: "only applies to effect 'NoExecute'", value: t.tolerationSeconds, allowed: "tolerationSeconds with effect 'NoExecute' only", fix: "set effect: 'NoExecute' (how long the pod may stay on a node with that taint), or remove tolerationSeconds" });
  },
});

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;

function requirement<T extends { key: string; operator: string; values?: string[] }>(operators: readonly string[]): Spec<T> {
  return v.object<{ key: string; operator: string; values?: string[] }>()({
    key: v.required(v.string({ nonEmpty: true })),
    operator: v.required(v.oneOf(operators)),
    values: v.array(v.string()),
  }, {
    what: 'requirement field',
    check: (x, r) => {
      const n = x.values?.length ?? 0;
      if ((x.operator === 'In' || x.operator === 'NotIn') && n === 0) r.issue('values', { message: `must not be empty with operator '${x.operator}'`, value: x.values, allowed: "one or more values with operator 'In' or 'NotIn'", fix: "list the values to match, or use operator: 'Exists'" });
      if ((x.operator === 'Exists' || x.operator === 'DoesNotExist') && n > 0) r.issue('values', { message: `must be empty with operator '${x.operator}'`, value: x.values, allowed: "no values with operator 'Exists' or 'DoesNotExist'", fix: "remove values, or use operator: 'In' to match them" });
      if ((x.operator === 'Gt' || x.operator === 'Lt') && (n !== 1 || !/^-?[0-9]+$/.test(x.values![0]))) {
        r.issue('values', { message: `must be one integer with operator '${x.operator}'`, value: x.values, allowed: "exactly one integer with operator 'Gt' or 'Lt', e.g. ['3']", fix: "write one whole number as a string, e.g. values: ['3']" });
      }
    },
  }) as Spec<unknown> as Spec<T>;
}

const labelSelector = v.object<k8s.LabelSelector>()({
  matchLabels: labelMap,
  matchExpressions: v.array(requirement<k8s.LabelSelectorRequirement>(SELECTOR_OPERATORS)),
}, { what: 'selector field' });

const nodeSelectorTerm = v.object<k8s.NodeSelectorTerm>()({
  matchExpressions: v.array(requirement<k8s.NodeSelectorRequirement>(NODE_OPERATORS)),
  matchFields: v.array(requirement<k8s.NodeSelectorRequirement>(NODE_OPERATORS)),
}, { what: 'term field' });

const weight = v.int({ min: 1, max: 100 });

const podAffinityTerm = v.object<k8s.PodAffinityTerm>()({
  labelSelector,
  namespaceSelector: labelSelector,
  namespaces: v.array(dnsLabel),
  topologyKey: v.required(v.string({ nonEmpty: true, samples: ['kubernetes.io/hostname'] })),
}, { what: 'term field' });

const podAffinity = {
  preferredDuringSchedulingIgnoredDuringExecution: v.array(v.object<k8s.WeightedPodAffinityTerm>()({
    podAffinityTerm: v.required(podAffinityTerm), weight: v.required(weight),
  }, { what: 'term field' })),
  requiredDuringSchedulingIgnoredDuringExecution: v.array(podAffinityTerm),
};

const affinity = v.object<k8s.Affinity>()({
  nodeAffinity: v.object<k8s.NodeAffinity>()({
    preferredDuringSchedulingIgnoredDuringExecution: v.array(v.object<k8s.PreferredSchedulingTerm>()({
      preference: v.required(nodeSelectorTerm), weight: v.required(weight),
    }, { what: 'term field' })),
    requiredDuringSchedulingIgnoredDuringExecution: v.object<k8s.NodeSelector>()({
      nodeSelectorTerms: v.required(v.array(nodeSelectorTerm, { minItems: 1 })),
    }, { what: 'selector field' }),
  }, { what: 'affinity field' }),
  podAffinity: v.object<k8s.PodAffinity>()(podAffinity, { what: 'affinity field' }),
  podAntiAffinity: v.object<k8s.PodAntiAffinity>()(podAffinity, { what: 'affinity field' }),
}, { what: 'affinity field' });

const keyToPath = v.object<{ key: string; path: string }>()({
  key: v.required(v.string({ nonEmpty: true })),
  path: v.required(v.string({
    allowed: "a relative path without '..'",
    check: (s) => (s === '' || s.startsWith('/') || s.split('/').includes('..') ? { message: "must be a relative path without '..'", fix: "write a path inside the volume, e.g. 'conf/app.yaml'" } : undefined),
  })),
}, { what: 'item field' });

type EmptyDirVolume = Extract<VolumeSpec, { emptyDir: unknown }>;
type ConfigMapVolume = Extract<VolumeSpec, { configMap: string }>;
type SecretVolume = Extract<VolumeSpec, { secret: string }>;
type ClaimVolume = Extract<VolumeSpec, { persistentVolumeClaim: string }>;

const volume = v.variants<VolumeSpec>({
  emptyDir: v.object<EmptyDirVolume>()({
    name: v.required(dnsLabel),
    emptyDir: v.required(v.object<EmptyDirVolume['emptyDir']>()({
      sizeLimit: quantity('storage', 'emptyDir'), medium: v.oneOf(['Memory'] as const),
    }, { what: 'emptyDir field' })),
  }, { what: 'volume field' }),
  configMap: v.object<ConfigMapVolume>()({ name: v.required(dnsLabel), configMap: v.required(objectName), items: v.array(keyToPath) }, { what: 'volume field' }),
  secret: v.object<SecretVolume>()({ name: v.required(dnsLabel), secret: v.required(objectName), items: v.array(keyToPath) }, { what: 'volume field' }),
  persistentVolumeClaim: v.object<ClaimVolume>()({
    name: v.required(dnsLabel), persistentVolumeClaim: v.required(objectName), readOnly: v.boolean(),
  }, { what: 'volume field' }),
}, 'a volume', {
  noSourceFix: (keys) => (keys.includes('hostPath')
    ? "a node's files are for a NodeAgent (its hostPaths, each with a reason); an app keeps files in an emptyDir or a persistentVolumeClaim"
    : keys.includes('mountPath') || keys.includes('path')
      ? "a volume only names its source: write { name: 'data', emptyDir: {} } here, and mount it with mounts: [{ volume: 'data', mountPath: '/data' }]"
      : undefined),
});

/** The fields of a pod (PodProps). */
export const POD_FIELDS: Fields<PodProps> = {
  securityContext: security,
  nodeSelector: labelMap,
  tolerations: v.array(toleration),
  affinity,
  priorityClassName: objectName,
  terminationGracePeriodSeconds: v.int({ min: 0, max: INT64_SAFE, allowed: 'a whole number of seconds, at least 0' }),
  initContainers: v.array(sidecar),
  sidecars: v.array(sidecar),
  volumes: v.array(volume),
  imagePullSecrets: v.array(objectName),
  podAnnotations: annotationMap,
  podLabels: labelMap,
};

const permissionRule = v.object<PermissionRule>()({
  apiGroups: v.array(v.string()),
  resources: v.required(v.array(v.string({ nonEmpty: true }), { minItems: 1 })),
  verbs: v.required(v.array(v.oneOf(RBAC_VERBS), { minItems: 1 })),
  resourceNames: v.array(v.string({ nonEmpty: true })),
}, { what: 'permission field' });

const grant = v.object<GrantOptions>()({
  rules: v.required(v.array(permissionRule, { minItems: 1 })),
  scope: v.oneOf(['namespace', 'cluster'] as const),
  namespace: dnsLabel,
}, { what: 'grant field' });

const configSource: Spec<ConfigSource> = v.instance(
  ConfigSource, 'a ConfigSource: ConfigSource.fromFile(path), .fromDirectory(path) or .fromBinary(key, bytes)',
  () => [ConfigSource.fromBinary('logo.png', new Uint8Array([0x89, 0x50]))],
  "write ConfigSource.fromFile('config/app.yaml') instead of a path",
);

/** The fields of WorkloadProps. */
/** With an autoscaler the replica count is its to set: `replicas` beside `autoscaling` would be ignored. */
export function checkReplicasWithAutoscaling(p: { readonly replicas?: number; readonly autoscaling?: unknown }, r: Reporter): void {
  if (p.autoscaling === undefined || p.autoscaling === null || p.replicas === undefined) return;
  r.issue('replicas', {
    message: 'cannot be set with autoscaling: the autoscaler owns the replica count', value: p.replicas,
    allowed: 'replicas or autoscaling, not both', fix: "remove 'replicas', or set 'autoscaling.minReplicas'",
  });
}

/** Props users put on a workload that belong elsewhere: refused with where they go. */
export const WORKLOAD_REFUSED = {
  namespace: { why: "a workload's namespace is its chart's", fix: "set it on the chart: new TimonelChart(app, 'shop', { namespace: 'shop' })" },
  labels: {
    why: "timonel writes the objects' recommended labels itself",
    fix: "labels on every object of the chart: new TimonelChart(app, 'shop', { labels: { team: 'payments' } }); on the pods only: podLabels: { … }",
  },
  annotations: {
    why: 'a workload makes several objects, and an annotation belongs to one of them',
    fix: 'on the pods: podAnnotations: { … }; on the Service: service: { annotations: { … } }; on another object: patchManifest(obj, JsonPatch.add(…))',
  },
} as const;

/** `connectTo` as a prop of a workload that serves a port: it connects with its method. */
export const SERVED_REFUSED = {
  ...WORKLOAD_REFUSED,
  connectTo: { why: 'a workload that serves a port connects with its method (so two apps can connect to each other)', fix: "create both, then call web.connectTo(db) (options as the second argument: { envForm: 'url' })" },
} as const;

/** `port` on a workload that serves none (a Worker, a BatchJob). */
export function noPortRefused(what: string): { readonly port: { readonly why: string; readonly fix: string } } {
  return { port: { why: `a ${what} serves no port (it gets no Service)`, fix: "for a server that others connect to, use a WebApp (or a StatefulStore); a probe's port goes in the probe" } };
}

export const WORKLOAD_FIELDS: Fields<WorkloadProps> = {
  ...CONTAINER_FIELDS,
  ...POD_FIELDS,
  name: v.string({ nonEmpty: true }),
  component: labelValue,
  version: labelValue,
  config: v.record(v.string(), {
    key: (k) => configKeyProblem(k),
    keys: ['LOG_LEVEL', 'app.yaml'],
  }),
  configFrom: v.array(configSource),
  permissions: v.array(grant),
  configAs: v.oneOf([ConfigExposure.ENV, ConfigExposure.FILES]),
  configMountPath: absolutePath,
};

/** A port a served workload's Service gets besides its `extraPorts`, with the prop that sets its number. */
export interface ServicePortSource {
  /** The Service port. */
  readonly port: number;
  /** The prop that sets it, as the user writes it ('service.port'). */
  readonly prop: string;
  /** The prop is unset and `port` is its default. @default false */
  readonly defaulted?: boolean;
}

const described = (s: ServicePortSource) => `'${s.prop}'${s.defaulted ? ` (default ${s.port})` : ''}`;

/**
 * A Service takes each port number once per protocol (the API server refuses a repeat): `main`'s
 * Service port, each of `extraPorts` on the Service (its `servicePort`, else its `port`), then `more`
 * (e.g. a metrics port). An extra port whose container port is already taken is left to the
 * container port check (one message per mistake).
 */
export function checkServicePorts(
  main: ServicePortSource & { readonly containerPort: number }, extraPorts: readonly PortSpec[] | undefined, r: Reporter, more: readonly ServicePortSource[] = [],
): void {
  const extras = extraPorts ?? [];
  const taken = new Set<number>([main.port, ...more.map((m) => m.port), ...extras.map((x) => x?.servicePort ?? x?.port)]);
  const free = (from: number) => {
    let n = from + 1;
    while (taken.has(n) && n < 65535) n++;
    return n;
  };
  const used = new Map<string, string>([[`${main.port}/TCP`, `the main port, ${described(main)},`]]);
  const containerPorts = new Set<number>([main.containerPort]);
  extras.forEach((x, i) => {
    const containerTaken = (x.protocol ?? 'TCP') === 'TCP' && containerPorts.has(x.port);
    containerPorts.add(x.port);
    if (!onService(x)) return;
    const port = x.servicePort ?? x.port;
    const key = `${port}/${x.protocol ?? 'TCP'}`;
    const other = used.get(key);
    if (other === undefined) {
      used.set(key, `'extraPorts[${i}]'`);
      return;
    }
    if (x.servicePort === undefined && containerTaken) return;
    r.issue(`extraPorts[${i}].${x.servicePort === undefined ? 'port' : 'servicePort'}`, {
      message: `puts Service port ${key} on the Service, which ${other} already has: the API server refuses a Service with a port twice`, value: port,
      allowed: 'each Service port number once per protocol',
      fix: x.servicePort === undefined
        ? `give it a Service port of its own, e.g. servicePort: ${free(port)} (the container still listens on ${x.port})`
        : `use a free Service port, e.g. servicePort: ${free(port)}`,
    });
  });
  for (const m of more) {
    const other = used.get(`${m.port}/TCP`);
    if (other !== undefined) {
      r.issue(m.prop, {
        message: `puts Service port ${m.port}/TCP on the Service, which ${other} already has: the API server refuses a Service with a port twice`, value: m.port,
        allowed: 'each Service port number once per protocol', fix: `use a free port, e.g. ${free(m.port)}`,
      });
    }
    used.set(`${m.port}/TCP`, described(m));
  }
}

/** How a construct's ports are declared, for the probe port checks of `checkWorkload`. */
export interface WorkloadPortsOptions {
  /** The prop the main container's ports are declared in ('extraPorts', 'ports'), named in the fix of a probe on a port name it lacks. @default - none */
  readonly mainPortsProp?: string;
  /** The pod is on the host's network: a sidecar's probe may use a port it does not declare (declaring it would open it on the node). @default false */
  readonly hostNetwork?: boolean;
}

/**
 * The rules of WorkloadProps across fields: the main container (image pinned, probes), init
 * containers without probes, unique container and volume names. `mainPorts` are the main
 * container's ports; undefined for a construct of your own, whose ports come with the pod
 * (`podTemplate({ main: { ports } })`), so its probes' ports are checked when the pod is rendered.
 */
export function checkWorkload(
  p: WorkloadProps, mainPorts: readonly DeclaredPort[] | undefined, r: Reporter, mountPaths: ReadonlyMap<string, string> = new Map(), ports: WorkloadPortsOptions = {},
): void {
  checkContainer(p, mainPorts, r, '', ports.hostNetwork ? undefined : ports.mainPortsProp);
  if (!ports.hostNetwork) {
    (p.sidecars ?? []).forEach((c, i) => checkProbePorts(c, c.ports ?? [], (q, x) => r.issue(`sidecars[${i}].${q}`, x), `sidecars[${i}].ports`));
  }
  const mainPortNames = (mainPorts ?? []).map((x) => x.name);
  const paths = new Map<string, string>([[DEFAULTS.security.tmpPath, 'the /tmp volume'], ...mountPaths]);
  if (p.configAs === ConfigExposure.FILES) {
    const path = p.configMountPath ?? DEFAULTS.webApp.configMountPath;
    if (paths.has(path)) r.issue('configMountPath', { message: `is already mounted by ${paths.get(path)}`, value: path, allowed: 'a path no other volume is mounted at', fix: "choose another 'configMountPath'" });
    paths.set(path, 'configMountPath');
  }
  // Port names are unique in the whole pod (Services and probes refer to them by name).
  const portNames = new Map(mainPortNames.map((n) => [n, 'the main container']));
  for (const [list, cs] of [['sidecars', p.sidecars], ['initContainers', p.initContainers]] as const) {
    (cs ?? []).forEach((c, i) => (c.ports ?? []).forEach((x, j) => {
      if (portNames.has(x.name)) r.issue(`${list}[${i}].ports[${j}].name`, { message: `is already a port name of ${portNames.get(x.name)}`, value: x.name, allowed: 'port names unique in the pod', fix: 'rename the port' });
      portNames.set(x.name, `${list}[${i}]`);
    }));
  }
  (p.mounts ?? []).forEach((m, i) => {
    if (paths.has(m.mountPath)) r.issue(`mounts[${i}].mountPath`, { message: `is already mounted by ${paths.get(m.mountPath)}`, value: m.mountPath, allowed: 'each path once per container', fix: 'mount each path once; use subPath to combine volumes in one folder' });
    paths.set(m.mountPath, `mounts[${i}]`);
  });
  for (const [list, cs] of [['sidecars', p.sidecars], ['initContainers', p.initContainers]] as const) {
    (cs ?? []).forEach((c, i) => {
      const own = new Map<string, string>([[DEFAULTS.security.tmpPath, 'the /tmp volume']]);
      (c.mounts ?? []).forEach((m, j) => {
        if (own.has(m.mountPath)) r.issue(`${list}[${i}].mounts[${j}].mountPath`, { message: `is already mounted by ${own.get(m.mountPath)}`, value: m.mountPath, allowed: 'each path once per container', fix: 'mount each path once; use subPath to combine volumes in one folder' });
        own.set(m.mountPath, `mounts[${j}]`);
      });
    });
  }
  (p.initContainers ?? []).forEach((c, i) => {
    for (const kind of ['liveness', 'readiness', 'startup'] as const) {
      if (c[kind] !== undefined) r.issue(`initContainers[${i}].${kind}`, { message: 'is not allowed: init containers run to completion and have no probes', allowed: 'probes on the main container and sidecars, none on init containers', fix: `remove '${kind}'` });
    }
  });
  const names = new Set(['main']);
  for (const [list, cs] of [['sidecars', p.sidecars], ['initContainers', p.initContainers]] as const) {
    (cs ?? []).forEach((c, i) => {
      if (c.name === undefined) return;
      if (names.has(c.name)) {
        r.issue(`${list}[${i}].name`, { message: 'is used by two containers', value: c.name, allowed: "unique container names ('main' is the main container)", fix: 'rename the container' });
      }
      names.add(c.name);
    });
  }
  const configFiles = (p.config !== undefined || p.configFrom !== undefined) && p.configAs === ConfigExposure.FILES;
  const volumes = new Set(['tmp', ...(configFiles ? ['config'] : [])]);
  (p.volumes ?? []).forEach((x, i) => {
    if (volumes.has(x.name)) r.issue(`volumes[${i}].name`, { message: 'is used by two volumes', value: x.name, allowed: `a name other than ${[...volumes].map((n) => `'${n}'`).join(', ')}`, fix: `rename one, e.g. '${x.name}-2', and its mounts` });
    volumes.add(x.name);
  });
}

/** A prop a construct of your own adds to WorkloadProps (`ownProps`): passed by, its own to check. */
const OWN_PROP = v.custom<unknown>('a prop of the construct', () => undefined, () => []);

/**
 * The props spec of a construct of your own (`className`, extending Workload): WorkloadProps, and
 * the keys it declares in `ownProps`, passed by unchecked; any other key is refused (with a
 * did-you-mean among both), with how to declare it when it is the construct's.
 */
export function customWorkloadProps(ownProps: readonly string[], className: string): Spec<WorkloadProps> {
  const fields: Record<string, AnySpec<unknown>> = { ...WORKLOAD_FIELDS };
  for (const k of ownProps) if (!(k in fields)) fields[k] = OWN_PROP;
  return v.object<Record<string, unknown>>()(fields as never, {
    check: (p, r) => checkWorkload(p as unknown as WorkloadProps, undefined, r),
    owner: className, docs: 'docs/custom-workloads.md',
    refused: WORKLOAD_REFUSED,
    unknownFix: (k) => `remove it; or, if ${className} takes it, declare it where ${className} calls the Workload constructor: super(scope, id, props, { ownProps: ['${k}'] })`,
  }) as Spec<unknown> as Spec<WorkloadProps>;
}

export { CONNECT_OPTIONS, CREDENTIAL_KEYS } from './connection-specs';

const percent = v.int({ min: 1, max: 100, message: 'must be a percentage of the requests', fix: percentFix });

/** Autoscaling options (WebApp, Worker). */
export const AUTOSCALING = v.object<AutoscalingOptions>()({
  minReplicas: v.int({ min: 1, message: 'must be at least 1', fix: 'scale to zero is not supported by the HPA; use replicas: 0 without autoscaling' }),
  maxReplicas: v.int({ min: 1 }),
  cpuUtilization: percent,
  memoryUtilization: percent,
}, {
  what: 'autoscaling option',
  check: (a, r) => {
    const min = a.minReplicas ?? DEFAULTS.autoscaling.minReplicas;
    if (a.maxReplicas !== undefined && a.maxReplicas < min) {
      r.issue('maxReplicas', { message: `must be a whole number ≥ minReplicas (${min})`, value: a.maxReplicas, allowed: `${min} or more (minReplicas)`, fix: 'raise maxReplicas or lower minReplicas' });
    }
  },
});

/** Rolling update options of a Deployment (WebApp, Worker). */
export const DEPLOYMENT_ROLLOUT = v.object<DeploymentRolloutOptions>()({
  maxUnavailable: intOrPercent,
  maxSurge: intOrPercent,
  revisionHistoryLimit: v.int({ min: 0 }),
  minReadySeconds: v.int({ min: 0 }),
  progressDeadlineSeconds: v.int({ min: 1 }),
}, {
  what: 'rollout option',
  check: (o, r) => {
    const d = DEFAULTS.rollout;
    const unavailable = parseIntOrPercent(o.maxUnavailable ?? d.maxUnavailable);
    const surge = parseIntOrPercent(o.maxSurge ?? d.maxSurge);
    if (unavailable.n === 0 && surge.n === 0) {
      r.issue('maxSurge', {
        message: 'and maxUnavailable cannot both be 0: the rollout could never replace a pod', value: o.maxSurge ?? d.maxSurge,
        allowed: 'maxSurge or maxUnavailable above 0', fix: "keep maxSurge at '25%' (the default) or allow maxUnavailable: 1",
      });
    }
    const ready = o.minReadySeconds ?? d.minReadySeconds;
    const deadline = o.progressDeadlineSeconds ?? d.progressDeadlineSeconds;
    if (deadline <= ready) {
      const deadlineGiven = o.progressDeadlineSeconds !== undefined;
      r.issue(deadlineGiven ? 'progressDeadlineSeconds' : 'minReadySeconds', {
        message: `must leave progressDeadlineSeconds (${deadline}) above minReadySeconds (${ready})`, value: o.progressDeadlineSeconds ?? o.minReadySeconds,
        allowed: deadlineGiven ? `${ready + 1} or more (above minReadySeconds)` : `at most ${deadline - 1} (below progressDeadlineSeconds)`,
        fix: 'raise progressDeadlineSeconds or lower minReadySeconds',
      });
    }
  },
});


// A construct that cannot be connected to says why (notConnectable); anything else is a type
// problem, so that `{ target, option }` is checked as the object form and its typo is named.
const connectable = v.custom<IConnectable>(
  CONNECTABLE_ALLOWED,
  (x) => {
    if (isConnectable(x)) return undefined;
    if (isConstruct(x)) return notConnectable(x, 'worker');
    return { message: `must be ${CONNECTABLE_ALLOWED}, but is ${typeName(x)}`, fix: missingFix(x, 'connectTo: [db]') };
  },
  () => [],
);

/** A `connectTo` prop item: a target, or `{ target, options }`. */
export const CONNECTION = v.union(connectable, v.object<{ target: IConnectable; options?: ConnectOptions }>()({
  target: v.required(connectable),
  options: CONNECT_OPTIONS,
}, { what: 'connection field' }), 'a StatefulStore, a WebApp or another timonel workload that serves a port, or { target, options }');

/** The IP family fields of a Service (WebApp's `service` and extra Services, StatefulStore's `service`). */
export const IP_FAMILY_FIELDS: Fields<ServiceIpFamilyOptions> = {
  dualStack: v.boolean(),
  ipFamilyPolicy: v.oneOf(['SingleStack', 'PreferDualStack', 'RequireDualStack'] as const),
  ipFamilies: v.array(v.oneOf(['IPv4', 'IPv6'] as const), { minItems: 1 }),
};

/** The rules of the IP family fields across each other: what the API server refuses, and a `dualStack` that explicit fields contradict. */
export function checkIpFamilies(s: ServiceIpFamilyOptions, r: Pick<Reporter, 'issue'>): void {
  const f = s.ipFamilies ?? [];
  if (f.length > 2 || (f.length === 2 && f[0] === f[1])) r.issue('ipFamilies', { message: 'must list IPv4 and IPv6 at most once each', value: f, allowed: "['IPv4'], ['IPv6'], ['IPv4', 'IPv6'] or ['IPv6', 'IPv4']", fix: "list each family once: ['IPv4'], ['IPv6'] or ['IPv4', 'IPv6'] (or use dualStack: true)" });
  if (f.length === 2 && s.ipFamilyPolicy === 'SingleStack') r.issue('ipFamilies', { message: "has two families, but ipFamilyPolicy is 'SingleStack'", value: f, allowed: "two families with ipFamilyPolicy 'PreferDualStack' or 'RequireDualStack'", fix: "use ipFamilyPolicy: 'PreferDualStack' (or 'RequireDualStack'), or list one family" });
  // dualStack is a shorthand: explicit fields that say otherwise would silently win.
  if (s.dualStack === true && f.length === 1) {
    r.issue('ipFamilies', { message: 'lists one family, but dualStack is true (IPv4 and IPv6)', value: f, allowed: 'both families (or none) with dualStack: true', fix: `list both, primary first (e.g. ['${f[0]}', '${f[0] === 'IPv4' ? 'IPv6' : 'IPv4'}']), or remove dualStack` });
  }
  if (s.dualStack === true && s.ipFamilyPolicy === 'SingleStack') {
    r.issue('ipFamilyPolicy', { message: 'is SingleStack, but dualStack is true (IPv4 and IPv6)', value: s.ipFamilyPolicy, allowed: "'PreferDualStack' or 'RequireDualStack' with dualStack: true", fix: "remove one: dualStack: true means 'PreferDualStack' (or set 'RequireDualStack')" });
  }
  if (s.dualStack === false && (f.length === 2 || (s.ipFamilyPolicy !== undefined && s.ipFamilyPolicy !== 'SingleStack'))) {
    r.issue('dualStack', { message: 'is false, but the IP family fields ask for dual stack', value: { dualStack: false, ipFamilyPolicy: s.ipFamilyPolicy, ipFamilies: s.ipFamilies }, allowed: "dualStack: false with one family and ipFamilyPolicy 'SingleStack' (or none)", fix: 'remove dualStack: false, or the dual-stack fields' });
  }
}

/** The fields of `metrics` every workload that takes it shares (WebApp, Worker); each adds its `port`. */
export const METRICS_FIELDS: Fields<MetricsOptions> = { path: httpPath, interval: duration, scraper: controllerRef, labels: labelMap };
