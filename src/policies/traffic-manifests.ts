import { fail, isConstruct, PropIssue, TimonelError } from '../core/errors';
import { isValidName, NameRule } from '../core/names';
import { CIDR_ALLOWED, cidrProblem, exceptProblem, labelKeyProblem, labelValue, portName, portNumber, protocol } from '../core/specs';
import { Context, Spec, tsLiteral, typeName, v } from '../core/validation';
import { isPodKind, networkPolicyTypes, splitFieldPath, toPolicyObject } from './model';
import type { TrafficEvaluatorOptions, TrafficProtocol, TrafficWorkload } from './traffic';

// What TrafficEvaluator.fromManifests reads of the manifests, checked as the API server checks it:
// a NetworkPolicy field by field (an unknown or misspelt field would otherwise widen what it
// admits), and of the other kinds the fields the evaluator reads. Every problem of the list is
// collected into one error; an object with a problem is not read.

const WHERE = 'TrafficEvaluator.fromManifests';

/** A port of a workload's pods. */
export interface PortOf {
  readonly name?: string;
  readonly port: number;
  readonly protocol: TrafficProtocol;
}

/** A Service that selects pods, as the evaluator maps its ports. */
export interface ServiceOf {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly ports: ReadonlyArray<{ readonly port: number; readonly targetPort: number | string; readonly protocol: TrafficProtocol }>;
}

/** A NetworkPolicy, checked (its rules as written, `null` items being empty ones). */
export interface Policy {
  readonly id: string;
  readonly namespace: string;
  readonly podSelector: SelectorJson;
  readonly types: ReadonlySet<'Ingress' | 'Egress'>;
  readonly ingress: ReadonlyArray<IngressRuleJson | null>;
  readonly egress: ReadonlyArray<EgressRuleJson | null>;
}

/** What the evaluator knows of the manifests. */
export interface TrafficModel {
  readonly defaultNamespace: string;
  readonly workloads: readonly TrafficWorkload[];
  /**
   * The ports a Service's named `targetPort` resolves to on each workload's pods: those of its
   * containers and sidecars (init containers with `restartPolicy: Always`), as Kubernetes' FindPort.
   */
  readonly servicePorts: ReadonlyMap<TrafficWorkload, readonly PortOf[]>;
  readonly policies: readonly Policy[];
  readonly services: readonly ServiceOf[];
  readonly namespaceLabels: Map<string, Record<string, string>>;
}

// The JSON of a NetworkPolicy (networking.k8s.io/v1), as the specs below check it.
/** A label selector. */
export interface SelectorJson {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: RequirementJson[];
}
interface RequirementJson {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: string[];
}
/** An ipBlock. */
export interface IpBlockJson {
  readonly cidr: string;
  readonly except?: string[];
}
/** A peer of a rule. */
export interface PeerJson {
  readonly podSelector?: SelectorJson;
  readonly namespaceSelector?: SelectorJson;
  readonly ipBlock?: IpBlockJson;
}
/** A port of a rule. */
export interface PortJson {
  readonly port?: number | string;
  readonly endPort?: number;
  readonly protocol?: TrafficProtocol;
}
/** An ingress rule. */
export interface IngressRuleJson {
  readonly from?: Array<PeerJson | null>;
  readonly ports?: Array<PortJson | null>;
}
/** An egress rule. */
export interface EgressRuleJson {
  readonly to?: Array<PeerJson | null>;
  readonly ports?: Array<PortJson | null>;
}
interface PolicySpecJson {
  readonly podSelector?: SelectorJson;
  readonly policyTypes?: Array<'Ingress' | 'Egress'>;
  readonly ingress?: Array<IngressRuleJson | null>;
  readonly egress?: Array<EgressRuleJson | null>;
}
interface NetworkPolicyJson {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: unknown;
  readonly spec?: PolicySpecJson;
  readonly status?: unknown;
}
interface ObjectMetaJson {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly selfLink?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly deletionGracePeriodSeconds?: number;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly ownerReferences?: unknown[];
  readonly finalizers?: string[];
  readonly managedFields?: unknown[];
}
interface ContainerPortJson {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol?: TrafficProtocol;
  readonly hostPort?: number;
  readonly hostIP?: string;
}
interface ServicePortJson {
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: TrafficProtocol;
  readonly name?: string;
  readonly appProtocol?: string;
  readonly nodePort?: number;
}

/** Labels, or a selector's matchLabels. */
export const labelMap = v.record(labelValue, { key: labelKeyProblem, keys: ['app'] });

/** A field the evaluator does not read: any value passes. */
const anything: Spec<any> = v.custom<any>('any value', () => undefined, () => [undefined]);

/** A `null` item of a list of objects is an empty one, as the API server decodes it. */
function nullAsEmpty<T>(spec: Spec<T>): Spec<T | null> {
  return { ...spec, check: (value, path, ctx) => spec.check(value === null ? {} : value, path, ctx) } as Spec<T | null>;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

const requirement = v.object<RequirementJson>()({
  key: v.required(v.string({
    allowed: "a label key: '[prefix/]name'", samples: ['app', 'example.com/team'],
    check: (k) => {
      const p = labelKeyProblem(k);
      return p && { ...p, message: 'is not a valid label key' };
    },
  })),
  operator: v.required(v.oneOf(OPERATORS)),
  values: v.array(labelValue),
}, {
  what: 'requirement field',
  check: (x, r) => {
    const n = x.values?.length ?? 0;
    if ((x.operator === 'In' || x.operator === 'NotIn') && n === 0) {
      r.issue('values', { message: `must not be empty with operator '${x.operator}'`, value: x.values, allowed: "one or more values with operator 'In' or 'NotIn'", fix: "list the values to match, or use operator: 'Exists'" });
    }
    if ((x.operator === 'Exists' || x.operator === 'DoesNotExist') && n > 0) {
      r.issue('values', { message: `must be empty with operator '${x.operator}'`, value: x.values, allowed: "no values with operator 'Exists' or 'DoesNotExist'", fix: "remove values, or use operator: 'In' to match them" });
    }
  },
});

const SELECTOR_ALLOWED = 'a label selector: { matchLabels?, matchExpressions? } ({} selects every pod of the namespace, or every namespace)';

const selectorFields = v.object<SelectorJson>()({
  matchLabels: labelMap,
  matchExpressions: v.array(nullAsEmpty(requirement)) as Spec<RequirementJson[]>,
}, {
  what: 'label selector field',
  unknownFix: (k, x) => (typeof x === 'string' ? `a label goes inside matchLabels: write matchLabels: { ${tsLiteral({ [k]: x }).slice(2, -2)} }` : 'remove it'),
});

// `{ app: 'api' }` for `{ matchLabels: { app: 'api' } }`: kubectl refuses the unknown fields, other
// clients drop them, leaving {} (every pod); the evaluator must not read them as labels.
const selector: Spec<SelectorJson> = {
  ...selectorFields,
  check(value, path, ctx) {
    const entries = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
    if (entries.length > 0 && entries.every(([k, x]) => typeof x === 'string' && !/^match/i.test(k))) {
      const field = path.split('.').pop();
      ctx.report(path, value, {
        message: 'has labels outside matchLabels: kubectl refuses them, and clients that drop unknown fields leave {}, which selects everything',
        allowed: SELECTOR_ALLOWED,
        fix: `write ${field}: { matchLabels: ${tsLiteral(value)} }`,
      });
      return false;
    }
    return selectorFields.check(value, path, ctx);
  },
};

/** An ipBlock CIDR: host bits past the prefix are allowed, and read as its network (as the API server does). */
const blockCidr = v.string({ allowed: CIDR_ALLOWED, samples: ['203.0.113.0/24', '2001:db8::/32'], check: (s) => cidrProblem(s, 'allow') });

const ipBlock = v.object<IpBlockJson>()({
  cidr: v.required(blockCidr),
  except: v.array(blockCidr),
}, {
  what: 'ipBlock field',
  check: (b, r) => b.except?.forEach((e, i) => {
    const problem = exceptProblem(b.cidr, e);
    if (problem) r.issue(`except[${i}]`, { ...problem, value: e });
  }),
});

const peer = v.object<PeerJson>()({ podSelector: selector, namespaceSelector: selector, ipBlock }, {
  what: 'peer field',
  check: (p, r) => {
    const given = (['podSelector', 'namespaceSelector', 'ipBlock'] as const).filter((k) => p[k] !== undefined);
    if (given.length === 0) {
      r.issue('', {
        message: 'must specify a peer', value: p, allowed: 'podSelector, namespaceSelector (or both, which must both match), or ipBlock',
        fix: 'for every source or destination, leave from/to out (or write []); podSelector: {} is every pod of the namespace, namespaceSelector: {} every pod of every namespace',
      });
    } else if (p.ipBlock !== undefined && given.length > 1) {
      r.issue('', {
        message: `has ipBlock and ${given.filter((k) => k !== 'ipBlock').join(' and ')}: a peer is either addresses or pods`, value: p,
        allowed: 'podSelector, namespaceSelector (or both), or ipBlock', fix: 'make them two peers: [{ ipBlock: { … } }, { podSelector: { … } }]',
      });
    }
  },
});

/** A named port in a rule or a Service's targetPort; '8080' is a number written as a string. */
const namedPort: Spec<string> = {
  ...portName,
  check(value, path, ctx) {
    if (typeof value === 'string' && /^[0-9]+$/.test(value)) {
      ctx.report(path, value, { message: 'is a number written as a string (a port name has a letter)', allowed: 'a port number, or the name of a container port', fix: `write it as a number: ${Number(value)}` });
      return false;
    }
    return portName.check(value, path, ctx);
  },
};

const portOrName = v.union(portNumber, namedPort, 'a port number from 1 to 65535, or the name of a container port');

const rulePort = v.object<PortJson>()({ port: portOrName, endPort: portNumber, protocol }, {
  what: 'port field',
  check: (p, r) => {
    if (p.endPort === undefined) return;
    const allowed = 'an endPort at least port, with a numeric port';
    if (p.port === undefined) r.issue('endPort', { message: 'needs a port: the range is port to endPort', value: p.endPort, allowed, fix: 'add port: <the first port of the range>' });
    else if (typeof p.port === 'string') r.issue('endPort', { message: `may not be set with a named port ('${p.port}')`, value: p.endPort, allowed, fix: 'write the first port of the range as a number, or remove endPort' });
    else if (p.endPort < p.port) r.issue('endPort', { message: `must be at least port (${p.port})`, value: p.endPort, allowed, fix: `swap them: port: ${p.endPort}, endPort: ${p.port}` });
  },
});

const peers = v.array(nullAsEmpty(peer)) as Spec<Array<PeerJson | null>>;
const rulePorts = v.array(nullAsEmpty(rulePort)) as Spec<Array<PortJson | null>>;

const ingressRule = v.object<IngressRuleJson>()({ from: peers, ports: rulePorts }, {
  what: 'ingress rule field',
  refused: { to: { why: 'an ingress rule names its sources', fix: 'write from: [ … ]' } },
});

const egressRule = v.object<EgressRuleJson>()({ to: peers, ports: rulePorts }, {
  what: 'egress rule field',
  refused: { from: { why: 'an egress rule names its destinations', fix: 'write to: [ … ]' } },
});

const POLICY_TYPES = ['Ingress', 'Egress'] as const;

const policySpec = v.object<PolicySpecJson>()({
  podSelector: selector,
  policyTypes: v.array(v.oneOf(POLICY_TYPES), {
    check: (l) => (l.length > 2 ? { message: 'may not list more than two policy types', fix: "list each of 'Ingress' and 'Egress' once" } : undefined),
  }),
  ingress: v.array(nullAsEmpty(ingressRule)) as Spec<Array<IngressRuleJson | null>>,
  egress: v.array(nullAsEmpty(egressRule)) as Spec<Array<EgressRuleJson | null>>,
}, { what: 'NetworkPolicy spec field' });

const networkPolicy = v.object<NetworkPolicyJson>()({
  // checked as every object's
  apiVersion: anything,
  kind: anything,
  metadata: anything,
  spec: policySpec,
  status: anything,
}, { what: 'NetworkPolicy field' });

// The fields of ObjectMeta: a misspelt one (`namspace`) would put the object elsewhere.
const objectMeta = v.object<ObjectMetaJson>()({
  name: v.string({ nonEmpty: true }),
  generateName: v.string(),
  namespace: v.string(),
  selfLink: anything,
  uid: anything,
  resourceVersion: anything,
  generation: anything,
  creationTimestamp: anything,
  deletionTimestamp: anything,
  deletionGracePeriodSeconds: anything,
  labels: labelMap,
  annotations: anything,
  ownerReferences: anything,
  finalizers: anything,
  managedFields: anything,
}, { what: 'metadata field' });

const containerPort = v.object<ContainerPortJson>()({
  containerPort: v.required(portNumber),
  name: portName,
  protocol,
  hostPort: portNumber,
  hostIP: v.string(),
}, { what: 'container port field' });

const containerPorts = v.array(containerPort);

const servicePort = v.object<ServicePortJson>()({
  port: v.required(portNumber),
  targetPort: portOrName,
  protocol,
  name: v.string(),
  appProtocol: v.string(),
  nodePort: v.int({ min: 0, max: 65535 }),
}, { what: 'Service port field' });

const OPTIONS = v.object<TrafficEvaluatorOptions>()({
  defaultNamespace: v.string({
    allowed: "a namespace name: lowercase letters, digits and '-', at most 63 characters", samples: ['shop'],
    check: (s) => (isValidName(s, NameRule.DNS_1123_LABEL) ? undefined : { message: 'is not a namespace name', fix: "write the namespace's name, e.g. 'shop'" }),
  }),
  namespaceLabels: v.record(labelMap, {
    keys: ['shop'],
    key: (k) => (isValidName(k, NameRule.DNS_1123_LABEL) ? undefined : { message: 'is not a namespace name', allowed: 'namespace names as keys, each with its labels', fix: "write { shop: { team: 'shop' } }" }),
  }),
}, { what: 'option', owner: 'TrafficEvaluator.fromManifests' });

function isObject(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

// A NetworkPolicy's `null` fields are fields left out (as the API server decodes JSON null).
function withoutNulls(x: unknown): unknown {
  if (Array.isArray(x)) return x.map((item) => (item === null ? null : withoutNulls(item)));
  if (!isObject(x)) return x;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) if (x[k] !== null) out[k] = withoutNulls(x[k]);
  return out;
}

// Kinds whose objects the evaluator reads, with the API group they must be of ('*': any group).
function readGroup(kind: string): string | undefined {
  if (kind === 'NetworkPolicy') return 'networking.k8s.io';
  if (kind === 'Service') return '';
  if (kind === 'Namespace' || isPodKind(kind)) return '*';
  return undefined;
}

/** Reads and checks the manifests: one TimonelError listing every problem, else the model. */
export function readTrafficManifests(manifests: unknown, options: unknown): TrafficModel {
  if (!Array.isArray(manifests)) {
    fail({
      path: WHERE, prop: 'manifests', message: 'needs a list of manifests', value: manifests,
      allowed: 'a list of manifests (objects with kind and metadata)', fix: isConstruct(manifests) ? 'pass its objects: fromManifests(Testing.synth(chart)), or app.render()' : 'pass the objects of Testing.synth(chart), or the files of app.render()',
    });
  }
  const issues: PropIssue[] = [];
  const ctx = new Context();
  if (options !== undefined) OPTIONS.check(options, 'options', ctx);
  issues.push(...ctx.issues);
  const opts = (ctx.issues.length === 0 ? options ?? {} : {}) as TrafficEvaluatorOptions;
  const defaultNamespace = opts.defaultNamespace ?? 'default';
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const [n, labels] of Object.entries(opts.namespaceLabels ?? {})) namespaceLabels.set(n, { ...labels });
  const workloads: TrafficWorkload[] = [];
  const servicePorts = new Map<TrafficWorkload, PortOf[]>();
  const policies: Policy[] = [];
  const services: ServiceOf[] = [];
  // kind, group, namespace, name -> where the first such object is
  const seen = new Map<string, string>();

  const visit = (m: unknown, where: string, listed?: { apiVersion: unknown; kind: string }): void => {
    if (m === null) return; // an empty YAML document
    if (Array.isArray(m)) {
      issues.push({ object: where, message: 'is a list, not a manifest', allowed: 'one flat list of manifests', fix: 'pass one list: fromManifests([...a, ...b]), or fromManifests(lists.flat())' });
      return;
    }
    if (!isObject(m)) {
      issues.push({ object: where, message: `is not a manifest, but ${typeName(m)}`, value: m, allowed: 'objects with apiVersion, kind and metadata', fix: 'pass only manifests: the objects of Testing.synth(chart), or the files of app.render()' });
      return;
    }
    // a file of app.render(): { fileName, docs }
    if (m.kind === undefined && Array.isArray(m.docs)) {
      m.docs.forEach((d: unknown, i: number) => visit(d, `${where}.docs[${i}]`));
      return;
    }
    // an item of a `FooList` (as the API returns it) may leave its kind out
    const item = listed && m.kind === undefined ? { apiVersion: listed.apiVersion, kind: listed.kind, ...m } : m;
    if (typeof item.kind !== 'string' || item.kind === '') {
      issues.push({
        object: where, prop: 'kind', message: item.kind === undefined ? 'is required' : 'must be a non-empty string', value: item.kind,
        allowed: "a Kubernetes kind such as 'NetworkPolicy', 'Service', 'Deployment' or 'Namespace'", fix: 'pass manifests as kubectl reads them, each with apiVersion and kind',
      });
      return;
    }
    const kind: string = item.kind;
    // `kubectl get … -o yaml` prints a List; the API, a `NetworkPolicyList` (items without kind)
    if ((kind === 'List' || kind.endsWith('List')) && item.items !== undefined) {
      if (item.items === null) return;
      if (!Array.isArray(item.items)) {
        issues.push({ object: `${kind} (${where})`, prop: 'items', message: `must be a list, but is ${typeName(item.items)}`, value: item.items, allowed: 'a list of manifests', fix: 'write items: [ … ]' });
        return;
      }
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      item.items.forEach((x: unknown, i: number) => visit(x, `${where}.items[${i}]`, itemKind ? { apiVersion: item.apiVersion, kind: itemKind } : undefined));
      return;
    }
    const wanted = readGroup(kind);
    if (wanted === undefined) return; // a kind the evaluator does not read
    const metadata = isObject(item.metadata) ? item.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const clusterScoped = kind === 'Namespace';
    const namespace = clusterScoped ? '' : typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;
    const object = `${kind} ${namespace ? `${namespace}/` : ''}${name || '<unnamed>'} (${where})`;
    const before = issues.length;
    const report = (c: Context) => issues.push(...c.issues.map((i) => ({ ...i, object })));
    let group = wanted;
    if (typeof item.apiVersion !== 'string' || item.apiVersion === '') {
      // checked as the kind the evaluator reads, which it most likely is
      issues.push({
        object, prop: 'apiVersion', message: item.apiVersion === undefined ? 'is required' : 'must be a non-empty string', value: item.apiVersion,
        allowed: "the object's API version, e.g. 'networking.k8s.io/v1', 'v1' or 'apps/v1'", fix: 'add apiVersion, as kubectl needs it',
      });
    } else {
      group = item.apiVersion.includes('/') ? item.apiVersion.split('/')[0] : '';
      if (wanted !== '*' && group !== wanted) return; // another API's kind of that name (e.g. Calico's NetworkPolicy)
    }
    const c = new Context();
    if (item.metadata === undefined || item.metadata === null) {
      c.add('metadata', { message: 'is required', allowed: 'an object with a name (and the namespace)', fix: "add metadata: { name: '…', namespace: '…' }" });
    } else if (objectMeta.check(item.metadata, 'metadata', c) && name === '') {
      c.add('metadata.name', { message: 'is required', allowed: `the ${kind}'s name`, fix: "add name: '…' (the evaluator and kubectl apply need it)" });
    }
    report(c);
    if (name !== '') {
      const key = `${kind}\n${group}\n${namespace}\n${name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({
          object, prop: 'metadata.name', value: name,
          message: `is also the name of ${first}: ${clusterScoped ? 'a cluster holds one Namespace of a name' : `a namespace holds one ${kind} of a name`}, and applying the second replaces the first`,
          allowed: `one ${kind} of each name${clusterScoped ? '' : ' per namespace'}`, fix: 'rename one of them, or remove the copy',
        });
      } else {
        seen.set(key, where);
      }
    }
    if (kind === 'Namespace') {
      if (issues.length === before) namespaceLabels.set(name, { ...namespaceLabels.get(name), ...(metadata.labels ?? {}) });
    } else if (kind === 'NetworkPolicy') {
      const np = withoutNulls(item) as NetworkPolicyJson;
      const pc = new Context();
      networkPolicy.check(np, '', pc);
      report(pc);
      if (issues.length === before) policies.push(toPolicy(np.spec ?? {}, name, namespace));
    } else if (kind === 'Service') {
      const service = readService(item, name, namespace, report);
      if (service && issues.length === before) services.push(service);
    } else {
      const read = readWorkload(item, kind, name, namespace, report);
      if (read && issues.length === before) {
        workloads.push(read.workload);
        servicePorts.set(read.workload, read.servicePorts);
      }
    }
  };
  manifests.forEach((m, i) => visit(m, `manifests[${i}]`));
  if (issues.length === 1) throw new TimonelError({ path: WHERE, ...issues[0] });
  if (issues.length > 1) {
    const problems = issues.map((i) => new TimonelError({ path: WHERE, ...i }));
    throw new TimonelError({ path: WHERE, message: `found ${problems.length} problems in the manifests`, fix: 'fix each of them (each names its own fix)', problems });
  }
  return { defaultNamespace, workloads, servicePorts, policies, services, namespaceLabels };
}

function toPolicy(spec: PolicySpecJson, name: string, namespace: string): Policy {
  const types = networkPolicyTypes(spec);
  return { id: `${namespace}/${name}`, namespace, podSelector: spec.podSelector ?? {}, types, ingress: spec.ingress ?? [], egress: spec.egress ?? [] };
}

/** A Service's selector and ports (undefined for one without a selector: it maps no port to pods). */
function readService(m: Record<string, any>, name: string, namespace: string, report: (c: Context) => void): ServiceOf | undefined {
  const c = new Context();
  const spec = m.spec ?? {};
  if (!isObject(spec)) {
    c.report('spec', spec, { message: `must be an object, but is ${typeName(spec)}`, allowed: 'a Service spec: { selector, ports, … }', fix: 'write spec: { selector: { … }, ports: [ … ] }' });
    report(c);
    return undefined;
  }
  if (spec.selector != null) labelMap.check(spec.selector, 'spec.selector', c);
  const ports = spec.ports == null ? [] : withoutNulls(spec.ports);
  if (spec.ports != null) v.array(servicePort).check(ports, 'spec.ports', c);
  report(c);
  if (c.issues.length > 0 || spec.selector == null || Object.keys(spec.selector).length === 0) return undefined;
  return {
    name, namespace, selector: spec.selector,
    ports: (ports as ServicePortJson[]).map((p) => ({ port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

/** A pod-bearing object: its pod template's labels and its containers' ports. */
function readWorkload(m: Record<string, any>, kind: string, name: string, namespace: string, report: (c: Context) => void):
{ workload: TrafficWorkload; servicePorts: PortOf[] } | undefined {
  const o = toPolicyObject({ manifest: m }, 0);
  const pod = o.pod!;
  const c = new Context();
  // Each level down to the pod spec is an object when it is there (`spec.template: 'x'` is no pod).
  let at: unknown = m;
  let path = '';
  for (const key of splitFieldPath(pod.path)) {
    at = isObject(at) ? at[key as string] : undefined;
    path = path ? `${path}.${key}` : String(key);
    if (at !== undefined && at !== null && !isObject(at)) {
      c.report(path, at, { message: `must be an object, but is ${typeName(at)}`, allowed: `the ${key === 'spec' ? 'spec' : key} of a ${kind}`, fix: `write ${key}: { … }` });
      report(c);
      return undefined;
    }
  }
  if (kind !== 'Pod') {
    const meta = splitFieldPath(pod.metadataPath).reduce<unknown>((x, k) => (isObject(x) ? x[k as string] : undefined), m);
    if (meta !== undefined && meta !== null) objectMeta.check(meta, pod.metadataPath, c);
  }
  const ports: PortOf[] = [];
  const served: PortOf[] = [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const items = pod.spec[list];
    const listPath = `${pod.path}.${list}`;
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) {
      c.report(listPath, items, { message: `must be a list, but is ${typeName(items)}`, allowed: 'a list of containers', fix: `write ${list}: [{ name: …, image: … }]` });
      continue;
    }
    items.forEach((x: unknown, i: number) => {
      const p = `${listPath}[${i}]`;
      if (!isObject(x)) {
        c.report(p, x, { message: `must be a container, but is ${typeName(x)}`, allowed: 'an object with name, image and ports', fix: 'write { name: …, image: …, ports: [ … ] }' });
        return;
      }
      if (x.ports === undefined || x.ports === null) return;
      if (list === 'ephemeralContainers') {
        c.report(`${p}.ports`, x.ports, { message: 'may not be set on an ephemeral container', allowed: 'no ports on ephemeral containers', fix: 'remove ports' });
        return;
      }
      // A sidecar (an init container that keeps running) serves its ports; a regular one has exited.
      const sidecar = list === 'initContainers' && x.restartPolicy === 'Always';
      if (list === 'initContainers' && x.restartPolicy != null && x.restartPolicy !== 'Always') {
        v.oneOf(['Always'] as const).check(x.restartPolicy, `${p}.restartPolicy`, c);
      }
      const before = c.issues.length;
      containerPorts.check(x.ports, `${p}.ports`, c);
      if (c.issues.length > before) return;
      for (const cp of x.ports as ContainerPortJson[]) {
        const port: PortOf = { ...(cp.name !== undefined ? { name: cp.name } : {}), port: cp.containerPort, protocol: cp.protocol ?? 'TCP' };
        ports.push(port);
        if (list === 'containers' || sidecar) served.push(port);
      }
    });
  }
  report(c);
  if (c.issues.length > 0) return undefined;
  return { workload: { kind, name, namespace, labels: { ...pod.labels }, ports }, servicePorts: served };
}
