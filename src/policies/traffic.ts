import { BlockList, isIP } from 'net';
import { DEFAULTS } from '../core/defaults';
import { fail, isConstruct, issueOf, TimonelError } from '../core/errors';
import type { IConstruct } from 'constructs';
import { closest, Context, knownKeys } from '../core/validation';
import { LABELS } from '../core/labels';
import { IngressControllerRef } from '../core/traffic';
import { isPodKind, POD_KINDS, selectorMatches } from './model';
import { EgressRuleJson, IngressRuleJson, IpBlockJson, labelMap, PeerJson, Policy, PortJson, PortOf, readTrafficManifests, ServiceOf } from './traffic-manifests';

/** A transport protocol NetworkPolicies know. */
export type TrafficProtocol = 'TCP' | 'UDP' | 'SCTP';

/**
 * A pod, by namespace and labels. When the labels match the pod template of exactly one
 * workload of the manifests in that namespace, the pod is that workload's (its full labels and
 * named ports are used), so selector labels are enough.
 */
export interface TrafficPod {
  /** @default - the evaluator's `defaultNamespace` */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The pod's IP, for `ipBlock` rules (pods match only pod and namespace selectors without it). @default - none */
  readonly ip?: string;
}

/** The pods of a workload of the manifests, by its name (the Deployment's, the StatefulSet's, ...). */
export interface TrafficWorkloadRef {
  /**
   * The workload's Kubernetes name ('shop-web'), or 'namespace/name' ('shop/shop-web'). Where two
   * kinds of a namespace share the name (a Deployment and a StatefulSet 'x'), the name alone is an
   * error: write the kind before it, 'StatefulSet/x' or 'ops/StatefulSet/x'. A Job named with its
   * spec hash ('shop-migrate-a1fd6ce9') is also found by the name without it ('shop-migrate').
   */
  readonly workload: string;
  /** @default - the evaluator's `defaultNamespace` */
  readonly namespace?: string;
  /** The pod's IP, for `ipBlock` rules (as a `TrafficPod`'s). @default - none */
  readonly ip?: string;
}

/** An address that is not a pod: a client on the internet, an external API, a node. */
export interface TrafficAddress {
  /** An IPv4 or IPv6 address. */
  readonly ip: string;
}

/**
 * One end of a connection. An `IngressControllerRef` (`{ namespace, podLabels }`, the shape of
 * `DEFAULTS.traffic.ingressController` and of `traffic` settings) is a pod with those labels.
 */
export type TrafficPeer = TrafficPod | TrafficWorkloadRef | TrafficAddress | IngressControllerRef;

/** One connection attempt: from a source to a destination on a port. */
export interface TrafficQuery {
  readonly from: TrafficPeer;
  readonly to: TrafficPeer;
  /**
   * The destination port: a number, or the name of a container port of the destination pod. A
   * number that is no container port of the destination but a port of a Service selecting its
   * pods is that Service port's target port (what a client dialling the Service reaches): a named
   * `targetPort` is looked up in the pod's containers and sidecars (init containers with
   * `restartPolicy: Always`), as Kubernetes does. When Services of the pod send the port to
   * different target ports, or to none of the pod's, the query is an error asking for the
   * container port.
   */
  readonly port: number | string;
  /** @default 'TCP' */
  readonly protocol?: TrafficProtocol;
}

/** What the NetworkPolicies of one side (the source's egress, the destination's ingress) decide. */
export interface TrafficSide {
  /** False when this end is an address, not a pod: no NetworkPolicy applies to it. */
  readonly applies: boolean;
  /** True when some NetworkPolicy selects the pod for this direction (so only what they allow passes). */
  readonly isolated: boolean;
  readonly allowed: boolean;
  /** The policies that isolate the pod, as `namespace/name`. */
  readonly isolatedBy: readonly string[];
  /** The rules that allow the traffic, as `namespace/name egress[0]`. */
  readonly allowedBy: readonly string[];
}

/** The answer to a query, with its reasons. */
export interface TrafficVerdict {
  readonly allowed: boolean;
  /** The source's egress. */
  readonly egress: TrafficSide;
  /** The destination's ingress. */
  readonly ingress: TrafficSide;
  /** One line: the decision and the policies behind it on each side. */
  readonly explanation: string;
}

/** A workload of the manifests, as the evaluator sees its pods. */
export interface TrafficWorkload {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The pod template's labels. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The container ports of the pod: of all its containers, init containers included, on which a
   * NetworkPolicy's named port is matched (Kubernetes leaves that to the network plugin). A
   * Service's named `targetPort` resolves only on containers and sidecars (init containers with
   * `restartPolicy: Always`), as Kubernetes resolves it.
   */
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly port: number; readonly protocol: TrafficProtocol }>;
}

/** Options of `TrafficEvaluator.fromManifests`. */
export interface TrafficEvaluatorOptions {
  /** The namespace of objects and pods that name none (what kubectl would apply them to). @default 'default' */
  readonly defaultNamespace?: string;
  /**
   * Labels of namespaces, for `namespaceSelector`s. Every namespace also has
   * `kubernetes.io/metadata.name: <its name>`; Namespace objects in the manifests add theirs.
   * @default - none beyond those
   */
  readonly namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

interface Peer {
  readonly kind: 'pod' | 'address';
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ip?: string;
  readonly workload?: TrafficWorkload;
  readonly display: string;
}

const PROTOCOLS: readonly TrafficProtocol[] = ['TCP', 'UDP', 'SCTP'];
const PEER_KEYS = ['workload', 'namespace', 'labels', 'podLabels', 'ip'];
const QUERY_KEYS = ['from', 'to', 'port', 'protocol'];
/** How many workloads an error lists before 'and N more'. */
const MAX_LISTED = 12;
const WORKLOAD_ALLOWED = "'namespace/name', or 'name' (in the namespace given, else the default one); 'Kind/name' or 'namespace/Kind/name' where two kinds share the name";

/**
 * Answers which sources may reach which pods on which port, by the networking.k8s.io/v1
 * NetworkPolicy rules: a pod is isolated for ingress (egress) when some policy of its namespace
 * selects it with that policy type; an isolated pod admits (sends) only what the union of those
 * policies' rules allows; a connection needs both the source's egress and the destination's
 * ingress. `ipBlock`s match addresses only (a pod matches them only when given an `ip`).
 *
 * ```ts
 * const traffic = TrafficEvaluator.fromManifests(Testing.synth(chart));
 * traffic.allows({ from: { workload: 'shop-web', namespace: 'shop' }, to: { workload: 'shop-api', namespace: 'shop' }, port: 'http' });
 * traffic.check({ from: { ip: '203.0.113.7' }, to: { workload: 'shop-web', namespace: 'shop' }, port: 3000 }).explanation;
 * ```
 */
export class TrafficEvaluator {
  /**
   * Reads the NetworkPolicies, Services, workloads and Namespaces of synthesized manifests (other
   * kinds are ignored): `Testing.synth(chart)`, the files of `app.render()` (their `docs`), or
   * parsed YAML, where a `List` (`kubectl get … -o yaml`) stands for its items and a `null` (an
   * empty document) for nothing. They are checked as the API server checks them: a NetworkPolicy
   * field by field (an unknown or misspelt field, a bad port, selector or CIDR), of the other kinds
   * the fields the evaluator reads, and two objects of one kind, namespace and name. One
   * `TimonelError` lists every problem, each with its object (`NetworkPolicy shop/api-in (manifests[3])`).
   */
  public static fromManifests(manifests: readonly unknown[], options: TrafficEvaluatorOptions = {}): TrafficEvaluator {
    return new TrafficEvaluator(manifests, options);
  }

  /** Every workload (pod-bearing object) of the manifests. */
  public readonly workloads: readonly TrafficWorkload[];
  private readonly defaultNamespace: string;
  /** namespace -> its NetworkPolicies, its Services and its workloads, in manifest order: a query reads its namespaces only. */
  private readonly policies: ReadonlyMap<string, readonly Policy[]>;
  private readonly services: ReadonlyMap<string, readonly ServiceOf[]>;
  private readonly inNamespace: ReadonlyMap<string, readonly TrafficWorkload[]>;
  private readonly servicePorts: ReadonlyMap<TrafficWorkload, readonly PortOf[]>;
  private readonly namespaceLabels: Map<string, Record<string, string>>;
  /** namespace -> name -> the workloads of that name (several when kinds share it). */
  private readonly byName = new Map<string, Map<string, TrafficWorkload[]>>();
  // Parsed CIDRs of this evaluator's queries.
  private readonly blocks: Blocks = new Map();

  private constructor(manifests: readonly unknown[], options: TrafficEvaluatorOptions) {
    const model = readTrafficManifests(manifests, options);
    this.defaultNamespace = model.defaultNamespace;
    this.workloads = model.workloads;
    this.policies = byNamespace(model.policies);
    this.services = byNamespace(model.services);
    this.inNamespace = byNamespace(model.workloads);
    this.servicePorts = model.servicePorts;
    this.namespaceLabels = model.namespaceLabels;
    for (const w of this.workloads) {
      let names = this.byName.get(w.namespace);
      if (!names) this.byName.set(w.namespace, (names = new Map()));
      const same = names.get(w.name);
      if (same) same.push(w);
      else names.set(w.name, [w]);
    }
  }

  /** True when `query.from` may open a connection to `query.to` on the port (both sides' policies agree). */
  public allows(query: TrafficQuery): boolean {
    return atCall('TrafficEvaluator.allows', () => this.decide(query).allowed);
  }

  /** The decision for one connection, with the policies behind it. */
  public check(query: TrafficQuery): TrafficVerdict {
    return atCall('TrafficEvaluator.check', () => this.decide(query));
  }

  private decide(query: TrafficQuery): TrafficVerdict {
    if (query === null || typeof query !== 'object' || Array.isArray(query)) {
      fail({
        prop: 'query', message: 'must be an object { from, to, port, protocol? }', value: query,
        allowed: 'an object { from, to, port, protocol? }', fix: "e.g. check({ from: { workload: 'shop-web', namespace: 'shop' }, to: { workload: 'shop-db', namespace: 'shop' }, port: 5432 })",
      });
    }
    // A misspelt key would answer another question ({ protcol: 'UDP' } is a TCP query).
    unknownKeys(query, QUERY_KEYS, '', 'a traffic query');
    const protocol = query.protocol ?? 'TCP';
    if (!PROTOCOLS.includes(protocol)) {
      fail({ prop: 'protocol', message: 'is not a NetworkPolicy protocol', value: protocol, allowed: PROTOCOLS.join(', '), fix: typeof protocol === 'string' && PROTOCOLS.includes(protocol.toUpperCase() as TrafficProtocol) ? `write '${protocol.toUpperCase()}'` : "leave it out for 'TCP', or write 'UDP' or 'SCTP'" });
    }
    const from = this.peer(query.from, 'from');
    const to = this.peer(query.to, 'to');
    const port = this.portOf(query.port, to, protocol);
    const egress = this.side(from, 'Egress', (rule) => peersMatch(rule.to, to, this, from.namespace, this.blocks) && portsMatch(rule.ports, port, protocol, to));
    const ingress = this.side(to, 'Ingress', (rule) => peersMatch(rule.from, from, this, to.namespace, this.blocks) && portsMatch(rule.ports, port, protocol, to));
    const allowed = egress.allowed && ingress.allowed;
    const shown = port.via ?? (typeof query.port === 'string' ? `${query.port} (${port.number ?? '?'})` : `${port.number}`);
    const target = `${from.display} -> ${to.display} on ${shown}/${protocol}`;
    const explanation = `${target} is ${allowed ? 'allowed' : 'denied'}: `
      + `egress ${describeSide(egress, from, 'Egress')}; ingress ${describeSide(ingress, to, 'Ingress')}`;
    return { allowed, egress, ingress, explanation };
  }

  /**
   * The pods of a workload of the manifests, as a peer (its full labels); `name` may be
   * 'namespace/name', and 'Kind/name' or 'namespace/Kind/name' where two kinds share the name.
   */
  public workload(name: string, namespace?: string): TrafficPod {
    return atCall('TrafficEvaluator.workload', () => this.podsOf(name, namespace));
  }

  private podsOf(name: string, namespace?: string): TrafficPod {
    if (typeof name !== 'string' || name === '') {
      const ref = name as unknown as { workload?: unknown; namespace?: unknown } | undefined;
      const inner = ref !== null && typeof ref === 'object' && typeof ref.workload === 'string' ? ref.workload : undefined;
      fail({
        prop: 'workload', message: 'must be the name of a workload of the manifests', value: name, allowed: WORKLOAD_ALLOWED,
        fix: inner !== undefined
          ? `pass the name itself: workload('${inner}'${typeof ref!.namespace === 'string' ? `, '${ref!.namespace}'` : ''})`
          : "e.g. workload('shop/shop-web'), or workload('shop-web', 'shop')",
      });
    }
    if (namespace !== undefined && (typeof namespace !== 'string' || namespace === '')) {
      fail({ prop: 'namespace', message: 'must be a namespace name', value: namespace, allowed: 'a namespace name, or nothing for the default namespace', fix: `e.g. workload('${name}', 'shop')` });
    }
    const w = this.findWorkload(name, namespace, 'workload');
    return { namespace: w.namespace, labels: { ...w.labels } };
  }

  /** The labels of a namespace, as `namespaceSelector`s see them. */
  public labelsOfNamespace(namespace: string): Record<string, string> {
    if (typeof namespace !== 'string' || namespace === '') {
      fail({ path: 'TrafficEvaluator.labelsOfNamespace', prop: 'namespace', message: 'must be a namespace name', value: namespace, allowed: 'a namespace name', fix: "e.g. labelsOfNamespace('shop')" });
    }
    return { ...this.namespaceLabels.get(namespace), [DEFAULTS.connections.namespaceNameLabel]: namespace };
  }

  /**
   * A workload by its name ('shop-web', in `namespace` or the default one), 'namespace/name', or
   * with its kind where kinds share the name ('StatefulSet/x', 'ops/StatefulSet/x').
   */
  private findWorkload(ref: string, given: string | undefined, prop: string): TrafficWorkload {
    const parts = ref.split('/');
    const kindAt = parts.length === 3 ? 1 : parts.length === 2 && /^[A-Z]/.test(parts[0]) ? 0 : -1;
    const kind = kindAt >= 0 ? parts[kindAt] : undefined;
    const name = parts[parts.length - 1];
    const inRef = parts.length === 3 || (parts.length === 2 && kindAt < 0) ? parts[0] : undefined;
    if (parts.length > 3 || parts.some((x) => x === '')) {
      fail({ prop, message: 'is not a workload name', value: ref, allowed: WORKLOAD_ALLOWED, fix: "e.g. 'shop/shop-web', or 'shop/StatefulSet/shop-db' where kinds share the name" });
    }
    if (kind !== undefined && !isPodKind(kind)) {
      const near = closest(kind, POD_KINDS);
      fail({ prop, message: `names the kind '${kind}', which has no pods`, value: ref, allowed: POD_KINDS.join(', '), fix: near ? `did you mean '${near}'?` : 'name the kind of the workload whose pods you mean' });
    }
    const namespace = inRef ?? given ?? this.defaultNamespace;
    if (inRef !== undefined && given !== undefined && given !== inRef) {
      const rest = parts.slice(1).join('/');
      fail({ prop, message: `names namespace '${inRef}', but the peer's namespace is '${given}'`, value: ref, allowed: `'${rest}' with one namespace: '${given}' as namespace, or '${inRef}/${rest}'`, fix: `write { workload: '${rest}', namespace: '${given}' } or '${inRef}/${rest}', not both` });
    }
    const named = this.byName.get(namespace)?.get(name) ?? [];
    let found = kind === undefined ? named : named.filter((w) => w.kind === kind);
    // A Job whose name carries a hash of its spec ('shop-migrate-a1fd6ce9', a Migration's or a
    // one-off BatchJob's) by the name without it, its instance label, which stays from release to release.
    if (found.length === 0) found = this.hashedJobs(namespace, name).filter((w) => kind === undefined || w.kind === kind);
    if (found.length > 1) {
      const forms = found.map((w) => `'${namespace}/${w.kind}/${name}'`);
      fail({
        prop, message: `names ${found.length} workloads in namespace '${namespace}' (${found.map((w) => `${w.kind} ${name}`).join(', ')}), whose pods differ`, value: ref,
        allowed: forms.join(', '), fix: `name the kind: ${forms.join(' or ')}, or { workload: '${found[0].kind}/${name}', namespace: '${namespace}' }`,
      });
    }
    if (found.length === 0) {
      const known = this.workloads.map((x) => this.refOf(x));
      if (known.length > MAX_LISTED) {
        // A large platform: the closest name and the query's namespace first, then cut.
        const near = closest(`${namespace}/${name}`, known);
        const ordered = [...new Set([...(near ? [near] : []), ...known.filter((r) => r.startsWith(`${namespace}/`)), ...known])];
        known.splice(0, known.length, ...ordered.slice(0, MAX_LISTED), `and ${ordered.length - MAX_LISTED} more`);
      }
      const elsewhere = this.workloads.filter((x) => x.name === name && (kind === undefined || x.kind === kind)).map((x) => x.namespace);
      const option = `the option defaultNamespace: '${elsewhere[0]}' (for names without a namespace)`;
      const otherKinds = named.map((w) => `'${namespace}/${w.kind}/${name}'`);
      fail({
        prop, message: `names no ${kind ?? 'workload'} of the manifests in namespace '${namespace}'`, value: ref,
        allowed: known.length ? `${known.join(', ')} (as 'namespace/name', or { workload, namespace })` : 'none: the manifests have no workloads',
        fix: otherKinds.length ? `it is ${named.map((w) => `a ${w.kind}`).join(' and ')}: write ${otherKinds.join(' or ')}`
          : elsewhere.length
            ? `it is in namespace ${elsewhere.map((n) => `'${n}'`).join(' and ')}: write '${elsewhere[0]}/${parts.slice(parts.length - (kind ? 2 : 1)).join('/')}' or { workload: '${parts.slice(parts.length - (kind ? 2 : 1)).join('/')}', namespace: '${elsewhere[0]}' }, or pass ${option}`
            : `use the Kubernetes name of a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod: '<namespace>/<name>' as listed, or { workload: '<name>', namespace: '<namespace>' }; a name without a namespace is looked up in '${this.defaultNamespace}' (the option defaultNamespace)`,
      });
    }
    return found[0];
  }

  /** The Jobs of `namespace` named `<name>-<hash>` whose pods carry `app.kubernetes.io/instance: <name>`. */
  private hashedJobs(namespace: string, name: string): TrafficWorkload[] {
    return (this.inNamespace.get(namespace) ?? []).filter((w) => w.kind === 'Job' && w.labels[LABELS.instance] === name
      && w.name.length === name.length + 1 + DEFAULTS.names.hashLength && w.name.startsWith(`${name}-`) && /^[0-9a-f]+$/.test(w.name.slice(name.length + 1)));
  }

  /** A workload as a query names it: 'namespace/name', or 'namespace/Kind/name' where kinds share the name. */
  private refOf(w: TrafficWorkload): string {
    return `${w.namespace}/${this.nameIn(w)}`;
  }

  /** A workload's name in its namespace: 'name', or 'Kind/name' where kinds share it. */
  private nameIn(w: TrafficWorkload): string {
    return (this.byName.get(w.namespace)?.get(w.name)?.length ?? 0) > 1 ? `${w.kind}/${w.name}` : w.name;
  }

  private peer(p: TrafficPeer, prop: string): Peer {
    const given = p as Partial<TrafficPod & TrafficWorkloadRef & TrafficAddress & IngressControllerRef> | undefined;
    // The evaluator reads manifests, not constructs: a workload is its Kubernetes name.
    if (isConstruct(given)) {
      const construct = given as IConstruct & { name?: unknown; namespace?: unknown };
      const ref = typeof construct.name === 'string'
        ? `{ workload: '${construct.name}'${typeof construct.namespace === 'string' ? `, namespace: '${construct.namespace}'` : ''} }`
        : "{ workload: '<its Kubernetes name>', namespace: '<namespace>' }";
      fail({
        prop, message: 'is a construct, but the evaluator reads manifests: a peer is a workload by its Kubernetes name, pod labels or an address', value: construct.node.path,
        allowed: 'a peer from the manifests: { workload, namespace? }, { labels, namespace? } or { ip }', fix: `write ${ref}, or use timonel/testing's toAllowTraffic matcher, which takes constructs`,
      });
    }
    const x = given !== null && typeof given === 'object' && !Array.isArray(given) ? given : undefined;
    if (x) {
      // A misspelt key would silently widen the peer ({ namespce: 'ops' } is the default namespace).
      unknownKeys(x, PEER_KEYS, `${prop}.`, 'a traffic peer');
      checkPeerFields(x, prop);
    }
    // A controller ref ({ namespace, podLabels }) is the pods those labels select.
    const labels = x?.labels ?? x?.podLabels;
    if (x && x.workload !== undefined) {
      const w = this.findWorkload(x.workload, x.namespace, `${prop}.workload`);
      if (x.ip !== undefined) checkIp(x.ip, `${prop}.ip`);
      return { kind: 'pod', namespace: w.namespace, labels: { ...w.labels }, ip: x.ip, workload: w, display: this.refOf(w) };
    }
    if (x && labels !== undefined) {
      const namespace = x.namespace ?? this.defaultNamespace;
      if (x.ip !== undefined) checkIp(x.ip, `${prop}.ip`);
      const owners = (this.inNamespace.get(namespace) ?? []).filter((w) => selectorMatches(labels, w.labels as Record<string, string>));
      if (owners.length > 1) {
        fail({
          prop: `${prop}.${x.labels !== undefined ? 'labels' : 'podLabels'}`, message: `match the pods of several workloads in namespace '${namespace}'`, value: labels,
          allowed: owners.map((w) => this.nameIn(w)).join(', '), fix: `name one: { workload: '${this.nameIn(owners[0])}', namespace: '${namespace}' }`,
        });
      }
      const w = owners[0];
      const all = w ? { ...w.labels, ...labels } : { ...labels };
      const display = w ? this.refOf(w) : `pod ${namespace}/{${Object.entries(all).map(([k, v]) => `${k}=${v}`).join(',')}}`;
      return { kind: 'pod', namespace, labels: all, ip: x.ip, workload: w, display };
    }
    if (x && x.ip !== undefined) {
      checkIp(x.ip, `${prop}.ip`);
      return { kind: 'address', namespace: '', labels: {}, ip: x.ip, display: x.ip };
    }
    return fail({
      prop, message: 'is not a peer', value: p,
      allowed: "{ workload, namespace?, ip? }, { namespace?, labels, ip? }, { namespace, podLabels } or { ip }",
      fix: typeof p === 'string' && p !== ''
        ? (isIP(p) ? `write { ip: '${p}' }` : `write { workload: '${p}' } (with namespace: '…' when it is not the default one)`)
        : "e.g. { workload: 'shop-api', namespace: 'shop' } or { ip: '203.0.113.7' }",
    });
  }

  private portOf(port: number | string, to: Peer, protocol: TrafficProtocol): { number?: number; name?: string; via?: string } {
    if (typeof port !== 'number' && typeof port !== 'string') {
      fail({ prop: 'port', message: 'is required: the destination port the client dials', value: port, allowed: 'an integer from 1 to 65535, or a named container port of the destination', fix: 'add port, e.g. port: 8080' });
    }
    if (typeof port === 'string' && /^\d+$/.test(port)) {
      fail({ prop: 'port', message: 'is a number written as a string', value: port, allowed: 'an integer from 1 to 65535, or a named container port of the destination', fix: `write it as a number: port: ${Number(port)}` });
    }
    if (typeof port === 'number') {
      if (!Number.isInteger(port) || port < 1 || port > 65535) fail({ prop: 'port', message: 'must be a port number or name', value: port, allowed: 'an integer from 1 to 65535, or a named container port of the destination', fix: Number.isNaN(port) ? 'NaN often comes from Number() of an unset variable: give the port the pod listens on' : 'give the port the destination pod listens on, e.g. 8080, or its name, e.g. \'http\'' });
      const w = to.workload;
      if (w && !w.ports.some((p) => p.port === port && p.protocol === protocol)) {
        const via = this.servicePort(port, to, protocol);
        if (via) return via;
      }
      const named = w?.ports.find((p) => p.port === port && p.protocol === protocol && p.name);
      return { number: port, name: named?.name };
    }
    const named = to.workload?.ports.find((p) => p.name === port && p.protocol === protocol);
    if (!named) {
      const names = (to.workload?.ports ?? []).filter((p) => p.name).map((p) => `'${p.name}' (${p.port}/${p.protocol})`);
      fail({
        prop: 'port', message: `is not a named ${protocol} port of ${to.display}`, value: port,
        allowed: names.length ? names.join(', ') : 'a port number (the destination has no named ports)',
        fix: 'pass the port number, or the name of a container port of the destination workload',
      });
    }
    return { number: named.port, name: port };
  }

  /**
   * A Service port of the destination's pods, as the target port the connection reaches (a named
   * targetPort as Kubernetes' FindPort resolves it: on containers and sidecars). Every Service of
   * the pods with that port must reach the same target: otherwise the answer depends on which one
   * the client dials, and the query is an error.
   */
  private servicePort(port: number, to: Peer, protocol: TrafficProtocol): { number?: number; name?: string; via: string } | undefined {
    const served = to.workload ? this.servicePorts.get(to.workload) ?? [] : undefined;
    const mapped: Array<{ svc: string; targetPort: number | string; target?: number }> = [];
    for (const svc of this.services.get(to.namespace) ?? []) {
      if (!selectorMatches(svc.selector, to.labels)) continue;
      for (const sp of svc.ports) {
        if (sp.port !== port || sp.protocol !== protocol) continue;
        const target = typeof sp.targetPort === 'number' ? sp.targetPort : served?.find((x) => x.name === sp.targetPort && x.protocol === protocol)?.port;
        mapped.push({ svc: `${svc.namespace}/${svc.name}`, targetPort: sp.targetPort, target });
      }
    }
    if (mapped.length === 0) return undefined;
    const targets = [...new Set(mapped.map((m) => m.target))];
    if (targets.length === 1 && targets[0] !== undefined) {
      const number = targets[0];
      const services = mapped.map((m) => m.svc);
      return {
        number, name: to.workload?.ports.find((x) => x.port === number && x.protocol === protocol && x.name)?.name,
        via: `${port} (Service${services.length > 1 ? 's' : ''} ${services.join(', ')} -> ${number})`,
      };
    }
    const reaches = (m: typeof mapped[number]) => (m.target !== undefined ? `${m.svc} -> ${m.target}` : `${m.svc} -> none (targetPort '${m.targetPort}' names no port of a container or sidecar of the pods${to.workload ? '' : ', which the manifests do not declare'})`);
    const reached = targets.filter((t): t is number => t !== undefined);
    const ports = (to.workload?.ports ?? []).map((x) => `${x.port}/${x.protocol}${x.name ? ` ('${x.name}')` : ''}`);
    return fail({
      prop: 'port',
      message: mapped.length === 1
        ? `is port ${port}/${protocol} of Service ${mapped[0].svc}, which sends it to no port of ${to.display}: its targetPort '${mapped[0].targetPort}' names no port of a container or sidecar of the pods${to.workload ? ' (a regular init container has exited before the pod serves)' : ', which the manifests do not declare'}`
        : `is port ${port}/${protocol} of several Services of ${to.display} that send it to different ports: ${mapped.map(reaches).join('; ')}`,
      value: port,
      allowed: reached.length ? `the container port the connection reaches: ${reached.join(' or ')}` : `a container port of ${to.display}${ports.length ? `: ${ports.join(', ')}` : ''}`,
      fix: reached.length
        ? `ask for the target port of the Service the client dials, e.g. port: ${reached[0]} (${mapped.filter((m) => m.target === reached[0]).map((m) => m.svc).join(', ')})`
        : `ask for the container port the client reaches${ports.length ? `, e.g. port: ${ports[0].split('/')[0]}` : ''}, or make the Service's targetPort name a port of a container`,
    });
  }

  private side(pod: Peer, type: 'Ingress' | 'Egress', ruleAllows: (rule: IngressRuleJson & EgressRuleJson) => boolean): TrafficSide {
    if (pod.kind !== 'pod') return { applies: false, isolated: false, allowed: true, isolatedBy: [], allowedBy: [] };
    const selecting = (this.policies.get(pod.namespace) ?? []).filter((p) => p.types.has(type) && selectorMatches(p.podSelector, pod.labels));
    if (selecting.length === 0) return { applies: true, isolated: false, allowed: true, isolatedBy: [], allowedBy: [] };
    const allowedBy: string[] = [];
    const key = type === 'Ingress' ? 'ingress' : 'egress';
    for (const p of selecting) {
      p[key].forEach((rule, i) => {
        if (ruleAllows(rule ?? {})) allowedBy.push(`${p.id} ${key}[${i}]`);
      });
    }
    return { applies: true, isolated: true, allowed: allowedBy.length > 0, isolatedBy: selecting.map((p) => p.id), allowedBy };
  }
}

// An empty or missing peer list matches every source (destination), addresses included.
function peersMatch(peers: ReadonlyArray<PeerJson | null> | undefined, other: Peer, ev: TrafficEvaluator, policyNamespace: string, blocks: Blocks): boolean {
  if (!peers || peers.length === 0) return true;
  // (the manifests were checked: every peer has an ipBlock or a selector)
  return peers.some((p) => p !== null && peerMatches(p, other, ev, policyNamespace, blocks));
}

function peerMatches(p: PeerJson, other: Peer, ev: TrafficEvaluator, policyNamespace: string, blocks: Blocks): boolean {
  if (p.ipBlock) return other.ip !== undefined && inBlock(p.ipBlock, other.ip, blocks);
  if (other.kind !== 'pod') return false;
  const nsOk = p.namespaceSelector !== undefined ? selectorMatches(p.namespaceSelector, ev.labelsOfNamespace(other.namespace)) : other.namespace === policyNamespace;
  return nsOk && (p.podSelector === undefined || selectorMatches(p.podSelector, other.labels));
}

// An empty or missing port list matches every port; a named port matches the destination pod's port of that name.
function portsMatch(ports: ReadonlyArray<PortJson | null> | undefined, port: { number?: number; name?: string }, protocol: TrafficProtocol, to: Peer): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((raw) => {
    const p: PortJson = raw ?? {};
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      if (port.name === p.port) return true;
      return to.workload?.ports.some((x) => x.name === p.port && x.protocol === protocol && x.port === port.number) ?? false;
    }
    const end = p.endPort ?? p.port;
    return port.number !== undefined && port.number >= p.port && port.number <= end;
  });
}

/** Parsed CIDRs (null: not a CIDR), one map per evaluator (bounded, whatever the input). */
type Blocks = Map<string, { list: BlockList; family: number } | null>;

function inBlock(ipBlock: IpBlockJson, ip: string, blocks: Blocks): boolean {
  const family = isIP(ip);
  const within = (cidr: unknown) => {
    if (typeof cidr !== 'string') return false;
    let block = blocks.get(cidr);
    if (block === undefined) {
      block = null;
      const [addr, bits] = cidr.split('/');
      const f = isIP(addr);
      const prefix = Number(bits);
      if (f && bits !== undefined && Number.isInteger(prefix) && prefix >= 0 && prefix <= (f === 4 ? 32 : 128)) {
        const list = new BlockList();
        list.addSubnet(addr, prefix, f === 4 ? 'ipv4' : 'ipv6');
        block = { list, family: f };
      }
      if (blocks.size >= 10_000) blocks.clear();
      blocks.set(cidr, block);
    }
    return block !== null && block.family === family && block.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
  if (!within(ipBlock.cidr)) return false;
  return !(Array.isArray(ipBlock.except) && ipBlock.except.some(within));
}

function checkIp(ip: unknown, prop: string): void {
  if (typeof ip !== 'string' || !isIP(ip)) fail({ prop, message: 'is not an IP address', value: ip, allowed: "an IPv4 or IPv6 address such as '203.0.113.7' or '2001:db8::7'", fix: typeof ip === 'string' && ip.includes('/') ? `write one address of the range, e.g. '${ip.split('/')[0]}'` : 'write one address, without a port or a scheme' });
}

function describeSide(s: TrafficSide, peer: Peer, type: 'Ingress' | 'Egress'): string {
  const dir = type === 'Egress' ? 'of the source' : 'of the destination';
  if (!s.applies) return `${dir} not checked (${peer.display} is an address, not a pod)`;
  if (!s.isolated) return `of ${peer.display} is open (no NetworkPolicy selects it for ${type})`;
  if (s.allowed) return `of ${peer.display} allowed by ${s.allowedBy.join(', ')}`;
  return `of ${peer.display} isolated by ${s.isolatedBy.join(', ')}, and no rule of them matches`;
}

/** Fails on a key of `x` that is not one of `keys` (a misspelt one answers another question). */
function unknownKeys(x: object, keys: readonly string[], prefix: string, what: string): void {
  for (const [key, value] of Object.entries(x)) {
    if (keys.includes(key) || value === undefined) continue;
    const near = closest(key, keys);
    fail({ prop: `${prefix}${key}`, message: `is not a field of ${what}`, value, allowed: knownKeys(key, keys), fix: near ? `did you mean '${near}'?` : 'remove it' });
  }
}

/** The fields of a peer that go together, each of its type (an ignored field would answer another question). */
function checkPeerFields(x: Partial<TrafficPod & TrafficWorkloadRef & IngressControllerRef>, prop: string): void {
  const has = (k: keyof typeof x) => x[k] !== undefined;
  if (has('labels') && has('podLabels')) {
    fail({ prop: `${prop}.podLabels`, message: "is given with 'labels': both are the pods' labels (podLabels is their name in a controller reference)", value: x.podLabels, allowed: "one of 'labels' and 'podLabels'", fix: 'keep one of them' });
  }
  const labelsKey = has('labels') ? 'labels' : 'podLabels';
  if (has('workload') && (has('labels') || has('podLabels'))) {
    fail({
      prop: `${prop}.${labelsKey}`, message: "is given with 'workload', whose pods have their own labels", value: x[labelsKey],
      allowed: "'workload' or 'labels', not both", fix: "write { workload, namespace? } for a workload's pods, or { namespace, labels } for pods by their labels",
    });
  }
  if (has('workload') && typeof x.workload !== 'string') {
    fail({ prop: `${prop}.workload`, message: 'must be the name of a workload of the manifests', value: x.workload, allowed: WORKLOAD_ALLOWED, fix: "e.g. { workload: 'shop-web', namespace: 'shop' }" });
  }
  if (has('namespace') && (typeof x.namespace !== 'string' || x.namespace === '')) {
    fail({ prop: `${prop}.namespace`, message: 'must be a namespace name', value: x.namespace, allowed: 'a namespace name', fix: "e.g. namespace: 'shop'" });
  }
  if (has('labels') || has('podLabels')) {
    const c = new Context();
    labelMap.check(x[labelsKey], `${prop}.${labelsKey}`, c);
    const error = TimonelError.all({}, c.issues);
    if (error) throw error;
  }
  if (has('ip') && has('namespace') && !has('workload') && !has('labels') && !has('podLabels')) {
    fail({
      prop: `${prop}.namespace`, message: 'is given with an address, which is in no namespace', value: x.namespace,
      allowed: '{ ip } for an address; { namespace, labels, ip } or { workload, namespace, ip } for a pod with that address', fix: "remove namespace, or name the pod's workload or labels",
    });
  }
}

/** Runs a query of `call`, naming the call in an error that names none (`[TrafficEvaluator.check] 'to.workload' …`). */
function atCall<T>(call: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TimonelError) || e.path !== undefined) throw e;
    throw new TimonelError({ path: call, ...issueOf(e), ...(e.problems.length > 1 ? { problems: e.problems } : {}) });
  }
}

/** Items grouped by namespace, each group in the items' order. */
function byNamespace<T extends { readonly namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.namespace);
    if (group) group.push(item);
    else groups.set(item.namespace, [item]);
  }
  return groups;
}
