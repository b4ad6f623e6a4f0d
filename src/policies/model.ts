import { PolicySubject } from './types';

/** The annotation prefix of suppressions: `timonel.dev/suppress.<rule-id>: <reason>`. */
export const SUPPRESS_PREFIX = 'timonel.dev/suppress.';

/** Kinds whose objects carry no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'RuntimeClass',
  'IngressClass', 'GatewayClass', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ClusterIssuer', 'ClusterSecretStore',
]);

/** Whether objects of `kind` carry no namespace: the built-in cluster-scoped kinds, and custom kinds named `Cluster…`. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind) || /^Cluster[A-Z]/.test(kind);
}

/** Kinds whose pods are meant to run forever (probes, disruption budgets, spreading apply). */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);

/** Where the pod spec of each pod-bearing kind lives. */
const POD_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The three lists of containers a pod has, in the order PSS checks them. */
export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
export type ContainerList = typeof CONTAINER_LISTS[number];

/** One container of a pod, with its JSON path. */
export interface ContainerView {
  /** The container as written (`{}` when it is not an object). */
  readonly container: any;
  /** e.g. `spec.template.spec.containers[0]` */
  readonly path: string;
  /** The list it is in: 'containers', 'initContainers' or 'ephemeralContainers'. */
  readonly list: ContainerList;
  /** Its name ('' when missing). */
  readonly name: string;
  /** `container 'main'` / `init container 'migrate'` / `ephemeral container 'debug'`, for messages. */
  readonly label: string;
}

/** The pod (or pod template) of a pod-bearing object. */
export interface PodView {
  /** The pod spec (never undefined; `{}` when missing). */
  readonly spec: any;
  /** Path of the pod spec, e.g. `spec.template.spec` (`spec` for a Pod). */
  readonly path: string;
  /** The pod (template) metadata as written (`{}` when missing). */
  readonly metadata: any;
  /** Path of the pod metadata, e.g. `spec.template.metadata`. */
  readonly metadataPath: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Every container: regular, init and ephemeral. */
  readonly containers: readonly ContainerView[];
  /** True for Deployments, StatefulSets, DaemonSets and ReplicaSets. */
  readonly longRunning: boolean;
  /** True when `spec.os.name` is windows (some PSS controls do not apply). */
  readonly windows: boolean;
}

/**
 * One object as the rules see it. Fields are read from the manifest as written, never validated
 * first: a missing `kind` or `name` is ''. Rules read the manifest with `?.`.
 */
export interface PolicyObject {
  /** Index in the subjects given to the engine. */
  readonly index: number;
  /** The object as given to the engine, with its construct path or file. */
  readonly subject: PolicySubject;
  /** The Kubernetes manifest (plain JSON). */
  readonly manifest: any;
  /** `apiVersion` ('' when missing). */
  readonly apiVersion: string;
  /** API group ('' for the core group). */
  readonly group: string;
  /** `kind` ('' when missing). */
  readonly kind: string;
  /** `metadata.name` ('' when missing). */
  readonly name: string;
  /** The namespace as written (undefined for cluster-scoped objects or when not set). */
  readonly namespace?: string;
  /** The namespace used to match references ('' when not set). */
  readonly ns: string;
  /** `Kind namespace/name`, or `Kind name` without a namespace. */
  readonly display: string;
  /** `metadata` (`{}` when missing). */
  readonly metadata: any;
  /** The pod (template) of pod-bearing kinds (Pod, PodTemplate, workloads, Job, CronJob). */
  readonly pod?: PodView;
  /** Suppressions read from the object's annotations: rule id -> reason. */
  readonly suppressions: ReadonlyMap<string, string>;
  /**
   * Suppressions for one container (`timonel.dev/suppress.<rule-id>.<container>`): rule id ->
   * container name -> reason. They cover the issues a rule reports with that `container`.
   */
  readonly containerSuppressions: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** A label selector in either form: a plain map (Service, RC) or `{ matchLabels, matchExpressions }`. */
export type Selector = Record<string, string> | { matchLabels?: Record<string, string>; matchExpressions?: any[] };

/** Joins a path and a key: `spec` + `containers` -> `spec.containers`; odd keys in brackets. */
export function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (!isPlainKey(key)) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}

// Tested each time: a memo would save some 10 ns a test (a few tests per object), not worth state.
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

function isPlainKey(key: string): boolean {
  return PLAIN_KEY.test(key);
}

/** Splits a field path back into its keys (the inverse of `fieldPath`). */
export function splitFieldPath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

function isObject(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** The string entries of a map (labels, annotations), ignoring anything that is not an object. */
function stringMap(x: unknown): Record<string, string> {
  return isObject(x) ? (x as Record<string, string>) : {};
}

/** `Kind namespace/name`. */
export function describe(kind: string, namespace: string | undefined, name: string): string {
  const n = name || '<unnamed>';
  return namespace ? `${kind} ${namespace}/${n}` : `${kind} ${n}`;
}

const NO_SUPPRESSIONS: ReadonlyMap<string, string> = new Map();

/** Builds the rules' view of one subject. */
export function toPolicyObject(subject: PolicySubject, index: number): PolicyObject {
  const m = subject.manifest ?? {};
  const apiVersion = typeof m.apiVersion === 'string' ? m.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const kind = typeof m.kind === 'string' ? m.kind : '';
  const metadata = isObject(m.metadata) ? m.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  return {
    index,
    subject,
    manifest: m,
    apiVersion,
    group,
    kind,
    name,
    namespace,
    ns: CLUSTER_SCOPED.has(kind) ? '' : namespace ?? '',
    display: describe(kind, namespace, name),
    metadata,
    pod: podOf(m, kind),
    ...suppressionsOf(metadata.annotations),
  };
}

/**
 * The suppression annotations of an object: rule id -> reason, and rule id -> container -> reason
 * for `<rule-id>.<container>` (rule ids hold no '.'); shared empty maps when there are none.
 */
function suppressionsOf(annotations: unknown): Pick<PolicyObject, 'suppressions' | 'containerSuppressions'> {
  const map = stringMap(annotations);
  let suppressions: Map<string, string> | undefined;
  let containerSuppressions: Map<string, Map<string, string>> | undefined;
  for (const key in map) {
    if (!key.startsWith(SUPPRESS_PREFIX)) continue;
    const rest = key.slice(SUPPRESS_PREFIX.length);
    const dot = rest.indexOf('.');
    const reason = String(map[key] ?? '');
    if (dot < 0) {
      (suppressions ??= new Map()).set(rest, reason);
    } else {
      containerSuppressions ??= new Map();
      const ruleId = rest.slice(0, dot);
      let byContainer = containerSuppressions.get(ruleId);
      if (!byContainer) containerSuppressions.set(ruleId, (byContainer = new Map()));
      byContainer.set(rest.slice(dot + 1), reason);
    }
  }
  return { suppressions: suppressions ?? NO_SUPPRESSIONS, containerSuppressions: containerSuppressions ?? NO_CONTAINER_SUPPRESSIONS };
}

const NO_CONTAINER_SUPPRESSIONS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map();

/** The JSON paths of a pod-bearing kind: the same for every object of the kind, so built once. */
interface PodLayout {
  readonly keys: readonly string[];
  readonly specPath: string;
  readonly metadataPath: string;
  /** e.g. `spec.template.spec.containers`, per container list. */
  readonly listPaths: Readonly<Record<ContainerList, string>>;
}

const POD_LAYOUTS: ReadonlyMap<string, PodLayout> = new Map(Object.entries(POD_PATHS).map(([kind, keys]) => {
  const path = keys.reduce<string>((p, k) => fieldPath(p, k), '');
  const specPath = fieldPath(path, 'spec');
  const listPaths = {} as Record<ContainerList, string>;
  for (const list of CONTAINER_LISTS) listPaths[list] = fieldPath(specPath, list);
  return [kind, { keys, specPath, metadataPath: fieldPath(path, 'metadata'), listPaths }];
}));

/** The kinds that carry a pod (template). */
export const POD_KINDS: readonly string[] = Object.keys(POD_PATHS);

/** True for the kinds that carry a pod (template): objects of these kinds have a `pod`. */
export function isPodKind(kind: string): boolean {
  return POD_LAYOUTS.has(kind);
}

const CONTAINER_WORDS: Readonly<Record<ContainerList, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** A container; its path and label are only built when a rule asks for them (mostly to report). */
class Container implements ContainerView {
  private cachedPath?: string;
  private cachedLabel?: string;

  constructor(
    public readonly container: any,
    public readonly list: ContainerList,
    public readonly name: string,
    private readonly index: number,
    private readonly listPath: string,
  ) {}

  public get path(): string {
    return (this.cachedPath ??= `${this.listPath}[${this.index}]`);
  }

  public get label(): string {
    return (this.cachedLabel ??= `${CONTAINER_WORDS[this.list]} '${this.name || this.index}'`);
  }
}

function podOf(m: any, kind: string): PodView | undefined {
  const layout = POD_LAYOUTS.get(kind);
  if (!layout) return undefined;
  let template: any = m;
  for (const k of layout.keys) template = isObject(template) ? template[k] : undefined;
  template = isObject(template) ? template : {};
  const spec = isObject(template.spec) ? template.spec : {};
  const meta = isObject(template.metadata) ? template.metadata : {};
  const containers: ContainerView[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c: any, i: number) => {
      const container = isObject(c) ? c : {};
      const name = typeof container.name === 'string' ? container.name : '';
      containers.push(new Container(container, list, name, i, layout.listPaths[list]));
    });
  }
  return {
    spec,
    path: layout.specPath,
    metadata: meta,
    metadataPath: layout.metadataPath,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    containers,
    longRunning: LONG_RUNNING.has(kind),
    windows: isObject(spec.os) && spec.os.name === 'windows',
  };
}

/**
 * The directions a NetworkPolicy spec applies to, as the API server defaults them: its policyTypes
 * when given, else Ingress, plus Egress when it has egress rules.
 */
export function networkPolicyTypes(spec: { readonly policyTypes?: unknown; readonly egress?: unknown }): ReadonlySet<'Ingress' | 'Egress'> {
  const given = Array.isArray(spec.policyTypes) ? spec.policyTypes.filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress') : [];
  if (given.length > 0) return new Set(given);
  return new Set(Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** True when the labels satisfy the selector (an empty selector selects everything). */
export function selectorMatches(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  const s = selector as any;
  const structured = 'matchLabels' in s || 'matchExpressions' in s;
  const matchLabels: Record<string, string> = structured ? stringMap(s.matchLabels) : s;
  for (const k in matchLabels) if (labels[k] !== String(matchLabels[k])) return false;
  if (!structured || !Array.isArray(s.matchExpressions)) return true;
  for (const e of s.matchExpressions) {
    if (!isObject(e)) return false;
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/**
 * Calls `each` with every `key=value` pair a selector requires (used to look candidates up in
 * the label index); stops when it returns false.
 */
function forRequiredPairs(selector: Selector, each: (key: string, value: string) => boolean): void {
  const s = selector as any;
  const structured = 'matchLabels' in s || 'matchExpressions' in s;
  const matchLabels = structured ? stringMap(s.matchLabels) : s;
  for (const k of Object.keys(matchLabels)) if (!each(k, String(matchLabels[k]))) return;
  if (structured && Array.isArray(s.matchExpressions)) {
    for (const e of s.matchExpressions) {
      if (isObject(e) && e.operator === 'In' && Array.isArray(e.values) && e.values.length === 1 && !each(e.key, String(e.values[0]))) return;
    }
  }
}

const EMPTY: readonly PolicyObject[] = [];

/** What a run knows of rule ids beyond the built-in ones (read by `policy-suppression`). @internal */
export interface RunRules {
  /** The ids of the rules of your own that the object's profile has. */
  readonly customRuleIds: (o: PolicyObject) => readonly string[];
  /** Whether an unknown id outside the built-in prefixes is taken for a rule of your own (PolicyRunOptions.unknownCustomRules). */
  readonly foreignRuleIds: boolean;
}

const NO_RUN_RULES: RunRules = { customRuleIds: () => [], foreignRuleIds: false };
/** The run of each set the engine made: not part of the set's API (rules of your own get sets too). */
const RUNS = new WeakMap<ObjectSet, RunRules>();

/** A set of the engine's run. @internal */
export function objectSetOfRun(objects: readonly PolicyObject[], run: RunRules): ObjectSet {
  const set = new ObjectSet(objects);
  RUNS.set(set, run);
  return set;
}

/** What the run of a set knows of rule ids (none for a set made elsewhere). @internal */
export function runRulesOf(set: ObjectSet): RunRules {
  return RUNS.get(set) ?? NO_RUN_RULES;
}

/**
 * All objects under check, with the indexes cross-object rules need. Every index is built
 * once, lazily, in one pass, so a run stays linear in the number of objects.
 */
export class ObjectSet {
  // Indexes are nested maps, not maps keyed by joined strings: no string is built per object or lookup.
  /** kind -> namespace -> name -> object. */
  private byKey?: Map<string, Map<string, Map<string, PolicyObject>>>;
  private byKind?: Map<string, PolicyObject[]>;
  private podsByNs?: Map<string, PolicyObject[]>;
  /** namespace -> pod label key -> value -> objects. */
  private podsByLabel?: Map<string, Map<string, Map<string, PolicyObject[]>>>;
  private memo = new Map<string, unknown>();

  constructor(
    /** Every object, in the order given to the engine. */
    public readonly objects: readonly PolicyObject[],
  ) {}

  /** The object of a kind, namespace and name (the first one, when duplicated). */
  public get(kind: string, ns: string, name: string): PolicyObject | undefined {
    if (!this.byKey) {
      this.byKey = new Map();
      for (const o of this.objects) {
        const names = childMap(childMap(this.byKey, o.kind), o.ns);
        if (!names.has(o.name)) names.set(o.name, o);
      }
    }
    return this.byKey.get(kind)?.get(ns)?.get(name);
  }

  /** Every object of a kind. */
  public ofKind(kind: string): readonly PolicyObject[] {
    if (!this.byKind) {
      this.byKind = new Map();
      for (const o of this.objects) {
        let list = this.byKind.get(o.kind);
        if (!list) this.byKind.set(o.kind, (list = []));
        list.push(o);
      }
    }
    return this.byKind.get(kind) ?? EMPTY;
  }

  /** Pod-bearing objects of a namespace whose pod labels the selector matches. */
  public selectPods(ns: string, selector: Selector | undefined): readonly PolicyObject[] {
    if (!isObject(selector)) return EMPTY;
    this.indexPods();
    let candidates: readonly PolicyObject[] = this.podsByNs!.get(ns) ?? EMPTY;
    const labels = this.podsByLabel!.get(ns);
    forRequiredPairs(selector, (k, v) => {
      const list = labels?.get(k)?.get(v) ?? EMPTY;
      if (list.length < candidates.length) candidates = list;
      return candidates.length > 0;
    });
    return candidates.filter((o) => selectorMatches(selector, o.pod!.labels));
  }

  /** Pod-bearing objects of a namespace. */
  public podsIn(ns: string): readonly PolicyObject[] {
    this.indexPods();
    return this.podsByNs!.get(ns) ?? EMPTY;
  }

  /** Caches a value derived from the whole set (e.g. which pods a PDB covers) under a key. */
  public memoize<T>(key: string, compute: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute());
    return this.memo.get(key) as T;
  }

  private indexPods(): void {
    if (this.podsByNs) return;
    this.podsByNs = new Map();
    this.podsByLabel = new Map();
    for (const o of this.objects) {
      if (!o.pod) continue;
      let list = this.podsByNs.get(o.ns);
      if (!list) this.podsByNs.set(o.ns, (list = []));
      list.push(o);
      const byKey = childMap(this.podsByLabel, o.ns);
      for (const k in o.pod.labels) {
        const byValue = childMap(byKey, k);
        const value = String(o.pod.labels[k]); // as selectors are compared
        let l = byValue.get(value);
        if (!l) byValue.set(value, (l = []));
        l.push(o);
      }
    }
  }
}

/** The map under `key` in a map of maps, made when missing. */
function childMap<K, V>(parent: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let child = parent.get(key);
  if (!child) parent.set(key, (child = new Map()));
  return child;
}
