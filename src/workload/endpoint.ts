import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { PortSpec } from '../core/ports';
import { intOrString } from '../core/probes';

/** What a credential key is for. */
export type CredentialRole = 'username' | 'password' | 'database';

/** The keys of a Secret that hold each credential, by role. A missing role is not in the Secret. */
export interface CredentialKeys {
  readonly username?: string;
  readonly password?: string;
  readonly database?: string;
}

/** Credentials by reference: a Secret in the target's namespace and which key holds what. */
export interface CredentialsRef {
  readonly secretName: string;
  readonly keys: CredentialKeys;
}

/**
 * What a client needs to reach a target and what the NetworkPolicies need to let it in.
 * Anything that exposes one (`IConnectable`) can be the target of `connectTo`.
 */
export interface ConnectionEndpoint {
  /** The Kubernetes name of the target (policy names are made from it). */
  readonly name: string;
  /** The target's namespace. @default - the namespace kubectl applies to (same as the client's) */
  readonly namespace?: string;
  /** The DNS name clients dial: `<service>.<namespace>.svc`, or `<service>` without a namespace. */
  readonly host: string;
  /** The port clients dial (the Service port). */
  readonly port: number;
  /** The port the target's pods listen on (what NetworkPolicies match, after the Service's DNAT). */
  readonly targetPort: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** Labels that select exactly the target's pods. */
  readonly selectorLabels: Record<string, string>;
  /** Labels for the objects created on the target's side. @default - `selectorLabels` */
  readonly labels?: Record<string, string>;
  /** The default prefix of the env vars a client gets, e.g. 'DB'. */
  readonly envPrefix: string;
  /** Credentials a client gets as secretKeyRefs. @default - none */
  readonly credentials?: CredentialsRef;
  /** A database name handed to clients as `<PREFIX>_DATABASE` when the credentials have no database key. */
  readonly database?: string;
  /** The URL scheme of `envForm: 'url'`, e.g. 'postgres', 'redis', 'http'. @default - none: a URL needs `url.scheme` */
  readonly scheme?: string;
  /**
   * The port serves gRPC, which has no URL scheme of its own: `envForm: 'url'` needs `url.scheme`,
   * and the error suggests `envForm: 'addr'` (what gRPC clients dial).
   * @default false
   */
  readonly grpc?: boolean;
  /**
   * The target's replicas talk to each other (replication, clustering): once a policy isolates
   * its pods, a `<name>-peers` NetworkPolicy keeps pod-to-pod traffic among them open.
   * @default false
   */
  readonly peerTraffic?: boolean;
}

/** Something clients can `connectTo`: a StatefulStore, a WebApp, or your own construct. */
export interface IConnectable extends IConstruct {
  /** Where and how to reach it. */
  readonly endpoint: ConnectionEndpoint;
}

/** Where the client's pods may resolve names once their egress is restricted. */
export type DnsEgress = 'kube-dns' | 'any';

/** True when `x` exposes an `endpoint` (duck-typed, so any construct can be a target). */
export function isConnectable(x: unknown): x is IConnectable {
  const e = (x as { endpoint?: Partial<ConnectionEndpoint> } | undefined)?.endpoint;
  return !!e && typeof e.host === 'string' && typeof e.port === 'number' && typeof e.selectorLabels === 'object';
}

/**
 * The ports of an app: those it declares (`ports` of a WebApp or StatefulStore, pod-only ones
 * included), else its endpoint's one port (your own IConnectable).
 */
export function appPortsOf(target: IConnectable): readonly PortSpec[] {
  const declared = (target as { readonly ports?: readonly PortSpec[] }).ports;
  if (Array.isArray(declared) && declared.length) return declared;
  const e = target.endpoint;
  return [{ name: String(e.targetPort), port: e.targetPort, servicePort: e.port, protocol: e.protocol }];
}

/** The container ports `target`'s pods declare by name: a served workload's or NodeAgent's `ports`, else none. */
export function podPortsOf(target: IConstruct): readonly PortSpec[] {
  const declared = (target as { readonly ports?: readonly PortSpec[] }).ports;
  return Array.isArray(declared) ? declared : [];
}

/**
 * NetworkPolicy ports to pods that declare the ports `named`: a single port they name is written by
 * name, then by number. The name matches old and new pods alike while a rollout changes the number
 * (the policies are applied before the pods roll); the number keeps the rule where a network plugin
 * does not resolve the name (docs/decisions/named-policy-ports.md). Ranges, and ports the pods do
 * not name, stay numbers. Only for rules whose peers are those pods: an address has no named ports.
 */
export function namedPolicyPorts(named: readonly PortSpec[], ports: readonly k8s.NetworkPolicyPort[]): k8s.NetworkPolicyPort[] {
  const out = ports.flatMap((p) => {
    const protocol = p.protocol ?? 'TCP';
    const number = p.port?.value;
    const spec = typeof number === 'number' && p.endPort === undefined
      ? named.find((x) => x.port === number && (x.protocol ?? 'TCP') === protocol) : undefined;
    return spec ? [{ protocol, port: intOrString(spec.name) }, p] : [p];
  });
  const key = (p: k8s.NetworkPolicyPort) => `${p.protocol ?? 'TCP'}/${p.port?.value}/${p.endPort ?? ''}`;
  return out.filter((p, i) => out.findIndex((q) => key(q) === key(p)) === i);
}
