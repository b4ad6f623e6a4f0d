import { IConstruct } from 'constructs';
import { DEFAULTS } from './defaults';
import { fail } from './errors';

/** A port a workload listens on. */
export interface PortSpec {
  /** IANA service name style: lowercase, at most 15 characters, e.g. 'http', 'metrics'. */
  readonly name: string;
  /** The container port. */
  readonly port: number;
  /** The port the Service exposes. @default - same as `port` */
  readonly servicePort?: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /**
   * The application protocol of the Service port (`ServicePort.appProtocol`), which tells Gateways,
   * ingress controllers and meshes what to speak to it: 'kubernetes.io/h2c' (HTTP/2 without TLS,
   * e.g. gRPC), 'kubernetes.io/ws' (WebSocket), 'kubernetes.io/wss', 'https', or a prefixed name
   * of your implementation ('example.com/proto'). Only for ports a Service exposes.
   * @default - 'kubernetes.io/h2c' for a port named 'grpc' or checked by a `Probe.grpc`; else none
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol
   */
  readonly appProtocol?: string;
  /**
   * `false` makes a pod-only port (a health or admin endpoint): declared on the container, so the
   * kubelet probes it and a probe may name it, but on no Service, and no client (`connectTo`,
   * `allowFrom`, `EgressTarget.app`), Ingress, route, metrics or public exposure may reach it. A
   * prop that names it is an error. The kubelet's probes come from the node, which NetworkPolicies
   * always admit.
   * @default true (extraPorts are on the workload's Services)
   */
  readonly service?: boolean;
}

/** Whether a Service exposes the port (`service: false` is a pod-only port). */
export function onService(p: PortSpec): boolean {
  return p.service !== false;
}

/**
 * A port's effective `appProtocol`: its own, else 'kubernetes.io/h2c' when a gRPC probe checks it
 * (`grpcProbed`) or its name is 'grpc' (DEFAULTS.appProtocol), else none.
 */
export function appProtocolOf(p: PortSpec, grpcProbed = false): string | undefined {
  if (p.appProtocol !== undefined) return p.appProtocol;
  if (grpcProbed) return DEFAULTS.appProtocol.grpcProbed;
  return (DEFAULTS.appProtocol.byPortName as Readonly<Record<string, string>>)[p.name];
}

/**
 * True when a port (with its effective `appProtocol`) serves gRPC: `appProtocol: 'grpc'`, or named
 * 'grpc' and cleartext HTTP/2 (the default for that name).
 */
export function servesGrpc(p: PortSpec): boolean {
  return p.appProtocol === 'grpc' || (p.name === 'grpc' && p.appProtocol === DEFAULTS.appProtocol.byPortName.grpc);
}

/**
 * The fix of a number that is no port: the port the app listens on. No guess at which port was meant
 * (70000 may be 7000 or 8000: a guess that drops a digit misleads as often as it helps).
 */
export function portNumberFix(x: unknown): string | undefined {
  // A name where the number goes ('http', 'mongo'): 'e.g. 1' would be a privileged port.
  if (typeof x === 'string' && !/^\s*-?\d+\s*$/.test(x)) return 'write the number the process listens on, e.g. 8080 (the name of the port is its own prop, portName)';
  if (typeof x !== 'number' || !Number.isInteger(x) || x <= 65535) return undefined;
  return 'use a port from 1 to 65535';
}

/** Validates a port number (1–65535). */
export function validatePortNumber(port: number, scope: IConstruct | undefined, prop: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail({ scope, prop, message: 'must be a port number', value: port, allowed: 'an integer from 1 to 65535', fix: portNumberFix(port) ?? 'use a port from 1 to 65535' });
  }
  return port;
}

const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The fix of an invalid port name: a valid one close to it, or what one looks like. */
export function portNameFix(s: string): string {
  const near = s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 15).replace(/-+$/, '');
  return PORT_NAME.test(near) && /[a-z]/.test(near) && near !== s ? `write '${near}'` : "name it by what it serves, e.g. 'http', 'grpc' or 'metrics'";
}

/** Validates a port name (IANA_SVC_NAME: ≤15 chars, lowercase alphanumerics and '-', a letter, no '--'). */
export function validatePortName(name: string, scope: IConstruct | undefined, prop: string): string {
  if (name.length > 15) {
    fail({
      scope, prop, message: `must be at most 15 characters, but is ${name.length}`, value: name,
      allowed: "an IANA service name: lowercase letters, digits and '-', at most 15 characters",
      fix: `shorten it, e.g. '${name.slice(0, 15).replace(/-+$/, '')}'`,
    });
  }
  if (!PORT_NAME.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    fail({
      scope, prop, message: 'is not a valid port name', value: name,
      allowed: "lowercase letters, digits and '-', with at least one letter, no '--', not starting or ending with '-'", fix: portNameFix(name),
    });
  }
  return name;
}

/** Validates a set of ports: numbers, names, and unique names and container ports. */
export function validatePorts(ports: readonly PortSpec[], scope: IConstruct, prop = 'ports'): PortSpec[] {
  const names = new Set<string>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    validatePortName(p.name, scope, `${prop}[${i}].name`);
    validatePortNumber(p.port, scope, `${prop}[${i}].port`);
    if (p.servicePort !== undefined) validatePortNumber(p.servicePort, scope, `${prop}[${i}].servicePort`);
    if (names.has(p.name)) {
      fail({ scope, prop: `${prop}[${i}].name`, message: 'is used by two ports', value: p.name, allowed: 'unique port names', fix: 'rename one of the ports' });
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (numbers.has(key)) {
      fail({ scope, prop: `${prop}[${i}].port`, message: 'is declared twice', value: p.port, allowed: 'each container port and protocol once', fix: "remove the copy, or give it protocol: 'UDP' if it serves both" });
    }
    names.add(p.name);
    numbers.add(key);
  });
  return [...ports];
}

/**
 * The port of an app that an Ingress path, a route or a policy names: by port name, container
 * port or Service port; `undefined` is the main (first) port. Fails on a port the app lacks.
 */
export function findPort(scope: IConstruct, prop: string, ports: readonly PortSpec[], want: number | string | undefined): PortSpec {
  if (want === undefined) return ports[0];
  const served = ports.filter(onService);
  const allowed = served.map((p) => `'${p.name}' (${p.servicePort ?? p.port})`).join(', ');
  const found = ports.find((p) => p.name === want || p.port === want || p.servicePort === want);
  if (!found) {
    fail({ scope, prop, message: 'is not a port of the app', value: want, allowed, fix: "use the name of one of the app's ports" });
  }
  if (!onService(found)) fail({ scope, prop, ...podOnlyProblem(found), value: want, allowed });
  return found;
}

/** Why a prop cannot name a pod-only port (`service: false`), and the fix. */
export function podOnlyProblem(p: PortSpec): { readonly message: string; readonly fix: string } {
  return {
    message: `names the pod-only port '${p.name}' (${p.port}, service: false), which no Service exposes and no client may reach`,
    fix: `name a port on the Service, or remove 'service: false' from port '${p.name}' if clients should reach it`,
  };
}
