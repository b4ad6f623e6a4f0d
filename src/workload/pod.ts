import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { EnvList, EnvMap } from '../core/env';
import { fail, TimonelError } from '../core/errors';
import { chartProfileOf, nearestChart } from '../core/chart-context';
import { RESTRICTED_CAPABILITIES } from '../core/pod-security';
import { isValidLabelKey, isValidLabelValue, LABELS, RECOMMENDED_LABEL_PREFIX } from '../core/labels';
import { isValidName, NameRule } from '../core/names';
import { pullPolicyFor, validateImage } from '../core/image';
import { PortSpec, validatePorts } from '../core/ports';
import { Probe, ProbeSuppression, probeSuppressions, ProbeTiming, probesTurnedOff } from '../core/probes';
import { parseQuantity, validateQuantity, validateRequestWithinLimit } from '../core/quantity';
import { validateWholeNumber } from '../core/numbers';
import { preStopHandler, ResolvedDrain } from './drain';
import { ownLabelKeyProblem, containerNameFix, labelKeyProblem, labelValueFix } from '../core/specs';
import { guardedLazy } from './lazy-guard';
import { ISecretSource, isSecretSource, secretNameOf, useSecretSource } from '../core/secret-source';

/** CPU, memory and extended resources (GPUs) of a container. */
export interface ResourcesProps {
  /** @default { request: '100m' } and no limit (CPU limits throttle; set one only when you need it) */
  readonly cpu?: { readonly request?: string | number; readonly limit?: string | number };
  /** @default { request: '128Mi', limit: '256Mi' } */
  readonly memory?: { readonly request?: string; readonly limit?: string };
  /**
   * Extended resources that a device plugin advertises on nodes, by their full name, in whole
   * units: `{ 'nvidia.com/gpu': 1 }`, `{ 'amd.com/gpu': 2 }`. Kubernetes never overcommits them,
   * so each is written as both request and limit; the scheduler places the pod only on a node
   * that has that many free.
   * @default - none
   */
  readonly extended?: Readonly<Record<string, number>>;
}

/**
 * The security context of the pod and of every container in it. The defaults meet Pod Security
 * "restricted". `runAsUser: 0`, `runAsNonRoot: false`, `allowPrivilegeEscalation: true` and
 * capabilities other than NET_BIND_SERVICE in `addCapabilities` are what only "baseline" admits:
 * they need a chart whose profile is baseline (`policy: { profile: 'baseline' }`), and are an
 * error in a restricted one. Seccomp (RuntimeDefault) and `capabilities.drop: ['ALL']` are fixed.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export interface SecurityProps {
  /**
   * The user the processes run as. `0` (root) only in a baseline chart; it also makes
   * `runAsNonRoot` false.
   * @default 10001; with runAsNonRoot: false, the image's user
   */
  readonly runAsUser?: number;
  /**
   * Whether the kubelet refuses to start a container whose user is root. `false` only in a
   * baseline chart: without `runAsUser`, the processes then run as the image's user (and group),
   * root included.
   * @default true; false when runAsUser is 0
   */
  readonly runAsNonRoot?: boolean;
  /** @default 10001; the image's group when the pod runs as root or as the image's user */
  readonly runAsGroup?: number;
  /** @default 10001 */
  readonly fsGroup?: number;
  /** @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Whether a process may gain privileges through setuid binaries (`sudo`, `su`). `true` only in
   * a baseline chart.
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * Linux capabilities added back to every container after dropping ALL. Only those Pod Security
   * baseline allows (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE,
   * SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT); a restricted chart allows NET_BIND_SERVICE only.
   * Added capabilities take effect for root processes (or binaries with file capabilities).
   * @default - none
   */
  readonly addCapabilities?: string[];
  /** @default - unset (Always); StatefulStore sets OnRootMismatch */
  readonly fsGroupChangePolicy?: 'OnRootMismatch' | 'Always';
}

/** A volume mount. */
export interface MountSpec {
  /** The name of a volume of the pod. */
  readonly volume: string;
  /** An absolute path. */
  readonly mountPath: string;
  /** @default false */
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/** One container. */
export interface ContainerProps {
  /** The container name (required for sidecars and init containers). @default 'main' for the main container */
  readonly name?: string;
  /** The image, pinned by tag or digest. */
  readonly image: string;
  /** Accept an untagged or `:latest` image (pulled Always). @default false */
  readonly allowUnpinnedImage?: boolean;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - the image's cmd */
  readonly args?: string[];
  /** @default - the image's working directory */
  readonly workingDir?: string;
  /**
   * Environment variables: literals, or `EnvValue.fromSecret(...)` / `fromConfigMap(...)` / `fromField(...)`.
   * @default - none besides what connections and config add
   */
  readonly env?: EnvMap;
  /**
   * Whole Secrets exposed as env (every key becomes a variable): names of existing Secrets, or
   * `ExternalSecret`s of the same namespace, which the workload then depends on (applied first).
   * @default - none
   */
  readonly envFromSecrets?: Array<string | ISecretSource>;
  /** Whole existing ConfigMaps exposed as env. @default - none */
  readonly envFromConfigMaps?: string[];
  /** @default DEFAULTS.resources */
  readonly resources?: ResourcesProps;
  /** `false` turns the construct's default off. @default - the construct's default probe (WebApp, StatefulStore: on the main port), else none */
  readonly liveness?: Probe | false;
  /** `false` turns the construct's default off. @default - the construct's default probe (WebApp, StatefulStore: on the main port), else none */
  readonly readiness?: Probe | false;
  /** `false` turns the construct's default off. @default - the construct's default probe (WebApp, StatefulStore: on the main port), else none */
  readonly startup?: Probe | false;
  /** Extra mounts of pod volumes. @default - only the writable /tmp (and the construct's own mounts) */
  readonly mounts?: MountSpec[];
  /** Ports the container listens on (sidecars). @default - none (the main container's come from the construct) */
  readonly ports?: PortSpec[];
}

/** A pod volume. */
export type VolumeSpec =
  | { readonly name: string; readonly emptyDir: { readonly sizeLimit?: string; readonly medium?: 'Memory' } }
  | { readonly name: string; readonly configMap: string; readonly items?: { key: string; path: string }[] }
  | { readonly name: string; readonly secret: string; readonly items?: { key: string; path: string }[] }
  | { readonly name: string; readonly persistentVolumeClaim: string; readonly readOnly?: boolean };

/** Scheduling and extras shared by every workload's pods. */
export interface PodProps {
  /** @default - restricted defaults with user/group 10001 */
  readonly securityContext?: SecurityProps;
  /** Schedule only on nodes with these labels. @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: k8s.Toleration[];
  /** Replaces the affinity timonel would compute (e.g. StatefulStore anti-affinity). @default - the construct's own, if any */
  readonly affinity?: k8s.Affinity;
  /** @default - the cluster's default priority */
  readonly priorityClassName?: string;
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Containers run to completion before the main container starts. @default - none */
  readonly initContainers?: ContainerProps[];
  /** Containers beside the main one. @default - none */
  readonly sidecars?: ContainerProps[];
  /** Extra volumes. @default - only the /tmp emptyDir (and the construct's own volumes) */
  readonly volumes?: VolumeSpec[];
  /**
   * Secrets (type `kubernetes.io/dockerconfigjson`, in the workload's namespace) with the
   * credentials of private registries the images are pulled from.
   * @default - none: public images, or the node's or ServiceAccount's credentials
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
   */
  readonly imagePullSecrets?: string[];
  /**
   * Annotations on the pods (the pod template), e.g. for a service mesh, a log shipper or a
   * Prometheus scrape config. Keys under `timonel.dev/` are timonel's own and refused.
   * @default - none (the config checksum, when `config` is set)
   */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Labels on the pods only (not the controller, not in selectors), e.g. for a cost center or a
   * mesh. The recommended `app.kubernetes.io/*` labels are timonel's and refused. The chart's
   * `labels` reach the pods too (not a one-off Job's: they stay on the Job, so a chart label does not
   * run it again); a key given here wins over the chart's. On a one-off Job they are part of the
   * spec its name's hash covers.
   * @default - none
   */
  readonly podLabels?: Record<string, string>;
}

/**
 * A pod spec rendered at synth (a cdk8s `Lazy`), so that later additions (`addEnv`, `connectTo`,
 * `grant`) reach it: what `podTemplate()` and `pod.lazySpec()` give. Pass it on whole
 * (`template: this.podTemplate()`, `spec: template.spec`). It has no fields to read (they are typed
 * `never`); spreading it or reading a field throws a TimonelError, since the copy would hold no pod.
 * Add fields with `podTemplate`'s options, or `patchManifest` (docs/custom-workloads.md).
 */
export type LazyPodSpec = { readonly [K in keyof k8s.PodSpec]-?: never };

/**
 * Pod template annotations rendered at synth (`pod.lazyAnnotations()`): pass them on whole;
 * spreading them throws a TimonelError. Add one with `pod.addAnnotation` or the `podAnnotations` prop.
 */
export type LazyAnnotations = { readonly [key: string]: never };

/** The metadata of a `PodTemplate`: the pod labels, and the annotations rendered at synth. */
export interface PodTemplateMetadata extends k8s.ObjectMeta {
  /** The chart's `labels`, the workload's labels and the `podLabels` prop (a later one wins on the same key). */
  readonly labels: { [key: string]: string };
  /** Rendered at synth: pass on whole. */
  readonly annotations: LazyAnnotations;
}

/**
 * A workload's pod template, as `podTemplate()` gives it: a `k8s.PodTemplateSpec` to pass on whole
 * (`template: this.podTemplate()`), whose spec and annotations render at synth.
 */
export interface PodTemplate extends k8s.PodTemplateSpec {
  readonly metadata: PodTemplateMetadata;
  readonly spec: LazyPodSpec;
}

/** What `renderSpec` and `lazySpec` need besides the builder's own props. */
export interface PodSpecOptions {
  /** The pod's ServiceAccount (a workload's own: `this.serviceAccount.name`). */
  readonly serviceAccountName: string;
  /** Ports, default probes, drain and host ports of the main container. */
  readonly main: MainContainerExtras;
  /** @default - Kubernetes' default (Always); a Job's pods need 'Never' or 'OnFailure' */
  readonly restartPolicy?: string;
  /** The construct's affinity, replaced by the user's `affinity` prop. @default - none */
  readonly affinity?: k8s.Affinity;
  /** @default - none */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /** The construct's grace period, replaced by the user's prop. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - the pod's name */
  readonly hostname?: string;
  /** @default - none */
  readonly subdomain?: string;
  /** @default false */
  readonly hostNetwork?: boolean;
  /** Replaces the pod's `tolerations` (NodeAgent's `tolerateAllTaints` adds to them). @default - the `tolerations` prop */
  readonly tolerations?: k8s.Toleration[];
}

/** Something given for a pod: what (`env DB_HOST, DB_PORT`) and where from (`connectTo(db)`). @internal */
export interface PodGiven {
  readonly source: string;
  readonly what: string;
  /** The volume, ConfigMap, Secret or annotation key, when it is one. */
  readonly item?: string;
}

/** What the builder needs to render the main container's runtime bits. */
export interface MainContainerExtras {
  readonly ports?: readonly PortSpec[];
  /**
   * Where the main container's ports are declared, as the user writes them (e.g. 'extraPorts'),
   * for the fix of a probe on a port number that is not among `ports`.
   * @default 'main.ports' (this option, for a construct of your own)
   */
  readonly portsProp?: string;
  /** Port used by probes that name none. */
  readonly probePort?: number | string;
  /** Default probes (when the user set none). */
  readonly defaultProbes?: { readonly liveness?: Probe; readonly readiness?: Probe; readonly startup?: Probe };
  /** Timing defaults per probe kind. */
  readonly probeTiming?: { readonly liveness?: ProbeTiming; readonly readiness?: ProbeTiming; readonly startup?: ProbeTiming };
  /** A pause before SIGTERM (see `DrainOptions`). */
  readonly drain?: ResolvedDrain;
  /** Host ports of the main container's ports, by port name (NodeAgent's opt-in). */
  readonly hostPorts?: Readonly<Record<string, number>>;
}

const MAIN = 'main';
const TMP_VOLUME = 'tmp';

/**
 * Builds pod specs with timonel's production defaults: the restricted security context,
 * explicit resources, a writable /tmp, validated images, env and probes, and no service
 * account token. Every workload construct renders its pod through one of these.
 * Rendering is lazy so verbs such as `addEnv` or `connectTo` can still add to it.
 */
export class PodBuilder {
  /** The main container's env (props + later additions, duplicates refused). */
  public readonly env: EnvList;
  private readonly volumes: VolumeSpec[] = [];
  /** Host directories or files mounted into the pod (NodeAgent's opt-in; not a VolumeSpec on purpose). */
  private readonly hostPathVolumes: { name: string; path: string; type?: string }[] = [];
  /** Volumes a StatefulSet's volumeClaimTemplates provide (mountable, not rendered in the pod). */
  private readonly claimVolumes: string[] = [];
  private readonly extraMounts: MountSpec[] = [];
  private readonly envFromSecrets: string[] = [];
  private readonly envFromConfigMaps: string[] = [];
  private readonly annotations: Record<string, string> = {};
  private readonly imageRef;
  /** Env of sidecars and init containers added after construction (connectTo `containers`), by container name. */
  private readonly containerEnvs = new Map<string, EnvList>();
  /** Set once the spec (or the annotations) were rendered eagerly: later additions would be lost. */
  private specRendered = false;
  private annotationsRendered = false;
  /** Set once `lazySpec`'s (or `lazyAnnotations`') value was rendered: passed on, not dropped. */
  private specProduced = false;
  private annotationsProduced = false;
  private mountToken = false;
  private sealFix?: string;

  constructor(
    private readonly scope: IConstruct,
    private readonly main: ContainerProps,
    private readonly pod: PodProps,
  ) {
    this.imageRef = validateImage(main.image, { scope, allowUnpinned: main.allowUnpinnedImage });
    this.env = new EnvList(scope, 'env');
    this.env.add(main.env);
    this.env.guardWith((source) => this.assertOpen(source));
    this.envFromSecrets.push(...this.useSecrets(main.envFromSecrets, 'envFromSecrets', this.env));
    this.envFromConfigMaps.push(...(main.envFromConfigMaps ?? []));
    this.addVolume({ name: TMP_VOLUME, emptyDir: { sizeLimit: DEFAULTS.security.tmpSizeLimit } });
    for (const v of pod.volumes ?? []) this.addVolume(v);
    (pod.sidecars ?? []).forEach((c, i) => this.useSecrets(c.envFromSecrets, `sidecars[${i}].envFromSecrets`));
    (pod.initContainers ?? []).forEach((c, i) => this.useSecrets(c.envFromSecrets, `initContainers[${i}].envFromSecrets`));
    // Validate sidecars and init containers now, so errors point at the constructor.
    for (const [i, c] of (pod.sidecars ?? []).entries()) this.renderContainer(c, `sidecars[${i}]`, {});
    for (const [i, c] of (pod.initContainers ?? []).entries()) this.renderContainer(c, `initContainers[${i}]`, {});
    this.validateSecurity();
    this.validatePodMetadata();
  }

  /**
   * Why the pod lacks readiness or liveness probes, when each missing one was turned off with
   * `false` (main container with `main.defaultProbes`, and sidecars); else undefined. The
   * constructs record it as a reasoned suppression of practice-probes.
   */
  public probesTurnedOff(main: MainContainerExtras): string | undefined {
    return probesTurnedOff(this.probeChoices(main));
  }

  /**
   * The reasoned suppressions of practice-probes that probes turned off with `false` make: one for
   * the pod when every missing probe was turned off (the reason of `probesTurnedOff`), else one per
   * container whose missing probes all were, so that a sidecar without probes still warns on its own.
   */
  public probeSuppressions(main: MainContainerExtras): ProbeSuppression[] {
    return probeSuppressions(this.probeChoices(main));
  }

  private probeChoices(main: MainContainerExtras) {
    return [
      { prefix: '', container: this.main.name ?? MAIN, readiness: this.main.readiness, liveness: this.main.liveness, defaults: main.defaultProbes },
      ...(this.pod.sidecars ?? []).map((c, i) => ({ prefix: `sidecars[${i}]`, container: c.name, readiness: c.readiness, liveness: c.liveness })),
    ];
  }

  /** The main image's tag (or digest prefix), for the version label. */
  public get image(): { readonly repository: string; readonly tag?: string; readonly digest?: string } {
    return this.imageRef;
  }

  /** Mount the ServiceAccount's API token: only workloads granted permissions need it. */
  public get mountServiceAccountToken(): boolean {
    return this.mountToken;
  }

  public set mountServiceAccountToken(mount: boolean) {
    if (mount !== this.mountToken) this.assertOpen('grant');
    this.mountToken = mount;
  }

  /**
   * Refuses every later addition from now on, with `fix` in the error: for a pod that is final
   * once built (a one-off Job, whose name carries a hash of its spec).
   */
  public seal(fix: string): void {
    this.specRendered = true;
    this.annotationsRendered = true;
    this.sealFix = fix;
  }

  /**
   * Fails when the pod was already rendered eagerly (`renderSpec`, or `renderAnnotations` for an
   * annotation), since an addition made now would be silently missing from the YAML.
   */
  public assertOpen(prop: string, what: 'spec' | 'annotations' = 'spec'): void {
    const rendered = what === 'spec' ? this.specRendered : this.annotationsRendered;
    if (!rendered) return;
    if (this.sealFix !== undefined) {
      fail({ scope: this.scope, prop, message: 'comes after the pod was built, and it cannot change after that', allowed: 'the change in the props, before the pod is built', fix: this.sealFix });
    }
    fail({
      scope: this.scope, prop,
      message: `comes after the pod's ${what === 'spec' ? 'spec' : 'annotations'} ${what === 'spec' ? 'was' : 'were'} rendered (render${what === 'spec' ? 'Spec' : 'Annotations'}() in the construct), so it would be silently missing from the YAML`,
      allowed: 'additions before the pod is rendered, or a pod rendered lazily',
      fix: 'render the pod lazily with podTemplate() (or pod.lazySpec() and pod.lazyAnnotations()) in your construct: see docs/custom-workloads.md',
    });
  }

  /** The ports the sidecars declare (the main container's come from the construct). */
  public get sidecarPorts(): readonly PortSpec[] {
    return (this.pod.sidecars ?? []).flatMap((c) => c.ports ?? []);
  }

  /**
   * What the pod was given that only a render through this builder writes (`renderSpec`, or the
   * value of `lazySpec` rendered at synth; `renderAnnotations` or the value of `lazyAnnotations` for the
   * annotations), when it was not rendered that way: each item says what and where it came from
   * (`env DB_HOST (connectTo(db))`). Empty when the pod was rendered. Asked once the objects are
   * rendered, for the check that a construct of your own renders its pod. @internal
   */
  public unrendered(): { readonly spec: readonly PodGiven[]; readonly annotations: readonly PodGiven[] } {
    const spec: PodGiven[] = [];
    if (!this.specRendered && !this.specProduced) {
      const lists = [this.env, ...this.containerEnvs.values()];
      for (const list of lists) {
        for (const [source, names] of list.namesBySource) spec.push({ source, what: `env ${names.join(', ')}` });
      }
      for (const [prop, list] of [['sidecars', this.pod.sidecars], ['initContainers', this.pod.initContainers]] as const) {
        if (list?.length) spec.push({ source: prop, what: list.map((c) => `container '${c.name}'`).join(', ') });
      }
      for (const name of this.envFromSecrets) spec.push({ source: 'envFromSecrets', what: `Secret '${name}' as env`, item: name });
      for (const name of this.envFromConfigMaps) spec.push({ source: 'envFromConfigMaps', what: `ConfigMap '${name}' as env`, item: name });
      for (const v of this.volumes) if (v.name !== TMP_VOLUME) spec.push({ source: 'volumes', what: `volume '${v.name}'`, item: v.name });
      for (const v of this.hostPathVolumes) spec.push({ source: 'hostPaths', what: `volume '${v.name}'`, item: v.name });
      for (const m of [...(this.main.mounts ?? []), ...this.extraMounts]) spec.push({ source: 'mounts', what: `mount of '${m.volume}' at ${m.mountPath}`, item: m.volume });
      if (this.mountToken) spec.push({ source: 'grant', what: 'the API token mount' });
    }
    const annotations: PodGiven[] = [];
    if (!this.annotationsRendered && !this.annotationsProduced) {
      for (const k of Object.keys(this.pod.podAnnotations ?? {})) annotations.push({ source: 'podAnnotations', what: `annotation ${k}`, item: k });
      for (const k of Object.keys(this.annotations)) annotations.push({ source: 'pod.addAnnotation', what: `annotation ${k}`, item: k });
    }
    return { spec, annotations };
  }

  /** The container names: the main one, then sidecars, then init containers. */
  public get containerNames(): { readonly main: string; readonly sidecars: readonly string[]; readonly initContainers: readonly string[] } {
    return {
      main: this.main.name ?? MAIN,
      sidecars: (this.pod.sidecars ?? []).map((c) => c.name!),
      initContainers: (this.pod.initContainers ?? []).map((c) => c.name!),
    };
  }

  /**
   * The env lists of some containers, for later additions (`connectTo`'s `containers`): 'main',
   * 'all' (main, sidecars and init containers), or container names. A name the pod does not have
   * is an error.
   */
  public envLists(containers: 'main' | 'all' | readonly string[], prop: string): EnvList[] {
    const n = this.containerNames;
    const all = [n.main, ...n.sidecars, ...n.initContainers];
    let wanted: readonly string[];
    if (containers === 'main') wanted = [n.main];
    else if (containers === 'all') wanted = all;
    else wanted = containers;
    const seen = new Set<string>();
    for (const [i, name] of wanted.entries()) {
      if (!all.includes(name)) {
        fail({
          scope: this.scope, prop: `${prop}[${i}]`, message: 'names no container of the pod', value: name,
          allowed: `'main', 'all', or a list of ${all.map((x) => `'${x}'`).join(', ')}`,
          fix: 'add the container as a sidecar or init container first, or fix the name',
        });
      }
      if (seen.has(name)) fail({ scope: this.scope, prop: `${prop}[${i}]`, message: 'names the same container twice', value: name, allowed: 'each container once', fix: 'list each container once' });
      seen.add(name);
    }
    return wanted.map((name) => (name === n.main ? this.env : this.containerEnv(name)));
  }

  /** Adds a pod volume; names must be unique. */
  public addVolume(v: VolumeSpec): void {
    this.assertOpen('volumes');
    if (this.volumes.some((x) => x.name === v.name) || this.claimVolumes.includes(v.name) || this.hostPathVolumes.some((x) => x.name === v.name)) {
      fail({ scope: this.scope, prop: 'volumes', message: `has two volumes named '${v.name}'`, value: v.name, allowed: 'unique volume names', fix: `rename one of the volumes named '${v.name}' (and the mounts that use it)` });
    }
    this.volumes.push(v);
  }

  /** Adds a hostPath volume (only constructs with an explicit, reasoned opt-in call this). */
  public addHostPathVolume(v: { name: string; path: string; type?: string }, prop = 'hostPaths'): void {
    this.assertOpen(prop);
    if (this.volumes.some((x) => x.name === v.name) || this.claimVolumes.includes(v.name) || this.hostPathVolumes.some((x) => x.name === v.name)) {
      fail({ scope: this.scope, prop, message: `has two volumes named '${v.name}'`, value: v.name, allowed: 'unique volume names', fix: `rename one of the volumes named '${v.name}' (and the mounts that use it)` });
    }
    this.hostPathVolumes.push(v);
  }

  /**
   * Declares a volume that the StatefulSet's volumeClaimTemplates provide: it is not rendered into
   * the pod's volumes, but mounts of it are valid and no other volume may take its name.
   */
  public addClaimVolume(name: string, prop = 'storage'): void {
    this.assertOpen(prop);
    if (this.volumes.some((x) => x.name === name) || this.claimVolumes.includes(name)) {
      fail({
        scope: this.scope, prop, message: `names the claim '${name}', which another volume of the pod already uses`, value: name,
        allowed: `a name other than ${[...this.volumes.map((x) => x.name), ...this.claimVolumes].map((n) => `'${n}'`).join(', ')}`,
        fix: 'rename the claim or the volume',
      });
    }
    this.claimVolumes.push(name);
  }

  /** Mounts a volume into the main container. */
  public addMount(m: MountSpec): void {
    this.assertOpen('mounts');
    checkMountPath(this.scope, 'mounts', m.mountPath);
    this.extraMounts.push(m);
  }

  /** Exposes a whole Secret or ConfigMap as env of the main container. */
  public addEnvFrom(source: { secret?: string; configMap?: string }): void {
    this.assertOpen('envFrom');
    if (source.secret) this.envFromSecrets.push(source.secret);
    if (source.configMap) this.envFromConfigMaps.push(source.configMap);
  }

  /** Adds a pod template annotation (e.g. a config checksum). */
  public addAnnotation(key: string, value: string): void {
    this.assertOpen('podAnnotations', 'annotations');
    this.annotations[key] = value;
  }

  /**
   * Pod template annotations now: the user's `podAnnotations`, then timonel's (a config
   * checksum). Later annotations are refused; `lazyAnnotations` renders at synth instead.
   */
  public renderAnnotations(): Record<string, string> | undefined {
    this.annotationsRendered = true;
    return this.annotationsNow();
  }

  /**
   * The annotations, rendered at synth (so later additions reach them); for a pod template's
   * metadata. Spreading them throws a TimonelError.
   */
  public lazyAnnotations(): LazyAnnotations {
    return guardedLazy(() => {
      this.annotationsProduced = true;
      return this.annotationsNow();
    }, () => fail({
      scope: this.scope, prop: 'podTemplate().metadata.annotations',
      message: 'is rendered at synth (a cdk8s Lazy), so spreading it (or listing its keys) copies no annotations',
      allowed: 'passing it on whole: metadata: template.metadata',
      fix: 'add annotations with this.pod.addAnnotation(key, value) or the podAnnotations prop',
    })) as LazyAnnotations;
  }

  /**
   * Pod template labels: the chart's `labels` (as on every object of the chart), then the
   * workload's `labels`, then the user's `podLabels`; a later one wins on the same key. Never
   * selector labels: those are the workload's `selectorLabels` alone.
   * @param options.chartLabels `false` leaves the chart's `labels` out (a one-off Job's pods: its
   *   pod template cannot change, so a chart label there would need a new Job). Default true.
   */
  public renderLabels(labels: Record<string, string>, options: { readonly chartLabels?: boolean } = {}): Record<string, string> {
    return { ...(options.chartLabels === false ? {} : chartLabels(this.scope)), ...labels, ...this.pod.podLabels };
  }

  /**
   * Renders the pod spec now. Later additions (addEnv, connectTo env, volumes, grants) are refused
   * from then on, since they could not reach it: constructs render with `lazySpec` instead.
   */
  public renderSpec(opts: PodSpecOptions): k8s.PodSpec {
    this.specRendered = true;
    return this.spec(opts);
  }

  /**
   * The pod spec, rendered at synth: additions made after this call still reach it. Checks the
   * containers now, so bad input fails where the construct is created. Spreading it or reading
   * one of its fields throws a TimonelError (`LazyPodSpec`).
   */
  public lazySpec(opts: PodSpecOptions): LazyPodSpec {
    this.renderContainers(opts.main, opts.hostNetwork);
    return guardedLazy(() => {
      this.specProduced = true;
      return this.spec(opts);
    }, (use) => fail({
      scope: this.scope, prop: 'podTemplate().spec',
      message: `is rendered at synth (a cdk8s Lazy), so ${use.spread ? 'spreading it (or listing its keys) copies no pod' : `reading .${use.read} from it gives nothing`}`,
      allowed: 'passing it on whole: template: this.podTemplate(), or spec: template.spec',
      fix: "give pod fields as podTemplate options, e.g. podTemplate({ hostname: 'poller' }); change containers through props and the pod builder "
        + "(addEnv, pod.addVolume); anything else with patchManifest(obj, JsonPatch.add('/spec/template/spec/<field>', value)); see docs/custom-workloads.md",
    }), POD_SPEC_FIELDS) as LazyPodSpec;
  }

  private annotationsNow(): Record<string, string> | undefined {
    const all = { ...this.pod.podAnnotations, ...this.annotations };
    return Object.keys(all).length ? all : undefined;
  }

  /** The Secrets' names; one declared here makes the pod depend on it, and its known keys may not be shadowed by `env` of the container. */
  private useSecrets(secrets: ReadonlyArray<string | ISecretSource> | undefined, prop: string, env?: EnvList): string[] {
    return (secrets ?? []).map((s, i) => {
      if (isSecretSource(s)) {
        useSecretSource(this.scope, s, `${prop}[${i}]`);
        if (env && s.secretKeys) env.reserve(s.secretKeys, `${prop}[${i}]`, 'Secret');
      }
      return secretNameOf(s);
    });
  }

  private containerEnv(name: string): EnvList {
    let list = this.containerEnvs.get(name);
    if (!list) {
      const n = this.containerNames;
      const i = n.sidecars.indexOf(name);
      const [c, prop] = i >= 0 ? [this.pod.sidecars![i], `sidecars[${i}].env`] : [this.pod.initContainers![n.initContainers.indexOf(name)], `initContainers[${n.initContainers.indexOf(name)}].env`];
      list = new EnvList(this.scope, prop);
      list.add(c.env);
      // The same check as the main container's, now that this container has an env list (the dependency is already recorded).
      (c.envFromSecrets ?? []).forEach((s, j) => {
        if (isSecretSource(s) && s.secretKeys) list!.reserve(s.secretKeys, `${prop.replace(/\.env$/, '')}.envFromSecrets[${j}]`, 'Secret');
      });
      list.guardWith((source) => this.assertOpen(source));
      this.containerEnvs.set(name, list);
    }
    return list;
  }

  private spec(opts: PodSpecOptions): k8s.PodSpec {
    const p = this.pod;
    const sec = this.securityValues();
    const { main, sidecars, inits } = this.renderContainers(opts.main, opts.hostNetwork);
    return {
      serviceAccountName: opts.serviceAccountName,
      automountServiceAccountToken: this.mountToken,
      restartPolicy: opts.restartPolicy,
      hostname: opts.hostname,
      subdomain: opts.subdomain,
      hostNetwork: opts.hostNetwork || undefined,
      // On the host's network the pod would use the node's resolver and miss cluster names.
      dnsPolicy: opts.hostNetwork ? 'ClusterFirstWithHostNet' : undefined,
      securityContext: {
        runAsNonRoot: sec.runAsNonRoot,
        runAsUser: sec.runAsUser,
        runAsGroup: sec.runAsGroup,
        fsGroup: sec.fsGroup,
        fsGroupChangePolicy: p.securityContext?.fsGroupChangePolicy,
        seccompProfile: { type: DEFAULTS.security.seccompProfile },
      },
      terminationGracePeriodSeconds: p.terminationGracePeriodSeconds ?? opts.terminationGracePeriodSeconds ?? DEFAULTS.shutdown.terminationGracePeriodSeconds,
      nodeSelector: p.nodeSelector,
      tolerations: opts.tolerations ?? p.tolerations,
      affinity: p.affinity ?? opts.affinity,
      topologySpreadConstraints: opts.topologySpreadConstraints,
      priorityClassName: p.priorityClassName,
      imagePullSecrets: p.imagePullSecrets?.map((name) => ({ name })),
      initContainers: inits.length ? inits : undefined,
      containers: [main, ...sidecars],
      volumes: [...this.volumes.map(renderVolume), ...this.hostPathVolumes.map((v) => ({ name: v.name, hostPath: { path: v.path, type: v.type } }))],
    };
  }

  /**
   * Checks every container as `renderSpec` renders it with the same `main` extras (images, env,
   * ports, probes, resources, mounts, unique names), so that bad input fails where the construct
   * is created instead of at synth. Renders no pod.
   */
  public validate(main: MainContainerExtras, hostNetwork = false): void {
    this.renderContainers(main, hostNetwork);
  }

  // On the host's network a probe may use a port the container does not declare (declaring it would open it on the node).
  private renderContainers(extras: MainContainerExtras, hostNetwork = false): { main: k8s.Container; sidecars: k8s.Container[]; inits: k8s.Container[] } {
    const declared = (at: string) => (hostNetwork ? undefined : at);
    const main = this.renderContainer({ ...this.main, name: this.main.name ?? MAIN }, '', extras, true, declared(extras.portsProp ?? 'main.ports'));
    const sidecars = (this.pod.sidecars ?? []).map((c, i) => this.renderContainer(c, `sidecars[${i}]`, {}, false, declared(`sidecars[${i}].ports`)));
    const inits = (this.pod.initContainers ?? []).map((c, i) => this.renderContainer(c, `initContainers[${i}]`, {}));
    this.checkUniqueContainerNames([main, ...sidecars, ...inits]);
    this.checkSharedPorts(main, sidecars);
    this.checkMountsHaveVolumes([main, ...sidecars, ...inits]);
    return { main, sidecars, inits };
  }

  private securityValues() {
    const s = this.pod.securityContext ?? {};
    // Root, or whoever the image says (root included): the image's group too.
    const imageUser = s.runAsUser === undefined && s.runAsNonRoot === false;
    const root = s.runAsUser === 0 || imageUser;
    return {
      runAsNonRoot: s.runAsNonRoot ?? (s.runAsUser === 0 ? false : DEFAULTS.security.runAsNonRoot),
      runAsUser: s.runAsUser ?? (imageUser ? undefined : DEFAULTS.security.runAsUser),
      runAsGroup: s.runAsGroup ?? (root ? undefined : DEFAULTS.security.runAsGroup),
      fsGroup: s.fsGroup ?? DEFAULTS.security.fsGroup,
      readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? DEFAULTS.security.readOnlyRootFilesystem,
      allowPrivilegeEscalation: s.allowPrivilegeEscalation ?? DEFAULTS.security.allowPrivilegeEscalation,
      addCapabilities: s.addCapabilities?.length ? [...s.addCapabilities] : undefined,
    };
  }

  private validateSecurity(): void {
    const s = this.pod.securityContext ?? {};
    for (const k of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
      const v = s[k];
      if (v === undefined) continue;
      validateWholeNumber(v, { scope: this.scope, prop: `securityContext.${k}` });
    }
    const issues = securityIssues(s);
    if (issues.length === 0) return;
    // What only Pod Security baseline admits: an error where the chart's profile holds the restricted rule.
    const profile = chartProfileOf(this.scope);
    const refused = issues.filter((i) => i.rules.some((r) => profile.levelOf(r) === 'error'));
    if (refused.length === 0) return;
    const chart = Chart.of(this.scope);
    const why = `in chart '${chart.node.path}', whose profile '${profile.name}' holds pods to Pod Security 'restricted'`;
    const choose = `choose Pod Security baseline for the chart: policy: { profile: 'baseline' } on TimonelChart '${chart.node.path}' `
      + '(its Namespace then enforces baseline; keep other workloads in a restricted chart)';
    throw TimonelError.all({ scope: this.scope }, refused.map((i) => ({
      prop: `securityContext.${i.prop}`, message: `${i.message} ${why} (${i.rules.find((r) => profile.levelOf(r) === 'error')})`, value: i.value,
      allowed: i.allowed, fix: `${i.fix}; or, for an image that needs it, ${choose}`,
    })));
  }

  private validatePodMetadata(): void {
    const p = this.pod;
    const seen = new Set<string>();
    for (const [i, name] of (p.imagePullSecrets ?? []).entries()) {
      if (typeof name !== 'string' || !isValidName(name, NameRule.DNS_1123_SUBDOMAIN)) {
        fail({ scope: this.scope, prop: `imagePullSecrets[${i}]`, message: 'is not a valid Secret name', value: name, allowed: 'a lowercase DNS subdomain such as \'ghcr-pull\'', fix: 'write the name of the docker-registry Secret as kubectl get secrets shows it' });
      }
      if (seen.has(name)) fail({ scope: this.scope, prop: `imagePullSecrets[${i}]`, message: 'names the same Secret twice', value: name, allowed: 'each Secret once', fix: 'list each Secret once' });
      seen.add(name);
    }
    for (const [k, v] of Object.entries(p.podAnnotations ?? {})) {
      if (!isValidLabelKey(k)) {
        fail({ scope: this.scope, prop: 'podAnnotations', message: 'has an invalid key', value: k, allowed: "an optional DNS subdomain prefix and '/', then a name of at most 63 characters: letters, digits, '-', '_' and '.'", fix: labelKeyProblem(k)?.fix });
      }
      if (k.startsWith('timonel.dev/')) {
        fail({ scope: this.scope, prop: 'podAnnotations', message: "uses a key under 'timonel.dev/', which timonel sets itself", value: k, allowed: "a key of your own, not under 'timonel.dev/'", fix: 'use a key of your own domain, e.g. \'example.com/owner\'' });
      }
      if (typeof v !== 'string') fail({ scope: this.scope, prop: `podAnnotations.${k}`, message: 'must be a string', value: v, allowed: 'a string', fix: 'quote the value' });
    }
    const recommended = new Set<string>(Object.values(LABELS));
    for (const [k, v] of Object.entries(p.podLabels ?? {})) {
      if (!isValidLabelKey(k)) {
        fail({ scope: this.scope, prop: 'podLabels', message: 'has an invalid key', value: k, allowed: "an optional DNS subdomain prefix and '/', then a name of at most 63 characters: letters, digits, '-', '_' and '.'", fix: ownLabelKeyProblem(k)?.fix ?? labelKeyProblem(k)?.fix });
      }
      if (recommended.has(k)) {
        fail({ scope: this.scope, prop: 'podLabels', message: 'sets a recommended label, which timonel sets from the workload', value: k, allowed: `a label key of your own; '${RECOMMENDED_LABEL_PREFIX}' keys are timonel's (from the workload)`, fix: "use the 'component' or 'version' prop, or a label key of your own" });
      }
      // The prefix belongs to Kubernetes' recommended labels: a key of its own there reads as one of them to tools.
      if (k.startsWith(RECOMMENDED_LABEL_PREFIX)) {
        const own = k.slice(RECOMMENDED_LABEL_PREFIX.length);
        fail({
          scope: this.scope, prop: 'podLabels', message: `uses the prefix '${RECOMMENDED_LABEL_PREFIX}', which Kubernetes reserves for its recommended labels`, value: k,
          allowed: `a key of your own: no prefix or your own domain's; '${RECOMMENDED_LABEL_PREFIX}' keys are timonel's (from the workload)`,
          fix: `write '${own}' or 'example.com/${own}' (your own domain)`,
        });
      }
      if (typeof v !== 'string' || !isValidLabelValue(v)) {
        fail({ scope: this.scope, prop: `podLabels.${k}`, message: 'is not a valid label value', value: v, allowed: "at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit", fix: typeof v === 'string' ? labelValueFix(v) : 'quote the value' });
      }
    }
  }

  private renderContainer(c: ContainerProps, prefix: string, extras: MainContainerExtras, isMain = false, declareIn?: string): k8s.Container {
    const p = (name: string) => (prefix ? `${prefix}.${name}` : name);
    if (!isMain && !c.name) fail({ scope: this.scope, prop: p('name'), message: 'is required for sidecars and init containers', allowed: "a container name such as 'proxy': lowercase letters, digits and '-'", fix: containerNameFix(c.image) });
    const ref = isMain ? this.imageRef : validateImage(c.image, { scope: this.scope, prop: p('image'), allowUnpinned: c.allowUnpinnedImage });
    let env: k8s.EnvVar[] | undefined;
    if (isMain) {
      env = this.env.render();
    } else {
      const added = c.name !== undefined ? this.containerEnvs.get(c.name) : undefined;
      if (added) {
        env = added.render();
      } else {
        const list = new EnvList(this.scope, p('env'));
        list.add(c.env);
        env = list.render();
      }
    }
    const envFrom = [
      ...(isMain ? this.envFromConfigMaps : c.envFromConfigMaps ?? []).map((name) => ({ configMapRef: { name } })),
      ...(isMain ? this.envFromSecrets : (c.envFromSecrets ?? []).map(secretNameOf)).map((name) => ({ secretRef: { name } })),
    ];
    const ports = validatePorts([...(extras.ports ?? c.ports ?? [])], this.scope, p('ports'));
    const probePort = extras.probePort ?? ports[0]?.port;
    const probe = (kind: 'liveness' | 'readiness' | 'startup'): k8s.Probe | undefined => {
      const own = c[kind];
      const pr = own === false ? undefined : own ?? extras.defaultProbes?.[kind];
      return pr?.render(this.scope, p(kind), probePort, extras.probeTiming?.[kind], ports, declareIn);
    };
    // A 'sleep-action' drain has no handler here: `SleepActionDeployment` adds it.
    const preStop = extras.drain && preStopHandler(extras.drain);
    const mounts = [...(isMain ? this.extraMounts : []), ...(c.mounts ?? [])];
    mounts.forEach((m) => checkMountPath(this.scope, p('mounts'), m.mountPath));
    return {
      name: c.name ?? MAIN,
      image: c.image,
      imagePullPolicy: pullPolicyFor(ref),
      command: c.command,
      args: c.args,
      workingDir: c.workingDir,
      ports: ports.length ? ports.map((x) => ({ name: x.name, containerPort: x.port, hostPort: extras.hostPorts?.[x.name], protocol: x.protocol ?? 'TCP' })) : undefined,
      env,
      envFrom: envFrom.length ? envFrom : undefined,
      resources: renderResources(this.scope, p('resources'), c.resources),
      livenessProbe: probe('liveness'),
      readinessProbe: probe('readiness'),
      startupProbe: probe('startup'),
      lifecycle: preStop ? { preStop } : undefined,
      securityContext: securityContextOf(this.securityValues()),
      volumeMounts: [
        { name: TMP_VOLUME, mountPath: DEFAULTS.security.tmpPath },
        ...mounts.map((m) => ({ name: m.volume, mountPath: m.mountPath, readOnly: m.readOnly, subPath: m.subPath })),
      ],
    };
  }

  private checkUniqueContainerNames(containers: k8s.Container[]): void {
    const seen = new Set<string>();
    for (const c of containers) {
      if (seen.has(c.name)) {
        fail({ scope: this.scope, prop: 'sidecars', message: `has two containers named '${c.name}'`, value: c.name, allowed: 'unique container names', fix: "rename the sidecar ('main' is the main container)" });
      }
      seen.add(c.name);
    }
  }

  /**
   * The containers of a pod share its network: a port number (and protocol) that the main container
   * or an earlier sidecar declares cannot be a sidecar's too, or one of them fails to bind. Init
   * containers have run to completion before the others start, so they may reuse one.
   */
  private checkSharedPorts(main: k8s.Container, sidecars: k8s.Container[]): void {
    const taken = new Map<string, { who: string; name?: string }>();
    const take = (c: k8s.Container, who: string) => (c.ports ?? []).forEach((p) => taken.set(`${p.containerPort}/${p.protocol ?? 'TCP'}`, { who, name: p.name }));
    take(main, 'the main container');
    sidecars.forEach((c, i) => {
      (c.ports ?? []).forEach((p, j) => {
        const protocol = p.protocol ?? 'TCP';
        const other = taken.get(`${p.containerPort}/${protocol}`);
        if (!other) return;
        const used = [...taken.keys()].filter((k) => k.endsWith(`/${protocol}`)).map((k) => Number(k.split('/')[0]));
        let free = p.containerPort;
        do free = free >= 65535 ? 1024 : free + 1; while (used.includes(free));
        fail({
          scope: this.scope, prop: `sidecars[${i}].ports[${j}].port`,
          message: `is declared by ${other.who} too (port '${other.name}', ${p.containerPort}/${protocol}): the containers of a pod share its network, so only one of them can listen on it`,
          value: p.containerPort,
          allowed: `a ${protocol} port no other container of the pod declares (taken: ${[...taken].filter(([k]) => k.endsWith(`/${protocol}`)).map(([k, v]) => `${k.split('/')[0]} by ${v.who}`).join(', ')})`,
          fix: `have the sidecar listen on a free port, e.g. ${free}, and declare that (a proxy in front of the app listens on its own port and forwards to ${p.containerPort}); `
            + `or remove the port from sidecars[${i}].ports if the sidecar does not listen on it`,
        });
      });
      take(c, `sidecar '${c.name}' (sidecars[${i}])`);
    });
  }

  private checkMountsHaveVolumes(containers: k8s.Container[]): void {
    const names = new Set([...this.volumes.map((v) => v.name), ...this.claimVolumes, ...this.hostPathVolumes.map((v) => v.name)]);
    for (const c of containers) {
      for (const m of c.volumeMounts ?? []) {
        if (!names.has(m.name)) {
          fail({
            scope: this.scope, prop: 'mounts', message: `mounts the volume '${m.name}' in container '${c.name}', but the pod has no such volume`,
            value: m.name, allowed: [...names].map((n) => `'${n}'`).join(', '), fix: "add it with 'volumes'",
          });
        }
      }
    }
  }
}

/** A container's security context from the pod's resolved security values. */
function securityContextOf(sec: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; runAsNonRoot: boolean; addCapabilities?: string[] }): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: sec.allowPrivilegeEscalation,
    readOnlyRootFilesystem: sec.readOnlyRootFilesystem,
    runAsNonRoot: sec.runAsNonRoot,
    capabilities: { drop: [...DEFAULTS.security.dropCapabilities], add: sec.addCapabilities },
  };
}

/** A security setting that only Pod Security baseline admits, and the restricted rules it breaks. */
interface BaselineOnly {
  readonly prop: string;
  readonly rules: readonly string[];
  readonly message: string;
  readonly value: unknown;
  readonly allowed: string;
  readonly fix: string;
}

/** The settings of `s` that Pod Security restricted refuses (baseline admits them). */
function securityIssues(s: SecurityProps): BaselineOnly[] {
  const issues: BaselineOnly[] = [];
  if (s.runAsUser === 0) {
    issues.push({
      prop: 'runAsUser', rules: ['pss-restricted-run-as-user', 'pss-restricted-run-as-non-root'], message: 'must not be 0 (root)', value: 0,
      allowed: 'a numeric user id above 0', fix: 'build the image to run as a non-root user such as 10001',
    });
  } else if (s.runAsNonRoot === false) {
    issues.push({
      prop: 'runAsNonRoot', rules: ['pss-restricted-run-as-non-root'], message: 'must not be false', value: false,
      allowed: 'true (the default)', fix: 'leave it unset, and run the image as a non-root user (runAsUser, default 10001)',
    });
  }
  if (s.allowPrivilegeEscalation === true) {
    issues.push({
      prop: 'allowPrivilegeEscalation', rules: ['pss-restricted-privilege-escalation'], message: 'must not be true', value: true,
      allowed: 'false (the default)', fix: 'leave it unset: build the image so that it needs no setuid binary',
    });
  }
  const extra = (s.addCapabilities ?? []).filter((c) => !RESTRICTED_CAPABILITIES.includes(c));
  if (extra.length) {
    issues.push({
      prop: 'addCapabilities', rules: ['pss-restricted-capabilities'], message: `must add only ${RESTRICTED_CAPABILITIES.map((c) => `'${c}'`).join(', ')}`, value: s.addCapabilities,
      allowed: RESTRICTED_CAPABILITIES.map((c) => `'${c}'`).join(', '), fix: `remove ${extra.map((c) => `'${c}'`).join(', ')}`,
    });
  }
  return issues;
}

/** Renders resources with defaults and validation (requests ≤ limits). */
export function renderResources(scope: IConstruct, prop: string, r: ResourcesProps = {}): k8s.ResourceRequirements {
  const d = DEFAULTS.resources;
  const cpuLim = r.cpu?.limit;
  const cpuReq = r.cpu?.request ?? lowerOf(d.cpuRequest, cpuLim);
  const memReq = r.memory?.request ?? lowerOf(d.memoryRequest, r.memory?.limit);
  // A request above the default limit raises the limit with it, unless a limit is given.
  const memLim = r.memory?.limit ?? higherOf(d.memoryLimit, r.memory?.request);
  validateQuantity(cpuReq, { scope, prop: `${prop}.cpu.request`, kind: 'cpu' });
  if (cpuLim !== undefined) validateQuantity(cpuLim, { scope, prop: `${prop}.cpu.limit`, kind: 'cpu' });
  validateQuantity(memReq, { scope, prop: `${prop}.memory.request`, kind: 'memory' });
  validateQuantity(memLim, { scope, prop: `${prop}.memory.limit`, kind: 'memory' });
  validateRequestWithinLimit(cpuReq, cpuLim, { scope, prop: `${prop}.cpu`, kind: 'cpu' });
  validateRequestWithinLimit(memReq, memLim, { scope, prop: `${prop}.memory`, kind: 'memory' });
  const q = (v: string | number) => (typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(v));
  const limits: Record<string, k8s.Quantity> = {};
  if (cpuLim !== undefined) limits.cpu = q(cpuLim);
  limits.memory = q(memLim);
  const requests: Record<string, k8s.Quantity> = { cpu: q(cpuReq), memory: q(memReq) };
  // Extended resources cannot be overcommitted: the API server wants the request equal to the limit.
  for (const [name, n] of Object.entries(r.extended ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    requests[name] = limits[name] = k8s.Quantity.fromNumber(n);
  }
  return { requests, limits };
}

/** The default limit, or the request when the user asked for more (limits never fall below requests). */
function higherOf(def: string, request: string | undefined): string {
  if (request === undefined) return def;
  const r = parseQuantity(request);
  return r !== undefined && r > parseQuantity(def)! ? request : def;
}

/** The default request, or the limit when the user set a lower one (requests never exceed limits). */
function lowerOf(def: string, limit: string | number | undefined): string | number {
  if (limit === undefined) return def;
  const l = parseQuantity(limit);
  return l !== undefined && l < parseQuantity(def)! ? limit : def;
}

function checkMountPath(scope: IConstruct, prop: string, path: string): void {
  if (!path.startsWith('/')) fail({ scope, prop, message: 'needs an absolute mount path', value: path, allowed: "an absolute path such as '/data'", fix: `use '/${path}'` });
}

function renderVolume(v: VolumeSpec): k8s.Volume {
  if ('emptyDir' in v) {
    return { name: v.name, emptyDir: { medium: v.emptyDir.medium, sizeLimit: v.emptyDir.sizeLimit ? k8s.Quantity.fromString(v.emptyDir.sizeLimit) : undefined } };
  }
  if ('configMap' in v) return { name: v.name, configMap: { name: v.configMap, items: v.items } };
  if ('secret' in v) return { name: v.name, secret: { secretName: v.secret, items: v.items } };
  return { name: v.name, persistentVolumeClaim: { claimName: v.persistentVolumeClaim, readOnly: v.readOnly } };
}

// Every field of a pod spec (the compiler checks the list is complete): reading one from a lazy spec fails.
const POD_SPEC_FIELD_MAP: Record<keyof k8s.PodSpec, true> = {
  activeDeadlineSeconds: true, affinity: true, automountServiceAccountToken: true, containers: true, dnsConfig: true,
  dnsPolicy: true, enableServiceLinks: true, ephemeralContainers: true, hostAliases: true, hostIpc: true, hostNetwork: true,
  hostPid: true, hostUsers: true, hostname: true, imagePullSecrets: true, initContainers: true, nodeName: true,
  nodeSelector: true, os: true, overhead: true, preemptionPolicy: true, priority: true, priorityClassName: true,
  readinessGates: true, resourceClaims: true, restartPolicy: true, runtimeClassName: true, schedulerName: true,
  schedulingGates: true, securityContext: true, serviceAccount: true, serviceAccountName: true, setHostnameAsFqdn: true,
  shareProcessNamespace: true, subdomain: true, terminationGracePeriodSeconds: true, tolerations: true,
  topologySpreadConstraints: true, volumes: true,
};
const POD_SPEC_FIELDS: ReadonlySet<string> = new Set(Object.keys(POD_SPEC_FIELD_MAP));

/** The labels of the chart `scope` is in (cdk8s puts them on each object's metadata), or none outside a chart. */
function chartLabels(scope: IConstruct): Record<string, string> {
  return nearestChart(scope)?.labels ?? {};
}
