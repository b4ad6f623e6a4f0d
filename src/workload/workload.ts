import { createHash } from 'crypto';
import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { timonelChartOf } from '../core/chart-context';
import {
  AllowFromOptions, AllowFromPodsOptions, allowFrom, allowFromPods, connect, Connection, ConnectOptions, IConnectable, isConnectable, isPodsRefLike, PodsAllowance, PodsRef,
} from './connections';
import { DEFAULTS } from '../core/defaults';
import { EnvMap, validateEnvName } from '../core/env';
import { fail } from '../core/errors';
import { configKeyProblem } from '../core/config-keys';
import { envMap } from '../core/specs';
import { checkNewChild, checkProps, checkValue, childPath, isCheckedCopy, v } from '../core/validation';
import { isValidLabelValue, LabelInputs, selectorLabels, standardLabels, versionFromImage } from '../core/labels';
import { deriveName, explicitName, NameRule, shortenName } from '../core/names';
import { AllowEgressOptions, checkApiServerReachable, EgressTarget, NetworkAccess, noteApiServerNeed } from './network';
import { ConfigExposure, ConfigSource } from './config-source';
import { customWorkloadProps } from './specs';

export { ConfigExposure } from './config-source';
import { ContainerProps, MainContainerExtras, PodBuilder, PodGiven, PodProps, PodSpecOptions, PodTemplate } from './pod';
import { podObjectIn } from '../core/dependencies';
import { spreadConstraints } from './scaling';
import { SleepActionDeployment } from './drain';
import { BindClusterRoleOptions, GrantOptions, Permissions } from './rbac';

/** Props every workload construct shares: the main container, its pod, names and config. */
export interface WorkloadProps extends Omit<ContainerProps, 'name' | 'ports'>, PodProps {
  /**
   * The Kubernetes name of the objects. Never shortened: too long is an error. Not the main
   * container's name, which is always 'main'.
   * @default - the construct ids from the chart down, joined with '-' (`shop-web`)
   */
  readonly name?: string;
  /** `app.kubernetes.io/component`, e.g. 'frontend', 'api', 'database'. @default - none */
  readonly component?: string;
  /** `app.kubernetes.io/version`. @default - the image tag */
  readonly version?: string;
  /**
   * Configuration data, rendered as a ConfigMap `<name>-config`. Pods carry a checksum of it
   * so they roll when it changes.
   * @default - no ConfigMap
   */
  readonly config?: Record<string, string>;
  /**
   * More ConfigMap entries, read from files or directories when the construct is created
   * (`ConfigSource.fromFile`, `.fromDirectory`, `.fromBinary`); non-UTF-8 content becomes
   * `binaryData`. With `config`, one ConfigMap holds both; keys must be unique and the total at
   * most 1 MiB. The checksum covers every entry, so a changed file rolls the pods.
   * @default - none
   */
  readonly configFrom?: ConfigSource[];
  /** @default ConfigExposure.ENV */
  readonly configAs?: ConfigExposure;
  /**
   * Permissions of the workload's ServiceAccount on the Kubernetes API, as `grant` adds them.
   * The pods mount the API token only when there is a grant.
   * @default - none: no Role, and no token in the pods
   */
  readonly permissions?: GrantOptions[];
  /** Where config files appear with `ConfigExposure.FILES`. @default '/etc/config' */
  readonly configMountPath?: string;
}

// addEnv's variables, checked as the `env` prop is and reported as `addEnv.<NAME>`.
const ADD_ENV_ARGS = v.object<{ addEnv: EnvMap }>()({ addEnv: v.required(envMap) });
// addDeployment's replicas: WebApp and Worker checked theirs, a construct of your own may hand on its own prop.
const REPLICAS = v.int({ min: 0 });

/** How a subclass wants its name and props checked. */
export interface WorkloadNaming {
  /** @default NameRule.DNS_1035_LABEL (the name is also a Service name) */
  readonly rule?: NameRule;
  /** @default 63 */
  readonly maxLength?: number;
  /**
   * The props a construct of your own adds to WorkloadProps and passes on with them, e.g.
   * `['replicas']`. The base checks every WorkloadProps prop (as WebApp checks its props) and
   * refuses any other key with a did-you-mean, so a typo such as `livenes` fails where the
   * construct is created; the keys listed here are passed by unchecked: they are yours to check.
   * @default - none: every key that is not a WorkloadProps prop is refused
   */
  readonly ownProps?: readonly string[];
}

/**
 * The shared base of WebApp, BatchJob and StatefulStore: the Kubernetes name, labels,
 * ServiceAccount (token automount off), config ConfigMap with checksum, and the pod builder.
 */
export abstract class Workload extends Construct {
  /** The Kubernetes name of the workload's objects. */
  public readonly name: string;
  /** The namespace (the chart's), if any. */
  public readonly namespace?: string;
  /** All recommended labels of the workload's objects. */
  public readonly labels: Record<string, string>;
  /**
   * Selector labels (name + instance): no version, so a new release keeps them. They come from the
   * construct id (also when `name` is set): renaming the id changes them, and with them the
   * selectors, which the API server refuses to update (docs/rollouts.md).
   */
  public readonly selectorLabels: Record<string, string>;
  /** The workload's own ServiceAccount, with API token automount off. */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The ConfigMap of `config`, when given. */
  public readonly configMap?: k8s.KubeConfigMap;
  /** The pod builder (escape hatch for advanced additions). */
  public readonly pod: PodBuilder;
  /** The chart this workload is in. */
  public readonly chart: Chart;
  private readonly rbac: Permissions;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, naming: WorkloadNaming = {}) {
    super(scope, checkWorkloadArgs(scope, id, props, naming.ownProps ?? [], new.target.name, new.target === Workload));
    const { chart, context } = timonelChartOf(this);
    this.chart = chart;
    const rule = naming.rule ?? NameRule.DNS_1035_LABEL;
    this.name = props.name !== undefined
      ? explicitName(this, 'name', props.name, rule, naming.maxLength)
      : deriveName(this, { rule, maxLength: naming.maxLength });
    this.namespace = this.chart.namespace;
    // `name` is the objects' name, not the container's: the main container is always 'main'
    // (`kubectl logs -c main`), so pinning the name rolls no pods.
    const { name: _objectName, ...main } = props;
    this.pod = new PodBuilder(this, main, props);
    const inputs: LabelInputs = {
      name: labelName(this, id),
      instance: this.name,
      version: props.version ?? versionFromImage(props.image),
      component: props.component,
      partOf: context.partOf,
    };
    this.labels = standardLabels(inputs);
    this.selectorLabels = selectorLabels(inputs);
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: this.metadata(),
      automountServiceAccountToken: false,
    });
    if (props.config !== undefined || props.configFrom !== undefined) this.configMap = this.addConfig(props);
    this.rbac = new Permissions(this);
    (props.permissions ?? []).forEach((g, i) => this.grant(g, `permissions[${i}]`));
  }

  /**
   * Grants the workload's ServiceAccount permissions on the Kubernetes API: the rules go into a
   * Role `<name>` bound to it (in the workload's namespace, or `namespace`), or with
   * `scope: 'cluster'` into a ClusterRole `<namespace>-<name>` and its ClusterRoleBinding. Later
   * grants of the same scope add rules to the same role. The pods then mount the API token.
   * Wildcards, secrets access and cluster-admin are allowed but flagged by the policies.
   */
  public grant(options: GrantOptions, prop = 'grant'): this {
    this.pod.assertOpen(prop);
    checkApiServerReachable(this, 'grant', prop, options);
    this.rbac.grant(options, prop);
    this.pod.mountServiceAccountToken = true;
    noteApiServerNeed(this, 'grant');
    return this;
  }

  /**
   * Binds an existing ClusterRole (e.g. `'view'`) to the workload's ServiceAccount: a RoleBinding
   * `<name>-<role>` in the workload's namespace (or `namespace`), or with `scope: 'cluster'` a
   * ClusterRoleBinding `<namespace>-<name>-<role>`. The pods then mount the API token.
   */
  public bindClusterRole(clusterRole: string, options: BindClusterRoleOptions = {}): this {
    this.pod.assertOpen('bindClusterRole');
    checkApiServerReachable(this, 'grant', 'bindClusterRole', clusterRole);
    this.rbac.bindClusterRole(clusterRole, options);
    this.pod.mountServiceAccountToken = true;
    noteApiServerNeed(this, 'grant');
    return this;
  }

  /** Adds environment variables to the main container; a name defined twice is an error. */
  public addEnv(env: EnvMap): this {
    if (env === undefined || env === null) {
      fail({ scope: this, prop: 'addEnv', message: 'needs an object of variables', value: env, allowed: 'an object of variable names to strings or EnvValues', fix: "e.g. addEnv({ LOG_LEVEL: 'info' })" });
    }
    checkProps(ADD_ENV_ARGS, { addEnv: env }, this);
    this.pod.env.add(env, 'addEnv');
    return this;
  }

  /**
   * Connects this workload's pods to `target` (a StatefulStore, a WebApp, any IConnectable), in one call:
   * - env vars in the main container: `<PREFIX>_HOST` (the target Service's DNS name,
   *   `<service>.<namespace>.svc`, or `<service>` when the chart has no namespace), `<PREFIX>_PORT`,
   *   and the target's credentials as secretKeyRefs (`<PREFIX>_USER`, `<PREFIX>_PASSWORD`,
   *   `<PREFIX>_DATABASE`), never literal. PREFIX defaults to the target's id in UPPER_SNAKE_CASE
   *   ('db' -> 'DB'); `envPrefix` and `env` override;
   * - NetworkPolicies `<client>-to-<target>` (egress to the target's pods on its port, plus DNS) and
   *   `<target>-from-<client>` (ingress to the target's pods from this workload's pods). Policies
   *   isolate what they select: after the first connectTo this workload's egress is limited to its
   *   connections and DNS, and the target's ingress to its clients (plus what its own policies
   *   admit, e.g. WebApp `isolate`);
   * - a dependency, so the target's objects are applied first.
   * Fails on a connection to itself, a second connection to the same target, a target of another
   * App, a target in another namespace without `allowCrossNamespace`, a dependency cycle, or an env
   * var defined twice (also two roles of this connection given one name in `env`).
   */
  public connectTo(target: IConnectable, options: ConnectOptions = {}): Connection {
    return connect(this, target, options);
  }

  /**
   * Connects to each item of a construct's `connectTo` prop (a target, or `{ target, options }`),
   * as `connectTo` does; problems are reported at the item as the user wrote it
   * (`connectTo[0].options.containers[1]`). The props spec must have checked the items' options:
   * they are not checked again. @internal
   */
  protected connectToEach(items: ReadonlyArray<IConnectable | { readonly target: IConnectable; readonly options?: ConnectOptions }> = []): Connection[] {
    return items.map((c, i) => {
      const [target, options] = isConnectable(c) ? [c, {}] : [c.target, c.options ?? {}];
      return connect(this, target, options, { prop: `connectTo[${i}]`, options: `connectTo[${i}].options`, checked: true });
    });
  }

  /**
   * Lets `peer`'s pods reach this workload's port: the same NetworkPolicy pair as
   * `peer.connectTo(this)`, without env vars or ordering (e.g. for the reverse direction of a
   * connection). Only workloads that serve a port can allow traffic, and only from a workload of
   * the same App.
   */
  public allowFrom(peer: Workload, options?: AllowFromOptions): Connection;
  /**
   * Lets pods that are not a timonel workload reach this workload's ports: every pod of
   * `namespace`, or those with `podLabels` (e.g. `admin.allowFrom({ namespace: 'ops' })`). A rule of
   * the workload's own policy `<name>`, which isolates it like a client; no env, no egress policy
   * (those pods are not ours), no ordering.
   */
  public allowFrom(pods: PodsRef, options?: AllowFromPodsOptions): PodsAllowance;
  public allowFrom(peer: Workload | PodsRef, options: AllowFromOptions | AllowFromPodsOptions = {}): Connection | PodsAllowance {
    if (isPodsRefLike(peer)) return allowFromPods(this, peer as PodsRef, options as AllowFromPodsOptions);
    return allowFrom(this, peer as Workload, options as AllowFromOptions);
  }

  /**
   * Restricts this workload's egress to DNS, its connections and its allowances, also when it has
   * none (a service that calls nothing): a NetworkPolicy `<name>-egress` that admits DNS only
   * until `allowEgress` adds to it. `connectTo` and `allowEgress` restrict egress on their own.
   */
  public isolateEgress(): this {
    NetworkAccess.of(this).isolateEgress();
    return this;
  }

  /**
   * Lets this workload's pods send to `target` (CIDRs, the internet, a namespace, another app)
   * on its ports, plus DNS, through the NetworkPolicy `<name>-egress`. Once a workload has a
   * connection or an allowance, its egress is exactly those and DNS.
   */
  public allowEgress(target: EgressTarget, options: AllowEgressOptions = {}): this {
    NetworkAccess.of(this).allowEgress(target, options);
    return this;
  }

  /** Metadata for one of the workload's objects (`suffix` makes `<name>-<suffix>`). */
  public metadata(suffix?: string, extra: Partial<ApiObjectMetadata> = {}): ApiObjectMetadata {
    return { name: suffix ? `${this.name}-${suffix}` : this.name, labels: { ...this.labels }, ...extra };
  }

  /**
   * The pod template of the workload's controller: labels, and annotations and spec rendered at
   * synth, so that later additions (`addEnv`, `connectTo` env, config, grants) still reach them.
   * The containers are checked now, so bad input fails where the construct is created. This is
   * how a construct of your own renders its pods (docs/custom-workloads.md): pass the template on
   * whole; its spec cannot be spread or read (`LazyPodSpec`), so give more pod fields as options
   * (`podTemplate({ hostname: 'poller' })`), or with `patchManifest`.
   */
  protected podTemplate(options: Omit<PodSpecOptions, 'serviceAccountName' | 'main'> & { readonly main?: MainContainerExtras } = {}): PodTemplate {
    return {
      metadata: { labels: this.pod.renderLabels(this.labels), annotations: this.pod.lazyAnnotations() },
      spec: this.pod.lazySpec({ serviceAccountName: this.serviceAccount.name, ...options, main: options.main ?? {} }),
    };
  }

  /**
   * The workload's Deployment (id 'Resource'): the pod checked now with `main` (so bad input fails
   * here, not at synth) and rendered lazily (so later additions still reach it). `replicas` is
   * checked too (a whole number ≥ 0, reported as 'replicas'), since a construct of your own may
   * pass on a prop of its own unchecked.
   */
  protected addDeployment(o: {
    readonly replicas?: number;
    readonly rollout: Pick<k8s.DeploymentSpec, 'revisionHistoryLimit' | 'minReadySeconds' | 'progressDeadlineSeconds' | 'strategy'>;
    readonly main: MainContainerExtras;
    readonly spread: boolean;
  }): k8s.KubeDeployment {
    if (o.replicas !== undefined) checkValue(REPLICAS, o.replicas, this, 'replicas');
    const props: k8s.KubeDeploymentProps = {
      metadata: this.metadata(),
      spec: {
        replicas: o.replicas,
        selector: { matchLabels: this.selectorLabels },
        ...o.rollout,
        template: this.podTemplate({ main: o.main, topologySpreadConstraints: o.spread ? spreadConstraints(this.selectorLabels) : undefined }),
      },
    };
    const drain = o.main.drain;
    return drain?.using === 'sleep-action'
      ? new SleepActionDeployment(this, 'Resource', props, drain.delaySeconds)
      : new k8s.KubeDeployment(this, 'Resource', props);
  }

  protected serviceDns(serviceName: string): string {
    return this.namespace ? `${serviceName}.${this.namespace}.svc` : serviceName;
  }

  private addConfig(props: WorkloadProps): k8s.KubeConfigMap {
    const exposure = props.configAs ?? ConfigExposure.ENV;
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    const origin = new Map<string, string>();
    let bytes = 0;
    const put = (key: string, value: string | Uint8Array, prop: string, from: string) => {
      const invalid = configKeyProblem(key, 'has an invalid key', typeof value === 'string' && from === 'config' ? undefined : 'rename the file, or pass a key to ConfigSource.fromFile');
      if (invalid) fail({ scope: this, prop, value: key, ...invalid });
      if (origin.has(key)) {
        fail({ scope: this, prop, message: `repeats the key '${key}' (already from ${origin.get(key)})`, value: key, allowed: 'each key once across config and configFrom', fix: 'rename one of the two entries' });
      }
      origin.set(key, from);
      if (typeof value === 'string') {
        if (exposure === ConfigExposure.ENV) validateEnvName(key, this, prop);
        data[key] = value;
        bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
      } else {
        if (exposure === ConfigExposure.ENV) {
          fail({
            scope: this, prop, message: `has binary content under '${key}', which cannot become an environment variable`, value: from,
            allowed: 'binary files with configAs: ConfigExposure.FILES; text only as variables', fix: "mount the config as files: configAs: ConfigExposure.FILES",
          });
        }
        binaryData[key] = Buffer.from(value).toString('base64');
        bytes += Buffer.byteLength(key) + value.length;
      }
    };
    for (const [k, v] of Object.entries(props.config ?? {})) put(k, v, 'config', 'config');
    if (exposure === ConfigExposure.ENV) this.pod.env.reserve(Object.keys(props.config ?? {}), 'config');
    for (const [i, src] of (props.configFrom ?? []).entries()) {
      const prop = `configFrom[${i}]`;
      const keys: string[] = [];
      for (const e of src.read(this, prop)) {
        put(e.key, e.value, prop, e.from ?? prop);
        keys.push(e.key);
      }
      if (exposure === ConfigExposure.ENV) this.pod.env.reserve(keys, prop);
    }
    if (bytes > DEFAULTS.config.maxBytes) {
      fail({
        scope: this, prop: props.configFrom ? 'configFrom' : 'config', message: `totals ${bytes} bytes, over the ConfigMap limit of ${DEFAULTS.config.maxBytes} bytes (1 MiB)`,
        allowed: `at most ${DEFAULTS.config.maxBytes} bytes of config in all`, fix: 'ship large files in the image or a volume, or split them over several workloads',
      });
    }
    const hasBinary = Object.keys(binaryData).length > 0;
    const cm = new k8s.KubeConfigMap(this, 'Config', {
      metadata: this.metadata('config'),
      data: sortKeys(data),
      binaryData: hasBinary ? sortKeys(binaryData) : undefined,
    });
    this.pod.addAnnotation(DEFAULTS.webApp.configChecksumAnnotation, checksum(hasBinary ? { data, binaryData } : data));
    if (exposure === ConfigExposure.ENV) {
      this.pod.addEnvFrom({ configMap: cm.name });
    } else {
      this.pod.addVolume({ name: 'config', configMap: cm.name });
      this.pod.addMount({ volume: 'config', mountPath: props.configMountPath ?? DEFAULTS.webApp.configMountPath, readOnly: true });
    }
    return cm;
  }
}

/**
 * Fails when a workload of `chart` was given something for its pods (env, addEnv, connectTo's
 * variables, pod annotations, volumes, envFrom, a grant's token) that only its pod builder renders,
 * but never rendered its pod that way (`podTemplate()`, `pod.lazySpec()`, `pod.renderSpec()`): a
 * construct of your own that writes its pod spec by hand would silently drop them. Run once the
 * chart is rendered, so a pod rendered at synth (in a Lazy) counts. @internal
 */
export function checkPodsRendered(chart: Chart): void {
  for (const c of chart.node.findAll()) {
    if (c instanceof Workload && Chart.of(c) === chart) checkPodRendered(c);
  }
}

function checkPodRendered(w: Workload): void {
  // A workload whose constructor threw (caught, in a test) stays in the tree without its pod builder.
  const pod = w.pod as PodBuilder | undefined;
  if (pod === undefined) return;
  const { spec, annotations } = pod.unrendered();
  if (spec.length === 0 && annotations.length === 0) return;
  // What `config` gives the pod (envFrom or the mounted files, the checksum) and a grant's token
  // matter only to a pod: a workload with no pod object (a ConfigMap of its own) keeps its ConfigMap and Role.
  const hasPod = podObjectIn(w) !== undefined;
  const cm = w.configMap?.name;
  const fromConfig = (g: PodGiven) => cm !== undefined && (
    (g.source === 'envFromConfigMaps' && g.item === cm)
    || ((g.source === 'volumes' || g.source === 'mounts') && g.item === 'config')
    || (g.source === 'pod.addAnnotation' && g.item === DEFAULTS.webApp.configChecksumAnnotation));
  const lost = (items: readonly PodGiven[]) => items
    .map((g) => (fromConfig(g) ? { ...g, source: 'config' } : g))
    .filter((g) => hasPod || (g.source !== 'config' && g.source !== 'grant'));
  const lostSpec = lost(spec);
  const lostAnnotations = lost(annotations);
  if (lostSpec.length === 0 && lostAnnotations.length === 0) return;
  const items = [...lostSpec, ...lostAnnotations];
  const sources = [...new Set(items.map((g) => g.source))];
  const listed = sources.map((s) => `${items.filter((g) => g.source === s).map((g) => g.what).join('; ')} (from '${s}')`).join('; ');
  const connections = sources.filter((s) => s.startsWith('connectTo('));
  const none = connections.length
    ? `; a connection whose variables the app does not use adds only its NetworkPolicies with ${connections.map((s) => `${s.slice(0, -1)}, { envForm: 'none' })`).join(', ')}`
    : '';
  const how = lostSpec.length
    ? {
      what: 'renders no pod through its pod builder (it never calls this.podTemplate(), nor this.pod.lazySpec() or this.pod.renderSpec())',
      fix: "build the pod with the pod builder: template: this.podTemplate(), passed on whole (its options take pod fields such as restartPolicy or hostname; patchManifest any other); see docs/custom-workloads.md",
    }
    : {
      what: "renders its pod spec through its pod builder but not the pod's annotations (it never takes this.podTemplate().metadata, nor calls this.pod.lazyAnnotations() or this.pod.renderAnnotations())",
      fix: "pass the template's metadata on whole: template: this.podTemplate(), or metadata: { labels: template.metadata.labels, annotations: template.metadata.annotations }; see docs/custom-workloads.md",
    };
  fail({
    scope: w,
    message: `${how.what}, so what it was given for its pods would be silently missing from the YAML: ${listed}`,
    value: sources,
    allowed: 'what the pod builder renders, in a pod built with this.podTemplate(); in a workload that builds no pod, none of it',
    fix: `${how.fix}; or leave out what the pod does not use${none}`,
  });
}

/**
 * `app.kubernetes.io/name`: the id in lowercase, shortened to 63 characters by the rule of names
 * (`shortenName`), so a long id fits as it does in object names.
 */
export function labelName(scope: Construct, id: string): string {
  const name = shortenName(id.toLowerCase(), 63);
  if (!isValidLabelValue(name)) {
    fail({
      scope, prop: 'id', message: 'cannot be the label app.kubernetes.io/name', value: id,
      allowed: "letters, digits, '-', '_' and '.', starting and ending with a letter or digit", fix: "choose an id such as 'web' or 'order-db'",
    });
  }
  return name;
}

/** A short, stable checksum of data (sha256 of its canonical JSON). */
export function checksum(data: unknown): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex');
}

/** JSON with object keys sorted, so equal data always hashes the same. */
export function canonicalJson(data: unknown): string {
  return JSON.stringify(data, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? sortKeys(v) : v));
}

function sortKeys<T extends Record<string, any>>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])) as T;
}

/**
 * The scope and id a workload is created with, and its props: timonel's own constructs checked
 * theirs against their spec and pass a `checkedCopy`; a construct of your own (`className`) has its
 * WorkloadProps checked here, and every key besides them and its `ownProps` refused. Returns `id`.
 */
function checkWorkloadArgs(scope: Construct, id: string, props: unknown, ownProps: readonly string[], className: string, isBase: boolean): string {
  // Abstract in TypeScript only: from JavaScript the base class renders no pod, so image and
  // command would vanish without a word.
  if (isBase) {
    fail({
      path: childPath(scope, id), message: 'is the base class of workloads, which renders no pod (abstract in TypeScript)', value: 'new Workload(...)',
      allowed: 'WebApp, Worker, BatchJob, NodeAgent, StatefulStore, a preset, or a class of your own that extends Workload',
      fix: `use the construct for the job, e.g. new Worker(scope, '${id}', { image, command }), or extend Workload and render the pod (docs/custom-workloads.md)`,
    });
  }
  checkNewChild(scope, id);
  // Before the constructs library adds it to the tree: a workload belongs in a chart.
  if (!scope.node.scopes.some((s) => Chart.isChart(s))) {
    fail({
      path: childPath(scope, id), message: `must be created inside a TimonelChart, but its scope ${scope.node.path === '' ? 'is the app' : `'${scope.node.path}' is in no chart`}`,
      allowed: 'a scope inside a TimonelChart', fix: `create a chart and the workload in it: const chart = new TimonelChart(app, 'shop', { namespace: 'shop' }); then (chart, '${id}', { ... })`,
    });
  }
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    fail({
      path: childPath(scope, id), message: 'needs an object of props', value: props,
      allowed: 'an object of props', fix: "pass its props, e.g. { image: 'ghcr.io/acme/app:1.0.0' }",
    });
  }
  if (!isCheckedCopy(props)) checkProps(customWorkloadProps(ownProps, className), props, childPath(scope, id));
  return id;
}
