import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { EnvList, EnvMap, EnvValue } from '../core/env';
import { addDependency } from '../core/dependencies';
import { fail, isConstruct } from '../core/errors';
import { checkSameApp } from '../core/same-app';
import { findPort, onService } from '../core/ports';
import { intOrString } from '../core/probes';
import { podsRef } from '../core/specs';
import type { PodsRef } from '../core/traffic';
import { appPortsOf, ConnectionEndpoint, CredentialKeys, CredentialsRef, DnsEgress, IConnectable, isConnectable, namedPolicyPorts, podPortsOf } from './endpoint';

export { isConnectable } from './endpoint';
import { checkApiServerReachable, checkCrossNamespace, dnsRule, egressRestricted, NetworkAccess, nsName, policyName, separateAppsTraffic } from './network';
import { checkArgs, checkProps, checkValue, Problem } from '../core/validation';
import { metricsFix } from './metrics';
import { ALLOW_FROM_ARGS, ALLOW_FROM_PODS_OPTIONS, CONNECT_OPTIONS, envFormsOf } from './connection-specs';

export type { PodsRef } from '../core/traffic';
export type { CredentialRole, CredentialKeys, CredentialsRef, ConnectionEndpoint, IConnectable, DnsEgress } from './endpoint';

/** The client side of a connection: a workload whose main container gets the env. */
export interface IConnectionClient extends IConstruct {
  readonly name: string;
  readonly namespace?: string;
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly pod: {
    /** The main container's env. */
    readonly env: EnvList;
    /** The env lists of 'main', 'all' containers, or named ones (PodBuilder.envLists). */
    envLists(containers: ConnectionContainers, prop: string): EnvList[];
  };
}

/**
 * Which containers of the client get the connection's env: 'main', 'all' (main, sidecars and
 * init containers), or names, e.g. `['main', 'migrate']` for the main container and an init
 * container that runs migrations.
 */
export type ConnectionContainers = 'main' | 'all' | readonly string[];

/** Overrides of env var names, by role (full names, not suffixes). */
export interface ConnectionEnvNames {
  /** @default '<PREFIX>_HOST' (envForm 'host-port') */
  readonly host?: string;
  /** @default '<PREFIX>_PORT' (envForm 'host-port') */
  readonly port?: string;
  /** `host:port`. @default '<PREFIX>_ADDR' (envForm 'addr') */
  readonly addr?: string;
  /** `scheme://[user:password@]host:port[/database]`. @default '<PREFIX>_URL' (envForm 'url') */
  readonly url?: string;
  /** @default '<PREFIX>_USER' (only when the target has a username key) */
  readonly username?: string;
  /** @default '<PREFIX>_PASSWORD' (only when the target has a password key) */
  readonly password?: string;
  /** @default '<PREFIX>_DATABASE' (only when the target has a database key or name) */
  readonly database?: string;
}

/**
 * How a client gets the target's address: 'host-port' (`<PREFIX>_HOST` and `<PREFIX>_PORT`),
 * 'addr' (`<PREFIX>_ADDR=host:port`), 'url' (`<PREFIX>_URL=scheme://…`), or 'none' (no env at
 * all: only the NetworkPolicies and the ordering).
 */
export type ConnectionEnvForm = 'host-port' | 'addr' | 'url' | 'none';

/** The URL of `envForm: 'url'`. */
export interface ConnectionUrlOptions {
  /** @default - the target's `endpoint.scheme` ('postgresql' for PostgreSQL, 'redis' for Redis, 'http' for a WebApp) */
  readonly scheme?: string;
  /** The path after the port, starting with '/'. @default - '/<database>' when the target has a database, else none */
  readonly path?: string;
  /**
   * Put the credentials in the URL, as references to the `<PREFIX>_USER` and `<PREFIX>_PASSWORD`
   * variables (`$(DB_USER)`), which Kubernetes expands in the container: the values stay in the
   * Secret. They are not URL-encoded, so a password with reserved characters ('@', ':', '/')
   * must be stored encoded (a database name the target knows is encoded in the URL; one read from
   * the Secret must be stored encoded too). `false` with 'url' as the only form: the pod gets no
   * `<PREFIX>_USER` and `<PREFIX>_PASSWORD` either, unless `env.username`/`env.password` name them.
   * @default true
   */
  readonly credentials?: boolean;
}


/** Options of `allowFrom` (and of `connectTo`, which does what allowFrom does and more). */
export interface AllowFromOptions {
  /**
   * Allow a target in a namespace other than the client's. Both charts need a namespace.
   * @default false
   */
  readonly allowCrossNamespace?: boolean;
  /**
   * DNS egress of the client: 'kube-dns' allows UDP/TCP 53 to the kube-dns pods in kube-system;
   * 'any' allows port 53 to any destination (NodeLocal DNSCache, custom resolvers).
   * @default 'kube-dns'
   */
  readonly dns?: DnsEgress;
}

/** Options of `allowFrom(pods)`, for pods that are not a timonel workload. */
export interface AllowFromPodsOptions {
  /**
   * The app's ports they may reach, by name or number (container or Service port).
   * @default - every port of the app (the endpoint's port for a construct that declares none)
   */
  readonly ports?: ReadonlyArray<number | string>;
}

/** What `allowFrom({ namespace, podLabels })` admitted: the escape hatch to its policy. */
export interface PodsAllowance {
  /** The pods, as given. */
  readonly pods: PodsRef;
  /** The workload they may reach. */
  readonly target: IConnectable;
  /** The pods' ports they may reach (container ports, as the policy matches them: by name, then number, for a named port). */
  readonly ports: readonly k8s.NetworkPolicyPort[];
  /** The target's own ingress policy `<name>`, which holds the rule (and isolates the target). */
  readonly ingressPolicy: k8s.KubeNetworkPolicy;
}

/** Options of `connectTo`. */
export interface ConnectOptions extends AllowFromOptions {
  /**
   * Prefix of the env var names: `<PREFIX>_HOST`, `<PREFIX>_PORT`, `<PREFIX>_USER`, ... Upper case
   * ('db' is an error: it would give 'db_HOST'); other names: `env`.
   * @default - the target's `endpoint.envPrefix`: its id in UPPER_SNAKE_CASE ('db' -> 'DB', 'orderDb' -> 'ORDER_DB')
   */
  readonly envPrefix?: string;
  /** Full env var names that replace the prefixed ones, by role; two roles cannot share one. @default - prefixed names */
  readonly env?: ConnectionEnvNames;
  /**
   * Which variables carry the address; several forms can be combined, e.g. ['addr', 'url'].
   * Credentials (by reference) come with every form but 'none' (with 'url' alone and `url: { credentials: false }` they are left out).
   * @default 'host-port'
   */
  readonly envForm?: ConnectionEnvForm | readonly ConnectionEnvForm[];
  /** The URL of `envForm: 'url'`. @default - the target's scheme, its database as path, credentials by reference */
  readonly url?: ConnectionUrlOptions;
  /**
   * The containers that get the env: 'main', 'all' (main, sidecars and init containers), or
   * container names such as `['main', 'migrate']`. Each gets the same variables.
   * @default 'main'
   */
  readonly containers?: ConnectionContainers;
  /**
   * Use these credentials instead of the target's: a Secret in the client's namespace (required
   * across namespaces, since a pod can only reference Secrets of its own namespace), or a
   * least-privilege user. `keys` default to the target's keys.
   * @default - the target's credentials Secret
   */
  readonly credentials?: { readonly secretName: string; readonly keys?: CredentialKeys };
}

/** One connection (or allowance) between a client and a target: the escape hatch to its objects. */
export interface Connection {
  readonly client: IConnectionClient;
  readonly target: IConnectable;
  /** The env var names injected into the client's main container, by role (empty for `allowFrom`). */
  readonly env: Readonly<Partial<Record<keyof ConnectionEnvNames, string>>>;
  /** `<client>-to-<target>`: egress from the client's pods to the target's port, plus DNS. */
  readonly egressPolicy: k8s.KubeNetworkPolicy;
  /** `<target>-from-<client>`: ingress to the target's pods on its port from the client's pods. */
  readonly ingressPolicy: k8s.KubeNetworkPolicy;
}


/**
 * The default env prefix for an id: UPPER_SNAKE_CASE ('db' -> 'DB', 'shop-db' -> 'SHOP_DB',
 * 'orderDb' -> 'ORDER_DB'); a leading digit gets a '_' in front. Never fails.
 */
export function envPrefixFromId(id: string): string {
  const snake = id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  if (snake === '') return '_';
  return /^[0-9]/.test(snake) ? `_${snake}` : snake;
}

// Per client: the targets it is wired to (connectTo or allowFrom), for duplicate checks.
const WIRED = new WeakMap<IConstruct, Map<IConstruct, 'connectTo' | 'allowFrom'>>();
// Charts that depend on other charts through connectTo, for cycle checks before cdk8s sees them.
const CHART_EDGES = new WeakMap<IConstruct, Set<IConstruct>>();

/**
 * Where a connection was asked for, as the user wrote it: the verb (`connectTo`, options reported
 * as `connectTo.<option>`), or an item of a construct's `connectTo` prop (`connectTo[0]`, options
 * `connectTo[0].options.<option>`), whose options the construct's props spec already checked.
 */
export interface ConnectSite {
  /** The call or the prop item. */
  readonly prop: string;
  /** The options object. */
  readonly options: string;
  /** The options were checked by a props spec, so connectTo does not check them again. */
  readonly checked: boolean;
}

const CONNECT_VERB: ConnectSite = { prop: 'connectTo', options: 'connectTo', checked: false };

/**
 * `client.connectTo(target)`: env vars for the client (host, port, credentials as secretKeyRefs),
 * the NetworkPolicy pair admitting exactly this traffic (plus the client's DNS), and a dependency
 * so the target's objects come first in the output. Problems are reported at `site`.
 */
export function connect(client: IConnectionClient, target: IConnectable, options: ConnectOptions = {}, site: ConnectSite = CONNECT_VERB): Connection {
  const verb = 'connectTo';
  checkConnectable(client, target, site.prop);
  if (!site.checked) checkValue(CONNECT_OPTIONS, options, client, site.options);
  checkPair(client, target, options, verb, site);
  checkNoCycle(client, target, site.prop);
  const e = target.endpoint;
  // The target as written below its chart ('db', 'api/web' for a WebApp inside a construct of yours).
  const below = targetBelowChart(target);
  const source = `${verb}(${below})`;
  const env = connectionEnv(client, target, options, site.options, source);
  const lists = Object.keys(env.vars).length ? client.pod.envLists(options.containers ?? 'main', `${site.options}.containers`) : [];
  // Computed only on a repeat: a prefix is suggested only when its names are all free (else the fix would loop).
  const repeatFix = () => {
    const prefix = freeEnvPrefix(client, target, options, site.options, source, lists);
    return `give this connection names of its own: ${prefix !== undefined ? `connectTo(${target.node.id}, { envPrefix: '${prefix}' }), or ` : ''}`
      + "name each variable (env: { host: '…', port: '…' }), or envForm: 'none' when the app needs no address";
  };
  // Check every name in every container before anything is added, so a failed call leaves the client unchanged.
  for (const list of lists) list.check(env.vars, source, repeatFix);
  checkApiServerReachable(client, 'egress', site.prop, target.node.path);
  const policies = addPolicies(client, target, e, options);
  for (const list of lists) list.add(env.vars, source, repeatFix);
  addDependency(client, target, { scope: client, prop: 'connectTo' });
  const clientChart = Chart.of(client);
  const targetChart = Chart.of(target);
  if (clientChart !== targetChart) edgesOf(clientChart).add(targetChart);
  record(client, target, verb);
  return remember({ client, target, env: env.names, ...policies });
}

/**
 * An env prefix other than the connection's whose variables are all free in every container of
 * `lists`: from the target's path below its chart or its Service name ('SHOP_DB'), else numbered
 * ('DB2'); undefined when none is (the clash is then in names given by `env`).
 */
function freeEnvPrefix(client: IConnectionClient, target: IConnectable, o: ConnectOptions, at: string, source: string, lists: readonly EnvList[]): string | undefined {
  const current = o.envPrefix ?? target.endpoint.envPrefix;
  const numbered = [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${current}${n}`);
  for (const prefix of new Set([envPrefixFromId(targetBelowChart(target)), envPrefixFromId(target.endpoint.name), ...numbered])) {
    if (prefix === current) continue;
    let names: string[];
    try {
      names = Object.keys(connectionEnv(client, target, { ...o, envPrefix: prefix }, at, source).vars);
    } catch {
      continue;
    }
    if (lists.every((list) => names.every((name) => list.isFree(name)))) return prefix;
  }
  return undefined;
}

/**
 * `target.allowFrom(client)`: only the NetworkPolicy pair, no env and no ordering. For traffic
 * `connectTo` cannot express, such as the reverse direction of an existing connection.
 */
export function allowFrom(target: IConstruct, client: IConnectionClient, options: AllowFromOptions = {}): Connection {
  const verb = 'allowFrom';
  if (!isConnectable(target)) {
    fail({
      scope: target, prop: verb, message: 'needs a workload that serves a port (a Service), so there is something to allow traffic to',
      value: target.node.path, allowed: 'a StatefulStore, a WebApp or another IConnectable',
      fix: `call allowFrom on the workload that is reached, e.g. 'db.allowFrom(${isConstruct(client) ? client.node.id : 'api'})'`,
    });
  }
  if (!isConnectionClient(client)) {
    fail({
      scope: target, prop: verb, message: 'needs the workload whose pods may connect', value: received(client),
      allowed: "a WebApp, Worker, BatchJob, StatefulStore or another Workload, or pods as { namespace, podLabels? }",
      fix: typeof client === 'string'
        ? `pass the construct itself, not its name, e.g. ${target.node.id}.allowFrom(api); for every pod of a namespace, ${target.node.id}.allowFrom({ namespace: '${client}' })`
        : missingFix(client, `${target.node.id}.allowFrom(api)`),
    });
  }
  checkSameApp(target, verb, client, () => {
    const t = separateAppsTraffic(client.node.id, client, target.node.id, target.endpoint);
    return `create both in one App; for a client deployed separately, write here ${t.ingress}, and in its App ${t.egress}`;
  });
  checkProps(ALLOW_FROM_ARGS, { allowFrom: options }, target);
  checkPair(client, target, options, verb);
  checkApiServerReachable(client, 'egress', `${target.node.id}.allowFrom(${client.node.id})`, client.node.path);
  const policies = addPolicies(client, target, target.endpoint, options);
  record(client, target, verb);
  return remember({ client, target, env: {}, ...policies });
}

// Per target: the pods references already admitted (by canonical key), for duplicate checks.
const PODS_ADMITTED = new WeakMap<IConstruct, Set<string>>();

/** True when `x` is meant as a pods reference: a plain object with keys (`{}` says nothing), not a construct. */
export function isPodsRefLike(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !isConstruct(x) && Object.getPrototypeOf(x) === Object.prototype
    && Object.keys(x).length > 0;
}

/**
 * `target.allowFrom({ namespace, podLabels? })`: admits pods timonel did not build (every pod of
 * the namespace, or those with the labels) on the target's ports, through the target's own
 * policy `<name>`. No env, no egress policy (the pods are not ours), no ordering.
 */
export function allowFromPods(target: IConstruct, pods: PodsRef, options: AllowFromPodsOptions = {}): PodsAllowance {
  const verb = 'allowFrom';
  if (!isConnectable(target)) {
    fail({
      scope: target, prop: verb, message: 'needs a workload that serves a port (a Service), so there is something to allow traffic to',
      value: pods, allowed: 'a StatefulStore, a WebApp or another IConnectable',
      // A Worker serves no port, but its metrics port admits a scraper.
      fix: (isPodsRefLike(pods) ? metricsFix(target, pods) : undefined) ?? 'call allowFrom on the workload that is reached, e.g. \'admin.allowFrom({ namespace: \'ops\' })\'',
    });
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail({ scope: target, prop: `${verb}.options`, message: 'must be an object of options', value: options, allowed: 'an object of options (ConnectOptions), or nothing', fix: 'pass an object, or leave it out' });
  }
  checkArgs(target, [[podsRef, pods, verb], [ALLOW_FROM_PODS_OPTIONS, options, verb]]);
  const all = appPortsOf(target);
  const chosen = options.ports ? options.ports.map((want, i) => findPort(target, `${verb}.ports[${i}]`, all, want)) : all.filter(onService);
  const ports = namedPolicyPorts(podPortsOf(target), [...new Set(chosen)].map((p) => ({ protocol: p.protocol ?? 'TCP', port: intOrString(p.port) })));
  const labels = pods.podLabels && Object.keys(pods.podLabels).length ? { ...pods.podLabels } : undefined;
  const key = JSON.stringify([pods.namespace, Object.entries(labels ?? {}).sort()]);
  let seen = PODS_ADMITTED.get(target);
  if (!seen) PODS_ADMITTED.set(target, (seen = new Set()));
  if (seen.has(key)) {
    fail({
      scope: target, prop: verb, message: `admits the same pods of namespace '${pods.namespace}' twice`, value: pods,
      allowed: 'each pods reference once per workload', fix: 'remove the second call; pass every port to the first one ({ ports: [...] })',
    });
  }
  seen.add(key);
  const from = {
    namespaceSelector: { matchLabels: { [DEFAULTS.connections.namespaceNameLabel]: pods.namespace } },
    podSelector: labels ? { matchLabels: labels } : undefined,
  };
  const ingressPolicy = NetworkAccess.of(target)._admitClientPods(from, ports);
  return { pods, target, ports, ingressPolicy };
}

/**
 * Fails unless `target` can be connected to: anything with an `endpoint` (a Service to reach), in
 * the App of `client`. Checked first, so a missing or wrong target is a TimonelError, not a TypeError.
 */
export function checkConnectable(client: IConstruct, target: unknown, verb: string): asserts target is IConnectable {
  if (isConnectable(target) && isConstruct(target)) {
    checkSameApp(client, verb, target, () => {
      if (!isConnectionClient(client)) return 'create both in one App';
      const t = separateAppsTraffic(client.node.id, client, target.node.id, target.endpoint);
      return `create both in one App; for an app deployed separately, write here ${t.egress} and give ${client.node.id} its address with addEnv, and in its App ${t.ingress}`;
    });
    return;
  }
  if (isConstruct(target)) fail({ scope: client, prop: verb, value: target.node.path, ...notConnectable(target, client) });
  fail({
    scope: client, prop: verb, message: 'needs the construct to connect to', value: received(target),
    allowed: CONNECTABLE_ALLOWED, fix: missingFix(target, `${client.node.id}.${verb}(db)`),
  });
}

/** What connectTo takes, in words. */
export const CONNECTABLE_ALLOWED = 'a timonel workload that serves a port: a WebApp, a StatefulStore, a preset such as PostgreSQL or Redis, or another IConnectable';

/**
 * Why a construct cannot be connected to, and what to write instead: its workload for a part of
 * one (`web.service`), a workload of a chart, the other direction for a workload that serves no
 * port (a Worker), and allowEgress for a Service timonel did not build. `client` names the
 * connecting workload in the examples.
 */
export function notConnectable(target: IConstruct, caller: string | IConstruct = 'api'): Problem {
  const id = target.node.id;
  const client = typeof caller === 'string' ? caller : caller.node.id;
  if (Chart.isChart(target)) {
    // The caller is no example: a workload cannot connect to itself.
    const inside = target.node.findAll().filter((c) => c !== target && c !== caller && isConnectable(c) && Chart.of(c) === target).map((c) => c.node.id);
    return {
      message: 'is given a chart, but connects to one workload',
      allowed: CONNECTABLE_ALLOWED,
      fix: inside.length
        ? `connect to a workload of the chart, e.g. ${client}.connectTo(${inside[0]}) (the ones that serve a port: ${inside.slice(0, 5).join(', ')}${inside.length > 5 ? ', …' : ''})`
        : `connect to one workload that serves a port, e.g. ${client}.connectTo(db) for a StatefulStore or WebApp named db; chart '${id}' has none${typeof caller !== 'string' && Chart.of(caller) === target ? ` besides ${client}` : ''}`,
    };
  }
  for (let owner = target.node.scope; owner; owner = owner.node.scope) {
    if (isConnectable(owner)) {
      return {
        message: `is given a part of '${owner.node.path}', not the workload`,
        allowed: CONNECTABLE_ALLOWED,
        fix: `connect to the workload itself: ${client}.connectTo(${owner.node.id})`,
      };
    }
  }
  if (isConnectionClient(target)) {
    return {
      message: 'is given a workload that serves no port, so nothing can connect to it',
      allowed: CONNECTABLE_ALLOWED,
      fix: `for traffic the other way, write ${id}.connectTo(${client}); only a workload that serves a port (a WebApp, a StatefulStore) can be connected to`,
    };
  }
  return {
    message: 'is given a construct that is not a timonel workload serving a port',
    allowed: CONNECTABLE_ALLOWED,
    fix: "connect to a timonel workload; to reach a Service timonel did not build (a kplus Service, another chart's or a Helm release's), allow the traffic with "
      + `${client}.allowEgress(EgressTarget.namespace('<its namespace>', { podLabels: { … }, ports: [<its pod port>] })) (or EgressTarget.cidrs([...]) for addresses outside the cluster) and give ${client} its address with addEnv`,
  };
}

/** True when `x` can be the client of a connection: a workload with pods, labels and a name. */
export function isConnectionClient(x: unknown): x is IConnectionClient {
  const c = x as Partial<IConnectionClient> | undefined;
  return isConstruct(x) && typeof c?.name === 'string' && typeof c.selectorLabels === 'object' && c.selectorLabels !== null
    && typeof c.pod?.envLists === 'function';
}

/** The value to show for a wrong target: a construct's path, else the value itself. */
function received(x: unknown): unknown {
  return isConstruct(x) ? x.node.path : x;
}

export function missingFix(x: unknown, example: string): string {
  if (x === undefined || x === null) return `pass a construct created before this call, e.g. ${example} (undefined often means the variable is assigned later)`;
  if (typeof x === 'string') return `pass the construct itself, not its name, e.g. ${example}`;
  return `pass the construct, e.g. ${example}`;
}

function checkPair(client: IConnectionClient, target: IConnectable, options: AllowFromOptions, verb: string, site?: ConnectSite): void {
  const scope = verb === 'allowFrom' ? target : client;
  const prop = site?.prop ?? verb;
  const allowCross = site && site.options !== site.prop
    ? `add allowCrossNamespace: true to '${site.options}'`
    : `pass { allowCrossNamespace: true } to ${verb}`;
  if ((client as IConstruct) === target) {
    const id = target.node.id;
    // A StatefulStore (the one with a headless Service) keeps its replicas' traffic open itself (`<name>-peers`).
    const store = isConstruct((target as { headlessService?: unknown }).headlessService);
    fail({
      scope, prop, message: 'cannot connect a workload to itself', value: client.node.path,
      allowed: 'another workload',
      fix: store
        ? 'replicas of a StatefulStore already reach each other through its headless Service'
        : `name another workload (e.g. ${id}.${verb}(${(verb === 'allowFrom' ? ['api', 'web'] : ['db', 'cache']).find((x) => x !== id)})); pods of one app reach each other through its Service with nothing to declare, `
          + `unless NetworkPolicies isolate them (isolate: true, a client, a connectTo): then ${id}.allowEgress(EgressTarget.app(${id})) admits them (and limits ${id}'s egress to what is declared)`,
    });
  }
  const before = WIRED.get(client)?.get(target);
  if (before) {
    fail({
      scope, prop,
      message: `wires '${client.node.path}' to '${target.node.path}' twice (already done by ${before})`,
      value: target.node.path, allowed: 'one connectTo or allowFrom per client and target',
      fix: 'remove the second call; pass every option to the first one',
    });
  }
  checkCrossNamespace(scope, prop, target.node.path, client.namespace, target.endpoint.namespace, !!options.allowCrossNamespace, `${allowCross} if this traffic is intended`);
}

// A dependency cycle would only surface at synth as cdk8s's "Dependency cycle detected".
function checkNoCycle(client: IConnectionClient, target: IConnectable, prop: string): void {
  const fixText = `keep the existing connectTo and open this direction with '${target.node.id}.allowFrom(${client.node.id})', adding env with addEnv`;
  if (reaches(target, client, (c) => c.node.dependencies)) {
    fail({
      scope: client, prop, message: `would make a dependency cycle: '${target.node.path}' already depends on '${client.node.path}'`,
      value: target.node.path, allowed: 'connections without cycles (the target is applied first)', fix: fixText,
    });
  }
  const from = Chart.of(client);
  const to = Chart.of(target);
  if (from !== to && reaches(to, from, (c) => [...c.node.dependencies, ...(CHART_EDGES.get(c) ?? [])])) {
    fail({
      scope: client, prop, message: `would make a cycle between charts: chart '${to.node.path}' already depends on chart '${from.node.path}'`,
      value: target.node.path, allowed: 'charts that depend on each other in one direction only', fix: fixText,
    });
  }
}

function reaches(from: IConstruct, to: IConstruct, next: (c: IConstruct) => readonly IConstruct[]): boolean {
  const seen = new Set<IConstruct>();
  const stack = [from];
  while (stack.length) {
    const c = stack.pop()!;
    if (c === to) return true;
    if (seen.has(c)) continue;
    seen.add(c);
    stack.push(...next(c));
  }
  return false;
}

// The options were checked (CONNECT_OPTIONS); what is checked here depends on the target. `at`
// is where the options are, as the user wrote them; `source` names the connection ('connectTo(db)').
function connectionEnv(client: IConnectionClient, target: IConnectable, o: ConnectOptions, at: string, source: string) {
  const e = target.endpoint;
  const prefix = o.envPrefix ?? e.envPrefix;
  const forms = envFormsOf(o);
  const names: Partial<Record<keyof ConnectionEnvNames, string>> = {};
  const vars: EnvMap = {};
  if (forms.includes('none')) return { names, vars };
  const s = DEFAULTS.connections.envSuffixes;
  const defaultName = (role: keyof ConnectionEnvNames) => `${prefix}_${s[role]}`;
  const nameOf = (role: keyof ConnectionEnvNames) => o.env?.[role] ?? defaultName(role);
  const roleOf = new Map<string, keyof ConnectionEnvNames>();
  const put = (role: keyof ConnectionEnvNames, value: string | EnvValue) => {
    const name = nameOf(role);
    const first = roleOf.get(name);
    // Two roles under one name would leave one variable: the other value silently gone.
    if (first !== undefined) repeatedRole(client, at, source, name, first, role, o.env ?? {}, defaultName);
    roleOf.set(name, role);
    names[role] = name;
    vars[name] = value;
  };
  if (forms.includes('host-port')) {
    put('host', e.host);
    put('port', String(e.port));
  }
  if (forms.includes('addr')) put('addr', `${e.host}:${e.port}`);
  // A URL without credentials as the only form: nothing would read the user and password, so the
  // pod does not get them, unless `env` names them (an app that reads them beside the URL).
  const noCredentials = forms.every((f) => f === 'url') && o.url?.credentials === false;
  const roles = (['username', 'password', 'database'] as const).filter((r) => r === 'database' || !noCredentials || o.env?.[r] !== undefined);
  const own = target.endpoint.credentials;
  const creds = o.credentials || roles.some((r) => own?.keys[r] !== undefined) ? credentialsFor(client, target, o, at) : undefined;
  if (creds) {
    for (const role of roles) {
      const key = creds.keys[role];
      if (key !== undefined) put(role, EnvValue.fromSecret(creds.secretName, key));
    }
  }
  let literalDatabase: string | undefined;
  if (names.database === undefined && e.database !== undefined) {
    put('database', e.database);
    literalDatabase = e.database;
  }
  // Last: it refers to the credential variables, which Kubernetes expands only when defined before.
  if (forms.includes('url')) put('url', connectionUrl(client, target, o.url ?? {}, names, literalDatabase, at, nameOf('addr')));
  return { names, vars };
}

/**
 * Fails on two roles of one connection given the same variable name (`env: { host: 'DB_PORT' }`,
 * `{ host: 'X', port: 'X' }`), at the one of them the user named (the later, when both are named).
 */
function repeatedRole(
  client: IConnectionClient, at: string, source: string, name: string, first: keyof ConnectionEnvNames, then: keyof ConnectionEnvNames,
  env: ConnectionEnvNames, defaultName: (role: keyof ConnectionEnvNames) => string,
): never {
  const role = env[then] !== undefined ? then : first;
  const other = role === then ? first : then;
  const own = defaultName(role);
  let fix: string;
  if (env[other] === undefined) {
    fix = `leave '${role}' out of env, so the ${role} is '${own}' (the ${other} is '${name}'), or give it a name no other variable has`;
  } else if (Object.values(env).includes(own)) {
    fix = `give the ${role} a name that no other role of this connection has (the ${other} keeps '${name}')`;
  } else {
    const fixed = Object.entries({ ...env, [role]: own }).map(([k, v]) => `${k}: '${v}'`).join(', ');
    fix = `give each role a name of its own, e.g. env: { ${fixed} }`;
  }
  return fail({
    scope: client, prop: `${at}.env.${role}`,
    message: `defines the variable '${name}' twice (through '${source}': for its '${first}', then for its '${then}')`,
    value: name, allowed: 'each variable name once per container', fix,
  });
}

function connectionUrl(
  client: IConnectionClient, target: IConnectable, u: ConnectionUrlOptions, names: Partial<Record<keyof ConnectionEnvNames, string>>,
  literalDatabase: string | undefined, at: string, addrName: string,
): string {
  const e = target.endpoint;
  const scheme = u.scheme ?? e.scheme;
  if (scheme === undefined && e.grpc) {
    fail({
      scope: client, prop: `${at}.url.scheme`,
      message: `is needed: '${target.node.path}' serves gRPC, which has no URL scheme of its own (gRPC clients dial host:port; an http:// URL would make an HTTP client speak HTTP/1.1 to it)`,
      value: u.scheme, allowed: "the scheme your gRPC client parses, such as 'grpc'",
      fix: `use envForm: 'addr' (${addrName}=${e.host}:${e.port}, what gRPC clients dial), or name the scheme your client parses: url: { scheme: 'grpc' }`,
    });
  }
  if (scheme === undefined) {
    fail({
      scope: client, prop: `${at}.url.scheme`, message: 'is needed: the target has no URL scheme of its own',
      allowed: "a lowercase scheme such as 'http', 'postgres' or 'redis'", fix: "pass { url: { scheme: 'http' } }",
    });
  }
  // A database name known here that a URL must encode ('my shop') is written encoded; one read from
  // a Secret can only be referred to, so it must be stored encoded (as the password).
  const encoded = literalDatabase !== undefined ? encodeURIComponent(literalDatabase) : undefined;
  const database = encoded !== undefined && encoded !== literalDatabase ? encoded : names.database !== undefined ? `$(${names.database})` : undefined;
  const path = u.path ?? (database !== undefined ? `/${database}` : '');
  let userinfo = '';
  if (u.credentials ?? true) {
    const user = names.username !== undefined ? `$(${names.username})` : '';
    const password = names.password !== undefined ? `:$(${names.password})` : '';
    if (user || password) userinfo = `${user}${password}@`;
  }
  return `${scheme}://${userinfo}${e.host}:${e.port}${path}`;
}

function credentialsFor(client: IConnectionClient, target: IConnectable, o: ConnectOptions, at: string): CredentialsRef | undefined {
  const own = target.endpoint.credentials;
  if (o.credentials) return { secretName: o.credentials.secretName, keys: o.credentials.keys ?? own?.keys ?? DEFAULTS.statefulStore.credentials.keys };
  if (own && client.namespace !== target.endpoint.namespace) {
    fail({
      scope: client, prop: `${at}.credentials`,
      message: `is required across namespaces: a pod can only read Secrets of its own namespace, and '${own.secretName}' is in ${nsName(target.endpoint.namespace)}`,
      allowed: `a Secret in namespace ${nsName(client.namespace)} with the same keys`,
      fix: "copy the credentials into the client's namespace (e.g. an ExternalSecret) and pass { credentials: { secretName } }",
    });
  }
  return own;
}

function addPolicies(client: IConnectionClient, target: IConnectable, e: ConnectionEndpoint, o: AllowFromOptions) {
  const c = DEFAULTS.connections;
  const cross = client.namespace !== e.namespace;
  const nsSelector = (n: string | undefined) => (cross ? { namespaceSelector: { matchLabels: { [c.namespaceNameLabel]: n! } } } : {});
  // By name and number where the target's pods name the port: a port change does not cut old pods off.
  const ports = namedPolicyPorts(podPortsOf(target), [{ protocol: e.protocol ?? 'TCP', port: intOrString(e.targetPort) }]);
  const egressName = policyName(client, [client.name, 'to', e.name]);
  const ingressName = policyName(target, [e.name, 'from', client.name]);
  const egressPolicy = new k8s.KubeNetworkPolicy(client, uniqueId(client, egressName), {
    metadata: { name: egressName, labels: { ...client.labels } },
    spec: {
      podSelector: { matchLabels: { ...client.selectorLabels } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ...nsSelector(e.namespace), podSelector: { matchLabels: { ...e.selectorLabels } } }], ports },
        dnsRule(o.dns ?? 'kube-dns'),
      ],
    },
  });
  const ingressPolicy = new k8s.KubeNetworkPolicy(target, uniqueId(target, ingressName), {
    metadata: { name: ingressName, labels: { ...(e.labels ?? e.selectorLabels) } },
    spec: {
      podSelector: { matchLabels: { ...e.selectorLabels } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ...nsSelector(client.namespace), podSelector: { matchLabels: { ...client.selectorLabels } } }], ports }],
    },
  });
  NetworkAccess.of(target)._addClient();
  egressRestricted(client);
  return { egressPolicy, ingressPolicy };
}

function uniqueId(scope: IConstruct, name: string): string {
  const id = `NetworkPolicy-${name}`;
  if (scope.node.tryFindChild(id)) {
    fail({
      scope, prop: 'connectTo', message: `needs the NetworkPolicy name '${name}' twice`, value: name,
      allowed: 'targets and clients with distinct names', fix: "give one of the workloads a different id or 'name'",
    });
  }
  return id;
}

// Per client: its connections and allowances, in the order they were made.
const CONNECTIONS = new WeakMap<IConstruct, Connection[]>();

/** The connections (`connectTo`) and allowances (`allowFrom`) in which `client` is the client. */
export function connectionsOf(client: IConstruct): readonly Connection[] {
  return CONNECTIONS.get(client) ?? [];
}

function remember(c: Connection): Connection {
  let list = CONNECTIONS.get(c.client);
  if (!list) CONNECTIONS.set(c.client, (list = []));
  list.push(c);
  return c;
}

function record(client: IConstruct, target: IConstruct, verb: 'connectTo' | 'allowFrom'): void {
  let m = WIRED.get(client);
  if (!m) WIRED.set(client, (m = new Map()));
  m.set(target, verb);
}

function edgesOf(chart: IConstruct): Set<IConstruct> {
  let s = CHART_EDGES.get(chart);
  if (!s) CHART_EDGES.set(chart, (s = new Set()));
  return s;
}

/** The target's path below its chart ('db'; 'api/web' for a WebApp inside a construct of the user's). */
function targetBelowChart(target: IConstruct): string {
  const chart = Chart.of(target);
  const rest = target.node.path.slice(chart.node.path.length).replace(/^\//, '');
  return rest === '' ? target.node.id : rest;
}
