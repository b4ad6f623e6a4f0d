import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { isIP } from 'net';
import { trafficDefaultsOf } from '../core/chart-context';
import { DEFAULTS } from '../core/defaults';
import { numberInString } from '../core/numbers';
import type { IngressControllerRef } from '../core/traffic';
import { fail, isConstruct, TimonelError } from '../core/errors';
import { checkSameApp } from '../core/same-app';
import { NameRule, nameFromParts } from '../core/names';
import { onService, podOnlyProblem, PortSpec } from '../core/ports';
import { appPortsOf, isConnectable, namedPolicyPorts, podPortsOf } from './endpoint';
import { intOrString } from '../core/probes';
import { AnySpec, checkArgs, typeName } from '../core/validation';
import {
  ADMIT_ANY_SOURCE_OPTIONS, ADMIT_INGRESS_CONTROLLER_OPTIONS, ALLOW_EGRESS_OPTIONS, APP_EGRESS_OPTIONS, CIDRS_EGRESS_OPTIONS,
  EGRESS_CIDRS, EGRESS_NAMESPACE, INTERNET_EGRESS_OPTIONS, NAMESPACE_EGRESS_OPTIONS,
} from './network-specs';
import type { ConnectionEndpoint, DnsEgress } from './endpoint';

/** The pods a traffic rule is about: a workload's name, namespace, selector and labels. */
export interface TrafficSubjectData {
  readonly name: string;
  readonly namespace?: string;
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

/** A construct whose pods traffic rules can be about (every Workload). */
export interface ITrafficSubject extends IConstruct, TrafficSubjectData {}

/** A port, or a range of ports, of one protocol. */
export interface TrafficPort {
  readonly port: number;
  /** The last port of a range (NetworkPolicy `endPort`). @default - just `port` */
  readonly endPort?: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export type { IngressControllerRef } from '../core/traffic';

/** Options of `NetworkAccess.admitIngressController`. */
export interface AdmitIngressControllerOptions {
  /** The pods' ports the controller forwards to (container ports, not Service ports). */
  readonly ports: ReadonlyArray<number | TrafficPort>;
  /**
   * The pods admitted. For a Gateway route of your own, pass the Gateway's data-plane pods: the
   * default is an Ingress controller, and ingress-nginx serves no Gateway API routes. For pods
   * that are clients rather than a controller (an operations namespace), use `allowFrom({ namespace, podLabels })`.
   * @default - the chart's or the App's `traffic.ingressController`, else DEFAULTS.traffic.ingressController
   *   (ingress-nginx's controller in namespace 'ingress-nginx')
   */
  readonly controller?: IngressControllerRef;
}

/** Options of `NetworkAccess.admitAnySource`. */
export interface AdmitAnySourceOptions {
  /** The pods' ports that are public (container ports, not Service ports). */
  readonly ports: ReadonlyArray<number | TrafficPort>;
}

/** Options of `EgressTarget.cidrs`. */
export interface EgressPortsOptions {
  /**
   * The destination ports; at least one, as numbers (a named port such as 'https' only means
   * something on the destination pod, which timonel does not know here).
   */
  readonly ports: ReadonlyArray<number | TrafficPort>;
}

/** Options of `EgressTarget.internet`. */
export interface InternetEgressOptions extends EgressPortsOptions {
  /**
   * More ranges that are not "the internet" for these pods (a network they must not call). They
   * add to what is always excluded: `DEFAULTS.traffic.privateRanges` (private, shared, link-local
   * and loopback ranges, so the cloud's metadata endpoint too) and the chart's or App's
   * `traffic.clusterCidrs`. A private destination is `EgressTarget.cidrs`. Each is a network
   * inside 0.0.0.0/0 or ::/0, not all of it (the API server refuses an except equal to its cidr).
   * @default - nothing beyond those
   */
  readonly except?: readonly string[];
}

/** Options of `EgressTarget.namespace` and `EgressTarget.app`. */
export interface PodEgressOptions {
  /** The destination ports, as numbers; at least one when given. @default - every port (namespace); the app's port (app) */
  readonly ports?: ReadonlyArray<number | TrafficPort>;
}

/** Options of `EgressTarget.app`. */
export interface AppEgressOptions extends PodEgressOptions {
  /**
   * Allow an app in a namespace other than the client's, as `connectTo`'s option of the same name
   * does. Both charts need a namespace.
   * @default false
   */
  readonly allowCrossNamespace?: boolean;
}

/** Options of `EgressTarget.namespace`. */
export interface NamespaceEgressOptions extends PodEgressOptions {
  /** Only the pods with these labels. @default - every pod of the namespace */
  readonly podLabels?: Record<string, string>;
}

/** Options of `allowEgress`. */
export interface AllowEgressOptions {
  /** DNS egress that comes with it (see `connectTo`'s `dns`). @default 'kube-dns' */
  readonly dns?: DnsEgress;
}

/**
 * A destination a workload may send to once its egress is restricted (after a `connectTo`, or
 * from its first `allowEgress` on): addresses, "the internet", a namespace, or another app.
 */
export class EgressTarget {
  /**
   * These CIDRs (IPv4 or IPv6, e.g. a payment API's '203.0.113.0/24'), on these ports. Each is a
   * network: '198.51.100.7/24' (bits set past the prefix) is an error; write '198.51.100.0/24' or '198.51.100.7/32'.
   */
  public static cidrs(cidrs: readonly string[], options: EgressPortsOptions): EgressTarget {
    return new EgressTarget(`cidrs ${Array.isArray(cidrs) ? cidrs.map(shown).join(', ') : shown(cidrs)}`, (scope, prop) => {
      options = optionsOf(options, scope, prop);
      checkArgs(scope, [[EGRESS_CIDRS, cidrs, `${prop}.cidrs`], [CIDRS_EGRESS_OPTIONS, options, prop]]);
      return [{ to: cidrs.map((c) => ({ ipBlock: { cidr: c } })), ports: toPorts(options.ports) }];
    });
  }

  /**
   * Every public address on these ports: 0.0.0.0/0 and ::/0 except the private, shared,
   * link-local and loopback ranges (so not the cloud's metadata endpoint) and the chart's or App's
   * `traffic.clusterCidrs`. Pods and nodes with private addresses are excluded; where they have
   * global ones (IPv6 and dual-stack clusters, such as EKS IPv6 or GKE dual-stack) only
   * `traffic.clusterCidrs` excludes them. NAT64's 64:ff9b::/96 stays allowed.
   */
  public static internet(options: InternetEgressOptions): EgressTarget {
    return new EgressTarget('the internet', (scope, prop) => {
      options = optionsOf(options, scope, prop);
      checkArgs(scope, [[INTERNET_EGRESS_OPTIONS, options, prop]]);
      // `except` adds to the private ranges: replacing them would open the metadata endpoint and the
      // cluster's ranges (of both families) for the sake of one network more.
      const except = [...new Set([...DEFAULTS.traffic.privateRanges, ...(trafficDefaultsOf(scope).clusterCidrs ?? []), ...(options.except ?? [])])];
      const v4 = except.filter((c) => isIP(c.split('/')[0]) === 4);
      const v6 = except.filter((c) => isIP(c.split('/')[0]) === 6);
      return [{
        to: [
          { ipBlock: { cidr: '0.0.0.0/0', except: v4.length ? v4 : undefined } },
          { ipBlock: { cidr: '::/0', except: v6.length ? v6 : undefined } },
        ],
        ports: toPorts(options.ports),
      }];
    });
  }

  /** The pods of a namespace (all, or those with `podLabels`), e.g. a shared service not built with timonel. */
  public static namespace(namespace: string, options: NamespaceEgressOptions = {}): EgressTarget {
    return new EgressTarget(`namespace '${shown(namespace)}'`, (scope, prop) => {
      options = optionsOf(options, scope, prop);
      checkArgs(scope, [[EGRESS_NAMESPACE, namespace, `${prop}.namespace`], [NAMESPACE_EGRESS_OPTIONS, options, prop]]);
      return [{
        to: [{
          namespaceSelector: { matchLabels: { [DEFAULTS.connections.namespaceNameLabel]: namespace } },
          podSelector: options.podLabels ? { matchLabels: { ...options.podLabels } } : undefined,
        }],
        ports: options.ports && toPorts(options.ports),
      }];
    });
  }

  /**
   * The pods of another app (anything with an `endpoint`), on its port (or `ports`), without env
   * or ordering. The app admits the client on those ports too, so the traffic works once the app
   * is isolated; unlike `connectTo` and `allowFrom`, this does not isolate it (it is the client's
   * egress that is declared, not a client of the app). An app in another namespace needs
   * `{ allowCrossNamespace: true }`, as for `connectTo`. `ports` must be ports the app serves, as
   * for `allowFrom`'s (a Service port stands for its container port; a range starts and ends at
   * one, and holds no pod-only port); the app must be of the
   * same App as the workload that allows the egress.
   */
  public static app(target: { readonly endpoint: ConnectionEndpoint; readonly node: IConstruct['node'] }, options: AppEgressOptions = {}): EgressTarget {
    if (!isConnectable(target) || !isConstruct(target)) {
      // formatValue shows a construct as its path.
      fail({
        path: 'EgressTarget.app', prop: 'target', message: 'needs a construct that serves a port (a Service)',
        value: target, allowed: 'a StatefulStore, a WebApp or another IConnectable construct',
        fix: 'pass a construct created before this call, e.g. EgressTarget.app(db)',
      });
    }
    return new EgressTarget(`app '${target.node.path}'`, (scope, prop, client) => {
      checkSameApp(scope, prop, target, () => {
        const t = separateAppsTraffic(scope.node.id, client, target.node.id, target.endpoint);
        return `create both in one App; for an app deployed separately, write here ${t.egress}, and in its App ${t.ingress}`;
      });
      options = optionsOf(options, scope, prop);
      checkArgs(scope, [[APP_EGRESS_OPTIONS, options, prop]]);
      const e = target.endpoint;
      // Each port must be one the app serves, as for allowFrom's `ports`; a Service port means its container port.
      const served = options.ports && toPorts(options.ports.map((p, i) => appPort(scope, `${prop}.ports[${i}]`, appPortsOf(target), p)));
      // The same rule as connectTo's: traffic to another team's namespace (which also edits that
      // app's policy) is said out loud.
      checkCrossNamespace(scope, prop, target.node.path, client.namespace, e.namespace, !!options.allowCrossNamespace,
        `pass { allowCrossNamespace: true } to EgressTarget.app if this traffic is intended: EgressTarget.app(${target.node.id}, { ${options.ports ? 'ports: [...], ' : ''}allowCrossNamespace: true })`);
      const ns = client.namespace !== e.namespace ? { namespaceSelector: { matchLabels: { [DEFAULTS.connections.namespaceNameLabel]: e.namespace! } } } : {};
      // By name and number where the app's pods name the port (namedPolicyPorts), on both sides.
      const ports = namedPolicyPorts(podPortsOf(target), served ?? [{ protocol: e.protocol ?? 'TCP', port: intOrString(e.targetPort) }]);
      // The app admits the client on the same ports: an egress it refused would go nowhere.
      const from = client.namespace !== e.namespace ? { namespaceSelector: { matchLabels: { [DEFAULTS.connections.namespaceNameLabel]: client.namespace! } } } : {};
      NetworkAccess.of(target as IConstruct & { readonly endpoint: ConnectionEndpoint })._admitEgressClient({ ...from, podSelector: { matchLabels: { ...client.selectorLabels } } }, ports);
      return [{ to: [{ ...ns, podSelector: { matchLabels: { ...e.selectorLabels } } }], ports }];
    });
  }

  private constructor(
    /** What it is, for messages. */
    public readonly description: string,
    private readonly build: (scope: IConstruct, prop: string, client: TrafficSubjectData) => k8s.NetworkPolicyEgressRule[],
  ) {}

  /** The egress rules for `client` (validates the target). @internal */
  public _rules(scope: IConstruct, client: TrafficSubjectData, prop: string): k8s.NetworkPolicyEgressRule[] {
    return this.build(scope, prop, client);
  }
}

interface IngressState {
  explicit: boolean;
  clients: boolean;
  readonly entries: k8s.NetworkPolicyIngressRule[];
  policy?: k8s.KubeNetworkPolicy;
}

interface EgressState {
  readonly rules: k8s.NetworkPolicyEgressRule[];
  dns: DnsEgress;
  readonly policy: k8s.KubeNetworkPolicy;
}

const INGRESS = new WeakMap<IConstruct, IngressState>();
const EGRESS = new WeakMap<IConstruct, EgressState>();

/**
 * The traffic model of one workload, beyond `connectTo`:
 * - ingress: an app is isolated (admits only what is declared) once it is `isolate`d or has a
 *   client (`connectTo`/`allowFrom`). What its own exposure declares (`admitIngressController`
 *   for an Ingress or Gateway route, `admitAnySource` for a LoadBalancer/NodePort Service or a
 *   public app) stays admitted then, through the app's own NetworkPolicy `<name>`;
 * - egress: `allowEgress` adds destinations to `<name>-egress` (with DNS); once a workload has
 *   a connection or an allowance, that is all it may send to.
 */
export class NetworkAccess {
  /** The traffic model of `workload` (a Workload, or anything with an `endpoint`). */
  public static of(workload: ITrafficSubject | (IConstruct & { readonly endpoint: ConnectionEndpoint })): NetworkAccess {
    if (!isConstruct(workload)) {
      fail({ path: 'NetworkAccess.of', prop: 'workload', message: 'needs a workload construct', value: workload, allowed: 'a Workload (WebApp, StatefulStore, BatchJob, ...) or an IConnectable', fix: 'pass a construct created before this call, e.g. NetworkAccess.of(web)' });
    }
    if (isTrafficSubject(workload)) return new NetworkAccess(workload);
    const e = (workload as { endpoint?: ConnectionEndpoint }).endpoint;
    if (!e) {
      fail({ scope: workload, message: 'has no pods to apply a traffic rule to', allowed: 'a Workload (WebApp, StatefulStore, BatchJob, ...) or an IConnectable', fix: 'use a Workload (WebApp, StatefulStore, BatchJob, ...) or an IConnectable' });
    }
    // Keyed by the construct itself, so the endpoint's view and the workload's share one state.
    const subject: TrafficSubjectData = { name: e.name, namespace: e.namespace, selectorLabels: e.selectorLabels, labels: e.labels ?? e.selectorLabels };
    return new NetworkAccess(subject, workload);
  }

  private constructor(private readonly subject: TrafficSubjectData, private readonly key: IConstruct = subject as ITrafficSubject) {}

  /** True when the workload's ingress is restricted to what is declared. */
  public get isolated(): boolean {
    const s = INGRESS.get(this.key);
    return !!s && (s.explicit || s.clients);
  }

  /** The workload's own ingress NetworkPolicy `<name>` (isolation and its public entry), once it has one. */
  public get ingressPolicy(): k8s.KubeNetworkPolicy | undefined {
    return INGRESS.get(this.key)?.policy;
  }

  /** The workload's `<name>-egress` NetworkPolicy, once it has an egress allowance. */
  public get egressPolicy(): k8s.KubeNetworkPolicy | undefined {
    return EGRESS.get(this.key)?.policy;
  }

  /**
   * Isolates the workload's ingress: from now on it admits exactly its declared clients and its
   * declared public entry, on the declared ports (with neither, nothing).
   */
  public isolate(): this {
    this.ingressState().explicit = true;
    this.sync();
    return this;
  }

  /** Records that clients are declared (`connectTo`, `allowFrom`), which isolates the workload. @internal */
  public _addClient(): this {
    this.ingressState().clients = true;
    this.sync();
    return this;
  }

  /**
   * Admits pods timonel did not build (`allowFrom({ namespace, podLabels })`) as clients: an
   * entry of the own policy `<name>`, which isolates the workload like any client. @internal
   */
  public _admitClientPods(from: k8s.NetworkPolicyPeer, ports: k8s.NetworkPolicyPort[]): k8s.KubeNetworkPolicy {
    const s = this.ingressState();
    s.entries.push({ from: [from], ports });
    s.clients = true;
    this.sync();
    return s.policy!;
  }

  /**
   * Admits a client that allows itself egress to this workload (`EgressTarget.app`), through the
   * own policy `<name>`. Unlike a client, it does not isolate the workload: the entry takes effect
   * once something else does. The same entry twice is written once. @internal
   */
  public _admitEgressClient(from: k8s.NetworkPolicyPeer, ports: k8s.NetworkPolicyPort[]): void {
    const s = this.ingressState();
    const rule: k8s.NetworkPolicyIngressRule = { from: [from], ports: unique(ports) };
    if (!s.entries.some((x) => canonical(x) === canonical(rule))) s.entries.push(rule);
    this.sync();
  }

  /**
   * Declares that the ingress controller forwards to these ports (an Ingress, a Gateway route): admitted even once isolated.
   * A port the workload's pods name is written by name and number, as for a connection. Each must
   * be a port the pods listen on (the workload's, pod-only ones too, or a sidecar's; a Service port
   * stands for its container port), and a range must start and end at such ports.
   */
  public admitIngressController(options: AdmitIngressControllerOptions): this {
    options = checkOptions(ADMIT_INGRESS_CONTROLLER_OPTIONS, options, this.key, 'admitIngressController');
    return this._admitIngressController({ ...options, ports: this.podPorts('admitIngressController', options.ports) }, []);
  }

  /** `admitIngressController`, where the pods name more ports than the workload declares (a Worker's metrics port). @internal */
  public _admitIngressController(options: AdmitIngressControllerOptions, named: readonly PortSpec[]): this {
    options = checkOptions(ADMIT_INGRESS_CONTROLLER_OPTIONS, options, this.key, 'admitIngressController');
    const c = options.controller ?? trafficDefaultsOf(this.key).ingressController ?? DEFAULTS.traffic.ingressController;
    const ports = this.policyPorts(toPorts(options.ports), named);
    this.ingressState().entries.push({
      from: [{
        namespaceSelector: { matchLabels: { [DEFAULTS.connections.namespaceNameLabel]: c.namespace } },
        podSelector: { matchLabels: { ...c.podLabels } },
      }],
      ports,
    });
    this.sync();
    return this;
  }

  /**
   * Declares ports open to any source (a LoadBalancer/NodePort Service, a public app): admitted even once isolated.
   * A port the workload's pods name is written by name and number, as for a connection. The ports
   * are checked as `admitIngressController`'s.
   */
  public admitAnySource(options: AdmitAnySourceOptions): this {
    options = checkOptions(ADMIT_ANY_SOURCE_OPTIONS, options, this.key, 'admitAnySource');
    this.ingressState().entries.push({ ports: this.policyPorts(toPorts(this.podPorts('admitAnySource', options.ports))) });
    this.sync();
    return this;
  }

  /**
   * Lets the workload send to `target` (plus DNS); from the first allowance on, its egress is
   * restricted. The target's arguments and options are checked now (an unknown option is an
   * error); an allowance given twice is written once.
   */
  public allowEgress(target: EgressTarget, options: AllowEgressOptions = {}): this {
    if (!(target instanceof EgressTarget)) {
      const given: unknown = target;
      fail({
        scope: this.key, prop: 'allowEgress', message: 'needs an EgressTarget', value: target,
        allowed: 'EgressTarget.cidrs(...), .internet(...), .namespace(...) or .app(...)',
        fix: isConstruct(given) ? `wrap the construct: allowEgress(EgressTarget.app(${given.node.id}), ...)` : 'use EgressTarget.cidrs(...), .internet(...), .namespace(...) or .app(...)',
      });
    }
    options = checkOptions(ALLOW_EGRESS_OPTIONS, options, this.key, 'allowEgress');
    checkApiServerReachable(this.key, 'egress', 'allowEgress', target.description);
    const rules = target._rules(this.key, this.subject, 'allowEgress');
    const s = this.egressState();
    // An allowance given twice (or by two calls that mean the same) is written once, in first-call order.
    const seen = new Set(s.rules.map(canonical));
    for (const rule of rules.map(dedupeLists)) {
      const key = canonical(rule);
      if (!seen.has(key)) s.rules.push(rule);
      seen.add(key);
    }
    if (options.dns === 'any') s.dns = 'any';
    egressRestricted(this.key);
    return this;
  }

  /**
   * Restricts the workload's egress to DNS, its connections and its allowances, also before it
   * has any (a service that calls nothing): its `<name>-egress` NetworkPolicy admits DNS only until
   * `allowEgress` adds to it. `connectTo` and `allowEgress` restrict egress on their own.
   */
  public isolateEgress(): this {
    checkApiServerReachable(this.key, 'egress', 'isolateEgress', this.key.node.path);
    this.egressState();
    egressRestricted(this.key);
    return this;
  }

  // Ingress to the workload's own pods: a port they name is matched by name too (namedPolicyPorts).
  /**
   * `ports` checked as `EgressTarget.app`'s: each a port the pods listen on (the workload's own,
   * pod-only ones too, and its sidecars'), a Service port standing for its container port. Unchecked
   * where the ports are unknown (a Worker: its metrics port is not among them).
   */
  private podPorts(verb: string, ports: ReadonlyArray<number | TrafficPort>): ReadonlyArray<number | TrafficPort> {
    const own = podPortsOf(this.key);
    const listening = own.length > 0 ? own : isConnectable(this.key) ? appPortsOf(this.key) : [];
    if (listening.length === 0) return [...ports];
    const all = [...listening, ...((this.key as { readonly pod?: { readonly sidecarPorts?: readonly PortSpec[] } }).pod?.sidecarPorts ?? [])];
    return ports.map((p, i) => appPort(this.key, `${verb}.ports[${i}]`, all, p, false));
  }

  private policyPorts(ports: k8s.NetworkPolicyPort[], more: readonly PortSpec[] = []): k8s.NetworkPolicyPort[] {
    return namedPolicyPorts([...podPortsOf(this.key), ...more], ports);
  }

  private egressState(): EgressState {
    let s = EGRESS.get(this.key);
    if (!s) {
      const w = this.subject;
      const scope = this.key;
      const state: Omit<EgressState, 'policy'> = { rules: [], dns: 'kube-dns' };
      const policy = new k8s.KubeNetworkPolicy(scope, 'EgressPolicy', {
        metadata: { name: policyName(scope, [w.name, 'egress']), labels: { ...w.labels } },
        spec: Lazy.any({
          produce: (): k8s.NetworkPolicySpec => ({
            podSelector: { matchLabels: { ...w.selectorLabels } },
            policyTypes: ['Egress'],
            egress: [...state.rules, dnsRule(state.dns)],
          }),
        }),
      });
      s = Object.assign(state, { policy });
      EGRESS.set(this.key, s);
    }
    return s;
  }

  private ingressState(): IngressState {
    let s = INGRESS.get(this.key);
    if (!s) INGRESS.set(this.key, (s = { explicit: false, clients: false, entries: [] }));
    return s;
  }

  // The own policy exists once the workload is isolated and has something of its own to admit
  // (or is isolated explicitly, when it admits nothing beyond its clients).
  private sync(): void {
    this.syncPolicy();
    if (this.isolated) keepPeersOpen(this.key, 'ingress');
  }

  private syncPolicy(): void {
    const s = this.ingressState();
    if (s.policy || !(s.explicit || (s.clients && s.entries.length > 0))) return;
    const w = this.subject;
    s.policy = new k8s.KubeNetworkPolicy(this.key, 'NetworkPolicy', {
      metadata: { name: w.name, labels: { ...w.labels } },
      spec: Lazy.any({
        produce: (): k8s.NetworkPolicySpec => ({
          podSelector: { matchLabels: { ...w.selectorLabels } },
          policyTypes: ['Ingress'],
          ingress: [...s.entries],
        }),
      }),
    });
  }
}

// Per workload whose replicas talk to each other: the directions its `<name>-peers` policy keeps open.
const PEERS = new WeakMap<IConstruct, { ingress: boolean; egress: boolean }>();

/**
 * Keeps pod-to-pod traffic among the replicas of `owner` open in direction `dir`, once a policy
 * restricts that direction (isolation, a client, `allowFrom`, an egress allowance, a connection):
 * a `<name>-peers` NetworkPolicy, for an endpoint with `peerTraffic` (replication, clustering).
 * Nothing for other workloads.
 */
export function keepPeersOpen(owner: IConstruct, dir: 'ingress' | 'egress'): void {
  const e = isConnectable(owner) ? owner.endpoint : undefined;
  if (!e?.peerTraffic) return;
  let state = PEERS.get(owner);
  if (!state) {
    const s = { ingress: false, egress: false };
    state = s;
    PEERS.set(owner, s);
    const peers = [{ podSelector: { matchLabels: { ...e.selectorLabels } } }];
    new k8s.KubeNetworkPolicy(owner, 'PeerNetworkPolicy', {
      metadata: { name: policyName(owner, [e.name, 'peers']), labels: { ...(e.labels ?? e.selectorLabels) } },
      spec: Lazy.any({
        produce: (): k8s.NetworkPolicySpec => ({
          podSelector: { matchLabels: { ...e.selectorLabels } },
          policyTypes: [...(s.ingress ? ['Ingress'] : []), ...(s.egress ? ['Egress'] : [])],
          ingress: s.ingress ? [{ from: peers }] : undefined,
          egress: s.egress ? [{ to: peers }] : undefined,
        }),
      }),
    });
  }
  state[dir] = true;
}

// Per workload: whether it calls the Kubernetes API (a grant) and whether its egress is
// restricted, and, once both, its `<name>-apiserver` policy.
const API_CLIENTS = new WeakMap<IConstruct, { granted: boolean; restricted: boolean; policy?: k8s.KubeNetworkPolicy }>();

/** What makes a workload need the API server in its egress: a grant, or a restriction of its egress. */
export type ApiServerNeed = 'grant' | 'egress';

/**
 * Fails, before anything changes, when `need` would leave a workload that calls the Kubernetes
 * API (a grant) with restricted egress (a connection, an allowance) and the chart and App declare
 * no `traffic.apiServer`: NetworkPolicies cannot name the API server, so every call would time
 * out. `prop` and `value` are the call or prop item that completes the pair, as the user wrote it.
 */
export function checkApiServerReachable(owner: IConstruct, need: ApiServerNeed, prop: string, value: unknown): void {
  const s = API_CLIENTS.get(owner);
  const granted = need === 'grant' || !!s?.granted;
  const restricted = need === 'egress' || !!s?.restricted;
  if (!granted || !restricted || (s?.granted && s.restricted) || trafficDefaultsOf(owner).apiServer) return;
  const example = "{ apiServer: { cidrs: ['172.18.0.2/32'], ports: [6443] } }";
  fail({
    scope: owner, prop,
    message: (need === 'grant'
      ? 'grants Kubernetes API permissions to a workload whose egress is restricted (by connectTo, allowFrom or allowEgress)'
      : 'restricts the egress of a workload that has Kubernetes API permissions (grant, permissions or bindClusterRole)')
      + ", but neither its chart nor the App declares traffic.apiServer, so no NetworkPolicy lets its pods reach the API server and every API call would time out",
    value,
    allowed: 'a workload with permissions and restricted egress in a chart or App that declares traffic.apiServer: { cidrs, ports }',
    fix: 'declare the API server once, with the addresses and port that kubectl get endpoints kubernetes -n default lists '
      + `(NetworkPolicies see those, not the Service's 443): new App({ traffic: ${example} }) (or a TimonelChart's traffic), `
      + 'and each such workload gets a <name>-apiserver egress policy',
  });
}

/**
 * Records `need` for `owner` (checked by `checkApiServerReachable`); once the workload both has
 * a grant and restricted egress, it may reach the chart's or App's `traffic.apiServer` through
 * its `<name>-apiserver` NetworkPolicy.
 */
export function noteApiServerNeed(owner: ITrafficSubject, need: ApiServerNeed): void {
  let s = API_CLIENTS.get(owner);
  if (!s) API_CLIENTS.set(owner, (s = { granted: false, restricted: false }));
  if (need === 'grant') s.granted = true;
  else s.restricted = true;
  const api = trafficDefaultsOf(owner).apiServer;
  if (!s.granted || !s.restricted || s.policy || !api) return;
  s.policy = new k8s.KubeNetworkPolicy(owner, 'ApiServerNetworkPolicy', {
    metadata: { name: policyName(owner, [owner.name, 'apiserver']), labels: { ...owner.labels } },
    spec: {
      podSelector: { matchLabels: { ...owner.selectorLabels } },
      policyTypes: ['Egress'],
      egress: [{ to: api.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: api.ports.map((port) => ({ protocol: 'TCP', port: intOrString(port) })) }],
    },
  });
}

/**
 * What follows once a workload's egress is restricted (a connection, an allowance, isolateEgress):
 * its replicas keep reaching each other, and with permissions it reaches the API server.
 */
export function egressRestricted(owner: IConstruct): void {
  keepPeersOpen(owner, 'egress');
  if (isTrafficSubject(owner)) noteApiServerNeed(owner, 'egress');
}

/**
 * Keeps an explicit `isolate: false` the user's word: a client (`connectTo`, `allowFrom`) or
 * `NetworkAccess.isolate()` isolates the workload anyway, which is an error at synth rather than a
 * silent override. `others` says how to admit other pods once it is isolated.
 */
export function keepIsolateFalse(owner: IConstruct, others: string): void {
  owner.node.addValidation({
    // cdk8s prefixes each message with the construct path.
    validate: () => (NetworkAccess.of(owner as ITrafficSubject).isolated ? [new TimonelError({
      prop: 'isolate',
      message: 'is false, but a client (connectTo, allowFrom) or NetworkAccess.isolate() isolates the pods anyway: '
        + 'its NetworkPolicy admits only the declared clients and entry, and every other pod is refused',
      value: false,
      allowed: 'isolate: false on a workload nothing isolates; no isolate where clients are declared',
      fix: `remove isolate: false (the clients isolate the pods); ${others}`,
    }).message] : []),
  });
}

/** DNS egress of a client whose egress is restricted. */
export function dnsRule(dns: DnsEgress): k8s.NetworkPolicyEgressRule {
  const d = DEFAULTS.connections.dns;
  const ports = (['UDP', 'TCP'] as const).map((protocol) => ({ protocol, port: intOrString(d.port) }));
  if (dns === 'any') return { ports };
  return {
    to: [{
      namespaceSelector: { matchLabels: { [DEFAULTS.connections.namespaceNameLabel]: d.namespace } },
      podSelector: { matchLabels: { ...d.podLabels } },
    }],
    ports,
  };
}

/** A NetworkPolicy name made of parts, shortened deterministically. */
export function policyName(scope: IConstruct, parts: string[]): string {
  return nameFromParts(scope, parts, { rule: NameRule.DNS_1123_LABEL, maxLength: DEFAULTS.connections.policyNameMaxLength });
}

function isTrafficSubject(x: IConstruct): x is ITrafficSubject {
  const w = x as Partial<ITrafficSubject>;
  return typeof w.name === 'string' && !!w.selectorLabels && !!w.labels;
}

/**
 * Fails when traffic from namespace `from` to the app at `target` (a construct path) in namespace
 * `to` crosses namespaces without the allowance (`allowFix` says how to give it), or when a side
 * has no namespace, so no policy could name it. The one rule of connectTo, allowFrom and
 * EgressTarget.app.
 */
export function checkCrossNamespace(scope: IConstruct, prop: string, target: string, from: string | undefined, to: string | undefined, allowed: boolean, allowFix: string): void {
  if (from === to) return;
  // Checked first: the allowance alone cannot help a chart without a namespace.
  if (from === undefined || to === undefined) {
    const fix = from === undefined
      ? `set 'namespace' on the client's TimonelChart: '${to}' if the client runs beside '${target}' (no allowance needed then), or its own namespace${allowed ? '' : `, and then ${allowFix}`}`
      : `set 'namespace' on the TimonelChart of '${target}' (no policy can name the namespace kubectl picks at apply time)${allowed ? '' : `, and then ${allowFix}`}`;
    fail({
      scope, prop,
      message: `crosses namespaces but the ${from === undefined ? 'client' : 'target'}'s chart has no namespace, so no policy can name it`,
      value: { client: from ?? null, target: to ?? null }, allowed: 'charts with explicit namespaces on both sides',
      fix,
    });
  }
  if (!allowed) {
    fail({
      scope, prop,
      message: `reaches '${target}' in namespace ${nsName(to)} from namespace ${nsName(from)} without a cross-namespace allowance`,
      value: target, allowed: 'a target in the same namespace, or the option { allowCrossNamespace: true }', fix: allowFix,
    });
  }
}

/**
 * What to write when `client` and `target` are built by two Apps (deployed separately): `egress`,
 * in the client's App, allows its pods to send to the target's pods; `ingress`, in the target's
 * App, admits the client's pods. Both by namespace and labels, on the target's pod port.
 */
export function separateAppsTraffic(clientId: string, client: TrafficSubjectData, targetId: string, e: ConnectionEndpoint): { egress: string; ingress: string } {
  const ns = (n: string | undefined) => `'${n ?? '<its namespace>'}'`;
  const labels = (l: Record<string, string>) => `{ ${Object.entries(l).map(([k, v]) => `'${k}': '${v}'`).join(', ')} }`;
  return {
    egress: `${clientId}.allowEgress(EgressTarget.namespace(${ns(e.namespace)}, { podLabels: ${labels(e.selectorLabels)}, ports: [${e.targetPort}] }))`,
    ingress: `${targetId}.allowFrom({ namespace: ${ns(client.namespace)}, podLabels: ${labels(client.selectorLabels)} })`,
  };
}

/** A namespace in a message: quoted, or (none). */
export function nsName(n: string | undefined): string {
  return n === undefined ? '(none)' : `'${n}'`;
}

/** Options as given, `{}` for undefined; anything but an object is an error (not a TypeError later). */
function optionsOf<T extends object>(options: T | undefined, scope: IConstruct, prop: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    // EgressTarget.internet(443), .internet('443'), .cidrs([...], [443]): the ports are an option.
    const ports = [options].flat().map((p) => numberInString(p) ?? p);
    const fix = ports.length > 0 && ports.every((p) => typeof p === 'number' && Number.isInteger(p))
      ? `the ports are an option: write { ports: [${ports.join(', ')}] }`
      : 'pass an object, or leave it out';
    fail({ scope, prop: `${prop}.options`, message: 'must be an object of options', value: options, allowed: 'an object of options, or nothing', fix });
  }
  return options;
}

/** Options checked against `spec` (reported as `<prop>.<option>`); `{}` for undefined. */
function checkOptions<T extends object>(spec: AnySpec<T>, options: T | undefined, scope: IConstruct, prop: string): T {
  options = optionsOf(options, scope, prop);
  checkArgs(scope, [[spec, options, prop]]);
  return options;
}

/**
 * The policy port of `want`, a port given for an app's pods (`EgressTarget.app`'s `ports`, the
 * `NetworkAccess` admit methods'): one of `ports`, by container port or Service port (which means
 * its container port: policies match after the Service's DNAT), of the same protocol. A range must
 * start and end at such ports (it opens every port between, served or not). With `onServiceOnly`,
 * a pod-only port (`service: false`) is refused. Fails as allowFrom's `ports` do.
 */
function appPort(scope: IConstruct, prop: string, ports: readonly PortSpec[], want: number | TrafficPort, onServiceOnly = true): TrafficPort {
  const p: TrafficPort = typeof want === 'number' ? { port: want } : want;
  const protocol = p.protocol ?? 'TCP';
  const usable = onServiceOnly ? ports.filter(onService) : ports;
  const ofProtocol = usable.filter((s) => (s.protocol ?? 'TCP') === protocol);
  const number = (s: PortSpec) => (onServiceOnly ? s.servicePort ?? s.port : s.port);
  const allowed = usable.map((s) => `'${s.name}' (${number(s)}${(s.protocol ?? 'TCP') === 'TCP' ? '' : `/${s.protocol}`})`).join(', ');
  const example = usable.length === 0 ? '' : (usable[0].protocol ?? 'TCP') === 'TCP'
    ? String(number(usable[0])) : `{ port: ${number(usable[0])}, protocol: '${usable[0].protocol}' }`;
  const notServed: (message: string, fix?: string) => never = (message, fix) => fail({
    scope, prop, message, value: want, allowed, fix: fix ?? `use a port the app serves, as a number (its Service or container port), e.g. ports: [${example}]`,
  });
  const end = p.endPort;
  if (end !== undefined) {
    const inRange = ports.filter((s) => (s.protocol ?? 'TCP') === protocol && s.port >= p.port && s.port <= end);
    const served = inRange.filter((s) => usable.includes(s));
    if (served.length === 0) notServed('covers no port of the app');
    const podOnly = inRange.find((s) => !usable.includes(s));
    if (podOnly) fail({ scope, prop, ...podOnlyProblem(podOnly), value: want, allowed });
    const [lo, hi] = [Math.min(...served.map((s) => s.port)), Math.max(...served.map((s) => s.port))];
    if (lo !== p.port || hi !== end) {
      const narrow = lo === hi ? `${lo}` : `{ port: ${lo}, endPort: ${hi}${protocol === 'TCP' ? '' : `, protocol: '${protocol}'`} }`;
      notServed(`reaches past the app's ports (of ${p.port}-${end} it serves ${served.map((s) => s.port).join(', ')}), and a range opens every port in it`, `narrow it to the app's ports: ${narrow}, or list them`);
    }
    return { port: p.port, endPort: end, protocol };
  }
  const found = ofProtocol.find((s) => s.port === p.port) ?? ofProtocol.find((s) => s.servicePort === p.port);
  if (!found) {
    const podOnly = ports.find((s) => !usable.includes(s) && (s.protocol ?? 'TCP') === protocol && s.port === p.port);
    if (podOnly) fail({ scope, prop, ...podOnlyProblem(podOnly), value: want, allowed });
    return notServed('is not a port of the app');
  }
  return { protocol, port: found.port };
}

// The ports are checked (network-specs.ts) before they get here.
function toPorts(ports: ReadonlyArray<number | TrafficPort>): k8s.NetworkPolicyPort[] {
  return ports.map((p) => {
    const spec: TrafficPort = typeof p === 'number' ? { port: p } : p;
    return { protocol: spec.protocol ?? 'TCP', port: intOrString(spec.port), endPort: spec.endPort };
  });
}

// A rule with the same peers or ports listed twice ('cidrs(['a', 'a'])', ports [443, 443]) lists each once.
function dedupeLists(rule: k8s.NetworkPolicyEgressRule): k8s.NetworkPolicyEgressRule {
  return { ...rule, to: unique(rule.to), ports: unique(rule.ports) };
}

function unique<T>(xs: T[] | undefined): T[] | undefined {
  return xs && xs.filter((x, i) => xs.findIndex((y) => canonical(y) === canonical(x)) === i);
}

/** A value as JSON with sorted keys and without undefined fields: equal for rules that mean the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

/**
 * A value in a target's description. Never throws: an object without `toString` (`Object.create(null)`)
 * is described by its type, so the argument check reports it as a TimonelError.
 */
function shown(x: unknown): string {
  try {
    return String(x);
  } catch {
    return typeName(x);
  }
}
