import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { fail } from '../core/errors';
import { PortSpec, validatePortNumber, validatePorts } from '../core/ports';
import { intOrString } from '../core/probes';
import { isZeroIntOrPercent } from '../core/specs';
import { checkedCopy, checkProps, childPath } from '../core/validation';
import { Policy } from '../policies';
import { ConnectOptions, IConnectable } from '../workload/connections';
import { namedPolicyPorts } from '../workload/endpoint';
import { Workload, WorkloadProps } from '../workload/workload';
import { NODE_AGENT_PROPS } from './props/node-agent';

/** How a NodeAgent's pods are replaced on a change. */
export interface NodeAgentUpdateOptions {
  /** `'OnDelete'` replaces a pod only when you delete it. @default 'RollingUpdate' (DEFAULTS.nodeAgent.updateType) */
  readonly type?: 'RollingUpdate' | 'OnDelete';
  /** Nodes whose agent may be down at once during a rolling update (a count or a percentage). @default 1 */
  readonly maxUnavailable?: number | string;
  /** Nodes that may run a new pod beside the old one during a rolling update. @default 0 */
  readonly maxSurge?: number | string;
}

/** A directory or file of the node mounted into the agent. Needs a reason: it breaks Pod Security baseline. */
export interface HostPathMount {
  /** The volume name. */
  readonly name: string;
  /** The absolute path on the node, e.g. '/var/log'. */
  readonly path: string;
  /** Where it appears in the container. @default - the same path */
  readonly mountPath?: string;
  /** @default true */
  readonly readOnly?: boolean;
  /** What must be at the path. @default - nothing is checked */
  readonly type?: 'Directory' | 'DirectoryOrCreate' | 'File' | 'FileOrCreate' | 'Socket';
  /** Why the agent needs it (at least 10 characters): recorded as the suppression of the Pod Security rules. */
  readonly reason: string;
}

/** A port of the agent published on the node's address. Needs a reason: it breaks Pod Security baseline. */
export interface HostPortSpec {
  /** The port name (≤ 15 characters). */
  readonly name: string;
  /** The container port. */
  readonly port: number;
  /** The port on the node. @default - the same as `port` */
  readonly hostPort?: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** Why the agent needs it (at least 10 characters). */
  readonly reason: string;
}

/** A connection given in NodeAgent props, with options. */
export interface NodeAgentConnection {
  readonly target: IConnectable;
  /** @default - connectTo's defaults */
  readonly options?: ConnectOptions;
}

/**
 * Props of a NodeAgent. Host access (paths, ports, network) is off unless opted into with a
 * reason; the chart must then allow it (`podSecurity: 'privileged'` on the TimonelChart, or a
 * profile without the Pod Security baseline rules), since the Namespace would reject the pods.
 */
export interface NodeAgentProps extends WorkloadProps {
  /** Ports the agent listens on (e.g. metrics), without a Service. @default - none */
  readonly ports?: PortSpec[];
  /** @default - RollingUpdate, maxUnavailable 1, maxSurge 0 */
  readonly update?: NodeAgentUpdateOptions;
  /** Old revisions kept for rollbacks. @default 5 */
  readonly revisionHistoryLimit?: number;
  /**
   * Run on every node whatever its taints (control plane, NoExecute, NoSchedule): a toleration
   * `operator: Exists`. Otherwise only `tolerations` apply.
   * @default false
   */
  readonly tolerateAllTaints?: boolean;
  /** Node paths mounted into the agent. @default - none */
  readonly hostPaths?: HostPathMount[];
  /** Ports published on the node's address. @default - none */
  readonly hostPorts?: HostPortSpec[];
  /** Use the node's network namespace (sees every interface of the node). @default - the pod network */
  readonly hostNetwork?: { readonly reason: string };
  /**
   * A NetworkPolicy `<name>` admitting inbound traffic only on the agent's ports (none: all denied).
   * Pods on the host network are not subject to NetworkPolicies.
   * @default true
   */
  readonly isolate?: boolean;
  /** Stores or services the agent connects to, as `connectTo` would. @default - none */
  readonly connectTo?: Array<IConnectable | NodeAgentConnection>;
}

/**
 * One pod per node: a DaemonSet for log shippers, node exporters and other per-node agents.
 * Pods get the defaults of every workload (restricted security, resources, a ServiceAccount
 * without token, config with checksum). Node access is never implicit: host paths, host ports
 * and the host network each need an opt-in with a reason, which is recorded as a suppression
 * of the Pod Security rule it breaks (visible in the YAML), and a chart whose Namespace admits it.
 */
export class NodeAgent extends Workload {
  /** The DaemonSet (the primary child, id 'Resource'). */
  public readonly daemonSet: k8s.KubeDaemonSet;
  /** The NetworkPolicy of `isolate`. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The agent's ports (host ports included). */
  public readonly ports: readonly PortSpec[];

  constructor(scope: Construct, id: string, props: NodeAgentProps) {
    super(scope, id, checkedCopy(checkProps(NODE_AGENT_PROPS, props, childPath(scope, id))));
    const d = DEFAULTS.nodeAgent;
    const reasons = (prop: string, r: string) => checkReason(this, prop, r);
    const hostPorts: Record<string, number> = {};
    const ports: PortSpec[] = [...(props.ports ?? [])];
    (props.hostPorts ?? []).forEach((h, i) => {
      reasons(`hostPorts[${i}].reason`, h.reason);
      hostPorts[h.name] = validatePortNumber(h.hostPort ?? h.port, this, `hostPorts[${i}].hostPort`);
      ports.push({ name: h.name, port: h.port, protocol: h.protocol });
    });
    this.ports = validatePorts(ports, this, 'ports');
    (props.hostPaths ?? []).forEach((h, i) => {
      reasons(`hostPaths[${i}].reason`, h.reason);
      if (!h.path.startsWith('/')) fail({ scope: this, prop: `hostPaths[${i}].path`, message: 'must be an absolute path on the node', value: h.path, allowed: "an absolute path on the node, e.g. '/var/log'", fix: `use '/${h.path}'` });
      this.pod.addHostPathVolume({ name: h.name, path: h.path, type: h.type }, `hostPaths[${i}].name`);
      this.pod.addMount({ volume: h.name, mountPath: h.mountPath ?? h.path, readOnly: h.readOnly ?? d.hostPathReadOnly });
    });
    if (props.hostNetwork) reasons('hostNetwork.reason', props.hostNetwork.reason);
    const update = this.updateStrategy(props.update, hostBinding(props));
    const tolerations: k8s.Toleration[] | undefined = props.tolerateAllTaints ? [...(props.tolerations ?? []), { operator: 'Exists' }] : undefined;
    const main = { ports: this.ports, portsProp: 'ports', hostPorts };

    this.daemonSet = new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: this.metadata(),
      spec: {
        selector: { matchLabels: this.selectorLabels },
        updateStrategy: update,
        revisionHistoryLimit: props.revisionHistoryLimit ?? d.revisionHistoryLimit,
        template: this.podTemplate({ main, hostNetwork: props.hostNetwork !== undefined, tolerations }),
      },
    });

    if (props.isolate ?? d.isolate) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: this.metadata(),
        spec: {
          podSelector: { matchLabels: this.selectorLabels },
          policyTypes: ['Ingress'],
          ingress: this.ports.length ? [{ ports: namedPolicyPorts(this.ports, this.ports.map((p) => ({ port: intOrString(p.port), protocol: p.protocol ?? 'TCP' }))) }] : [],
        },
      });
    }
    this.connectToEach(props.connectTo);
    // The reasons become suppressions on the DaemonSet, so reviewers see them in the YAML.
    const hostPathReasons = (props.hostPaths ?? []).map((h) => `${h.path}: ${h.reason.trim()}`).join('; ');
    if (hostPathReasons) {
      Policy.suppress(this.daemonSet, 'pss-baseline-host-path', hostPathReasons);
      Policy.suppress(this.daemonSet, 'pss-restricted-volume-types', hostPathReasons);
    }
    const hostPortReasons = (props.hostPorts ?? []).map((h) => `${h.name}: ${h.reason.trim()}`).join('; ');
    if (hostPortReasons) Policy.suppress(this.daemonSet, 'pss-baseline-host-ports', hostPortReasons);
    if (props.hostNetwork) Policy.suppress(this.daemonSet, 'pss-baseline-host-namespaces', props.hostNetwork.reason.trim());
    // A probe turned off with `false` is a choice made in code: recorded as a reasoned suppression
    // (of the pod, or of each container whose probes were turned off: the others are judged on their own).
    Policy._probesTurnedOff(this.daemonSet, this.pod.probeSuppressions(main));
  }

  /** `hostBinding` names what binds a port on the node (host ports, or the host network with ports), if anything. */
  private updateStrategy(u: NodeAgentUpdateOptions = {}, hostBinding?: string): k8s.DaemonSetUpdateStrategy {
    const d = DEFAULTS.nodeAgent;
    const type = u.type ?? d.updateType;
    if (type === 'OnDelete') {
      if (u.maxSurge !== undefined || u.maxUnavailable !== undefined) {
        fail({ scope: this, prop: 'update', message: "sets maxUnavailable or maxSurge with type 'OnDelete', which replaces pods only when they are deleted", value: u, allowed: "maxUnavailable and maxSurge with type 'RollingUpdate' only", fix: "drop them, or use type: 'RollingUpdate'" });
      }
      return { type };
    }
    const maxUnavailable = u.maxUnavailable ?? d.maxUnavailable;
    const maxSurge = u.maxSurge ?? d.maxSurge;
    for (const [k, x] of [['maxUnavailable', maxUnavailable], ['maxSurge', maxSurge]] as const) {
      const ok = typeof x === 'number' ? Number.isInteger(x) && x >= 0 : typeof x === 'string' && /^(100|[1-9]?[0-9])%$/.test(x);
      if (!ok) fail({ scope: this, prop: `update.${k}`, message: 'must be a node count or a percentage', value: x, allowed: "a whole number of at least 0, or a percentage such as '10%'", fix: "write a count such as 1, or a percentage such as '10%'" });
    }
    if (isZeroIntOrPercent(maxUnavailable) && isZeroIntOrPercent(maxSurge)) {
      fail({
        scope: this, prop: 'update', message: 'cannot have maxUnavailable and maxSurge both 0: the update could never replace a pod',
        value: { maxUnavailable, maxSurge }, allowed: 'maxUnavailable or maxSurge above 0',
        fix: hostBinding ? 'allow one node at a time (maxUnavailable: 1, the default)' : 'allow one node at a time (maxUnavailable: 1), or a surge (maxSurge: 1, maxUnavailable: 0)',
      });
    }
    // A surge pod starts on the node beside the old one: with a port bound on the node it never
    // schedules (the scheduler's NodePorts filter), the old pod is never deleted, and a DaemonSet
    // has no progress deadline, so the update waits forever.
    if (hostBinding && !isZeroIntOrPercent(maxSurge)) {
      fail({
        scope: this, prop: 'update.maxSurge',
        message: `must be 0 with ${hostBinding}: the surge pod would start on the same node while the old pod holds the port, so it never schedules and the update stalls forever`,
        value: maxSurge, allowed: '0 (the default) with host ports or the host network',
        fix: isZeroIntOrPercent(maxUnavailable) ? 'use maxSurge: 0 and maxUnavailable: 1 (the default: the old pod stops first)' : 'use maxSurge: 0 (the default): the old pod stops first, then the new one starts',
      });
    }
    return { type, rollingUpdate: { maxUnavailable: intOrString(maxUnavailable), maxSurge: intOrString(maxSurge) } };
  }
}

/** What binds a port on the node: host ports, or ports on the host network (where every container port is a host port). */
function hostBinding(props: NodeAgentProps): string | undefined {
  if (props.hostPorts?.length) return `hostPorts (${props.hostPorts.map((h) => h.hostPort ?? h.port).join(', ')})`;
  if (props.hostNetwork && props.ports?.length) return `hostNetwork and ports (${props.ports.map((p) => p.port).join(', ')} on the node)`;
  return undefined;
}

function checkReason(scope: Construct, prop: string, reason: unknown): void {
  if (typeof reason !== 'string' || reason.trim().length < 10) {
    fail({
      scope, prop, message: 'must say why the agent needs access to the node (at least 10 characters)', value: reason,
      allowed: 'a reason of at least 10 characters', fix: "e.g. reason: 'reads container logs of every pod on the node'",
    });
  }
}
