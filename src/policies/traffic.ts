import { BlockList, isIP } from 'net';
import { DEFAULTS } from '../core/defaults';
import { fail, isConstruct } from '../core/errors';
import type { IConstruct } from 'constructs';
import { closest } from '../core/validation';
import { IngressControllerRef } from '../core/traffic';
import { isPodKind, selectorMatches, toPolicyObject } from './model';

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
  /** The workload's Kubernetes name ('shop-web'), or 'namespace/name' ('shop/shop-web'). */
  readonly workload: string;
  /** @default - the evaluator's `defaultNamespace` */
  readonly namespace?: string;
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
   * pods is that Service port's target port (what a client dialling the Service reaches).
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
  /** The container ports of the pod (all containers). */
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

interface ServiceOf {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly ports: ReadonlyArray<{ readonly port: number; readonly targetPort: number | string; readonly protocol: TrafficProtocol }>;
}

interface Policy {
  readonly id: string;
  readonly namespace: string;
  readonly podSelector: unknown;
  readonly types: ReadonlySet<'Ingress' | 'Egress'>;
  readonly ingress: readonly any[];
  readonly egress: readonly any[];
}

const PROTOCOLS: readonly TrafficProtocol[] = ['TCP', 'UDP', 'SCTP'];
const PEER_KEYS = ['workload', 'namespace', 'labels', 'podLabels', 'ip'];

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
   * kinds are ignored): `Testing.synth(chart)`, or the files of `app.render()` (their `docs`).
   */
  public static fromManifests(manifests: readonly unknown[], options: TrafficEvaluatorOptions = {}): TrafficEvaluator {
    return new TrafficEvaluator(manifests, options);
  }

  /** Every workload (pod-bearing object) of the manifests. */
  public readonly workloads: readonly TrafficWorkload[];
  private readonly defaultNamespace: string;
  private readonly policies: readonly Policy[];
  private readonly services: readonly ServiceOf[];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  // Parsed CIDRs of this evaluator's queries.
  private readonly blocks: Blocks = new Map();

  private constructor(manifests: readonly unknown[], options: TrafficEvaluatorOptions) {
    if (!Array.isArray(manifests)) {
      fail({
        path: 'TrafficEvaluator.fromManifests', prop: 'manifests', message: 'needs a list of manifests', value: manifests,
        allowed: 'a list of manifests (objects with kind and metadata)', fix: isConstruct(manifests) ? 'pass its objects: fromManifests(Testing.synth(chart)), or app.render()' : 'pass the objects of Testing.synth(chart), or the files of app.render()',
      });
    }
    // The files of app.render() hold their objects in `docs`.
    manifests = manifests.flatMap((m) => (m !== null && typeof m === 'object' && !('kind' in m) && Array.isArray((m as { docs?: unknown }).docs) ? (m as { docs: unknown[] }).docs : [m]));
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    for (const [n, labels] of Object.entries(options.namespaceLabels ?? {})) this.namespaceLabels.set(n, { ...labels });
    const workloads: TrafficWorkload[] = [];
    const policies: Policy[] = [];
    const services: ServiceOf[] = [];
    manifests.forEach((manifest, i) => {
      const o = toPolicyObject({ manifest }, i);
      const namespace = o.namespace ?? this.defaultNamespace;
      if (o.kind === 'Namespace' && o.name) {
        this.namespaceLabels.set(o.name, { ...this.namespaceLabels.get(o.name), ...stringMap(o.metadata.labels) });
      } else if (o.kind === 'NetworkPolicy' && o.group === 'networking.k8s.io') {
        policies.push(toPolicy(o.manifest, o.name, namespace));
      } else if (o.kind === 'Service' && o.group === '') {
        const spec = (o.manifest as any).spec ?? {};
        const selector = stringMap(spec.selector);
        if (Object.keys(selector).length > 0 && Array.isArray(spec.ports)) {
          const ports = spec.ports.filter((p: any) => typeof p?.port === 'number')
            .map((p: any) => ({ port: p.port, targetPort: p.targetPort ?? p.port, protocol: (p.protocol ?? 'TCP') as TrafficProtocol }));
          services.push({ name: o.name, namespace, selector, ports });
        }
      } else if (o.pod && isPodKind(o.kind)) {
        const ports = o.pod.containers.flatMap((c) => (Array.isArray(c.container.ports) ? c.container.ports : []))
          .filter((p: any) => typeof p?.containerPort === 'number')
          .map((p: any) => ({ name: typeof p.name === 'string' ? p.name : undefined, port: p.containerPort, protocol: (p.protocol ?? 'TCP') as TrafficProtocol }));
        workloads.push({ kind: o.kind, name: o.name, namespace, labels: { ...o.pod.labels }, ports });
      }
    });
    this.workloads = workloads;
    this.policies = policies;
    this.services = services;
  }

  /** True when `query.from` may open a connection to `query.to` on the port (both sides' policies agree). */
  public allows(query: TrafficQuery): boolean {
    return this.check(query).allowed;
  }

  /** The decision for one connection, with the policies behind it. */
  public check(query: TrafficQuery): TrafficVerdict {
    if (query === null || typeof query !== 'object' || Array.isArray(query)) {
      fail({
        prop: 'query', message: 'must be an object { from, to, port, protocol? }', value: query,
        allowed: 'an object { from, to, port, protocol? }', fix: "e.g. check({ from: { workload: 'shop-web', namespace: 'shop' }, to: { workload: 'shop-db', namespace: 'shop' }, port: 5432 })",
      });
    }
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

  /** The pods of a workload of the manifests, as a peer (its full labels); `name` may be 'namespace/name'. */
  public workload(name: string, namespace?: string): TrafficPod {
    const w = this.findWorkload(name, namespace, 'workload');
    return { namespace: w.namespace, labels: { ...w.labels } };
  }

  /** The labels of a namespace, as `namespaceSelector`s see them. */
  public labelsOfNamespace(namespace: string): Record<string, string> {
    return { ...this.namespaceLabels.get(namespace), [DEFAULTS.connections.namespaceNameLabel]: namespace };
  }

  /** A workload by its name ('shop-web', in `namespace` or the default one) or 'namespace/name'. */
  private findWorkload(ref: string, given: string | undefined, prop: string): TrafficWorkload {
    const slash = ref.indexOf('/');
    const name = slash >= 0 ? ref.slice(slash + 1) : ref;
    const namespace = slash >= 0 ? ref.slice(0, slash) : given ?? this.defaultNamespace;
    if (slash >= 0 && given !== undefined && given !== namespace) {
      fail({ prop, message: `names namespace '${namespace}', but the peer's namespace is '${given}'`, value: ref, allowed: `'${name}' with one namespace: '${given}' as namespace, or '${namespace}/${name}'`, fix: `write { workload: '${name}', namespace: '${given}' } or '${namespace}/${name}', not both` });
    }
    const w = this.workloads.find((x) => x.name === name && x.namespace === namespace);
    if (!w) {
      const known = this.workloads.map((x) => `${x.namespace}/${x.name}`);
      const elsewhere = this.workloads.filter((x) => x.name === name).map((x) => x.namespace);
      const option = `the option defaultNamespace: '${elsewhere[0]}' (for names without a namespace)`;
      fail({
        prop, message: `names no workload of the manifests in namespace '${namespace}'`, value: ref,
        allowed: known.length ? `${known.join(', ')} (as 'namespace/name', or { workload, namespace })` : 'none: the manifests have no workloads',
        fix: elsewhere.length
          ? `it is in namespace ${elsewhere.map((n) => `'${n}'`).join(' and ')}: write '${elsewhere[0]}/${name}' or { workload: '${name}', namespace: '${elsewhere[0]}' }, or pass ${option}`
          : `use the Kubernetes name of a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod: '<namespace>/<name>' as listed, or { workload: '<name>', namespace: '<namespace>' }; a name without a namespace is looked up in '${this.defaultNamespace}' (the option defaultNamespace)`,
      });
    }
    return w;
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
    // A misspelt key would silently widen the peer ({ namespce: 'ops' } is the default namespace).
    if (given !== null && typeof given === 'object' && !Array.isArray(given)) {
      for (const key of Object.keys(given)) {
        if (PEER_KEYS.includes(key) || (given as Record<string, unknown>)[key] === undefined) continue;
        const near = closest(key, PEER_KEYS);
        fail({
          prop: `${prop}.${key}`, message: 'is not a field of a traffic peer', value: (given as Record<string, unknown>)[key],
          allowed: PEER_KEYS.map((k) => `'${k}'`).join(', '), fix: near ? `did you mean '${near}'?` : 'remove it',
        });
      }
    }
    // A controller ref ({ namespace, podLabels }) is the pods those labels select.
    const x = given && given.labels === undefined && given.podLabels && typeof given.podLabels === 'object' ? { ...given, labels: given.podLabels } : given;
    if (x && typeof x.workload === 'string') {
      const w = this.findWorkload(x.workload, x.namespace, `${prop}.workload`);
      return { kind: 'pod', namespace: w.namespace, labels: { ...w.labels }, workload: w, display: `${w.namespace}/${w.name}` };
    }
    if (x && x.labels && typeof x.labels === 'object') {
      const namespace = x.namespace ?? this.defaultNamespace;
      if (x.ip !== undefined) checkIp(x.ip, `${prop}.ip`);
      const owners = this.workloads.filter((w) => w.namespace === namespace && selectorMatches(x.labels as Record<string, string>, w.labels as Record<string, string>));
      if (owners.length > 1) {
        fail({
          prop: `${prop}.labels`, message: `match the pods of several workloads in namespace '${namespace}'`, value: x.labels,
          allowed: owners.map((w) => w.name).join(', '), fix: `name one: { workload: '${owners[0].name}', namespace: '${namespace}' }`,
        });
      }
      const w = owners[0];
      const labels = w ? { ...w.labels, ...x.labels } : { ...x.labels };
      const display = w ? `${namespace}/${w.name}` : `pod ${namespace}/{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}}`;
      return { kind: 'pod', namespace, labels: labels as Record<string, string>, ip: x.ip, workload: w, display };
    }
    if (x && typeof x.ip === 'string') {
      checkIp(x.ip, `${prop}.ip`);
      return { kind: 'address', namespace: '', labels: {}, ip: x.ip, display: x.ip };
    }
    return fail({
      prop, message: 'is not a peer', value: p,
      allowed: "{ workload, namespace? }, { namespace?, labels, ip? }, { namespace, podLabels } or { ip }",
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

  // A Service port of the destination's pods, as the target port the connection reaches.
  private servicePort(port: number, to: Peer, protocol: TrafficProtocol): { number?: number; name?: string; via: string } | undefined {
    for (const svc of this.services) {
      if (svc.namespace !== to.namespace || !selectorMatches(svc.selector, to.labels)) continue;
      const sp = svc.ports.find((x) => x.port === port && x.protocol === protocol);
      if (!sp) continue;
      const target = typeof sp.targetPort === 'string' && !/^[0-9]+$/.test(sp.targetPort)
        ? to.workload?.ports.find((x) => x.name === sp.targetPort && x.protocol === protocol)
        : to.workload?.ports.find((x) => x.port === Number(sp.targetPort) && x.protocol === protocol) ?? { port: Number(sp.targetPort), name: undefined };
      if (!target) continue;
      return { number: target.port, name: target.name, via: `${port} (Service ${svc.namespace}/${svc.name} -> ${target.port})` };
    }
    return undefined;
  }

  private side(pod: Peer, type: 'Ingress' | 'Egress', ruleAllows: (rule: any) => boolean): TrafficSide {
    if (pod.kind !== 'pod') return { applies: false, isolated: false, allowed: true, isolatedBy: [], allowedBy: [] };
    const selecting = this.policies.filter((p) => p.types.has(type) && p.namespace === pod.namespace && selectorMatches(p.podSelector as any, pod.labels));
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

function toPolicy(m: any, name: string, namespace: string): Policy {
  const spec = m.spec && typeof m.spec === 'object' ? m.spec : {};
  const types = new Set<'Ingress' | 'Egress'>();
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    for (const t of spec.policyTypes) if (t === 'Ingress' || t === 'Egress') types.add(t);
  } else {
    // The API's defaulting: Ingress always, Egress when the policy has egress rules.
    types.add('Ingress');
    if (Array.isArray(spec.egress) && spec.egress.length > 0) types.add('Egress');
  }
  return {
    id: `${namespace}/${name}`,
    namespace,
    podSelector: spec.podSelector ?? {},
    types,
    ingress: Array.isArray(spec.ingress) ? spec.ingress : [],
    egress: Array.isArray(spec.egress) ? spec.egress : [],
  };
}

// An empty or missing peer list matches every source (destination), addresses included.
function peersMatch(peers: unknown, other: Peer, ev: TrafficEvaluator, policyNamespace: string, blocks: Blocks): boolean {
  if (!Array.isArray(peers) || peers.length === 0) return true;
  return peers.some((p) => peerMatches(p ?? {}, other, ev, policyNamespace, blocks));
}

function peerMatches(p: any, other: Peer, ev: TrafficEvaluator, policyNamespace: string, blocks: Blocks): boolean {
  if (p.ipBlock) return other.ip !== undefined && inBlock(p.ipBlock, other.ip, blocks);
  if (other.kind !== 'pod') return false;
  if (p.namespaceSelector === undefined && p.podSelector === undefined) return false;
  const nsOk = p.namespaceSelector !== undefined ? selectorMatches(p.namespaceSelector, ev.labelsOfNamespace(other.namespace)) : other.namespace === policyNamespace;
  return nsOk && (p.podSelector === undefined || selectorMatches(p.podSelector, other.labels));
}

// An empty or missing port list matches every port; a named port matches the destination pod's port of that name.
function portsMatch(ports: unknown, port: { number?: number; name?: string }, protocol: TrafficProtocol, to: Peer): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return ports.some((raw) => {
    const p = raw ?? {};
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port === 'string' && !/^[0-9]+$/.test(p.port)) {
      if (port.name === p.port) return true;
      return to.workload?.ports.some((x) => x.name === p.port && x.protocol === protocol && x.port === port.number) ?? false;
    }
    const start = Number(p.port);
    const end = typeof p.endPort === 'number' ? p.endPort : start;
    return port.number !== undefined && port.number >= start && port.number <= end;
  });
}

/** Parsed CIDRs (null: not a CIDR), one map per evaluator (bounded, whatever the input). */
type Blocks = Map<string, { list: BlockList; family: number } | null>;

function inBlock(ipBlock: any, ip: string, blocks: Blocks): boolean {
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

function stringMap(x: unknown): Record<string, string> {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, string>) : {};
}
