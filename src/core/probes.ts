import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { DEFAULTS } from './defaults';
import { fail } from './errors';
import { numberInString, validateWholeNumber } from './numbers';
import { checkProps, commandList, literal, Spec, v } from './validation';

/** Timing of a probe; every field defaults from DEFAULTS.probe. */
export interface ProbeTiming {
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 2 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
  /** @default 1 */
  readonly successThreshold?: number;
}

/** Options of an HTTP probe. */
export interface HttpProbeOptions extends ProbeTiming {
  /** Port name or number. @default - the workload's main port */
  readonly port?: number | string;
  /** @default 'HTTP' */
  readonly scheme?: 'HTTP' | 'HTTPS';
  /** Headers sent with the request, e.g. `{ Host: 'shop.example.com' }`. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of a TCP or gRPC probe. */
export interface PortProbeOptions extends ProbeTiming {
  /** Port name or number. @default - the workload's main port */
  readonly port?: number | string;
}

type ProbeAction =
  | { kind: 'http'; path: string; port?: number | string; scheme?: string; headers?: Readonly<Record<string, string>> }
  | { kind: 'tcp'; port?: number | string }
  | { kind: 'grpc'; port?: number | string; service?: string }
  | { kind: 'exec'; command: string[] };

/** Options of a gRPC probe. */
export interface GrpcProbeOptions extends PortProbeOptions {
  /** The service name sent in the health check request. @default - the server's overall health */
  readonly service?: string;
}

const TIMING = {
  initialDelaySeconds: v.int({ min: 0 }),
  periodSeconds: v.int({ min: 1 }),
  timeoutSeconds: v.int({ min: 1 }),
  failureThreshold: v.int({ min: 1 }),
  successThreshold: v.int({ min: 1 }),
};
const PORT_ALLOWED = "a port number from 1 to 65535, or the name of a port of the container ('http')";
const PROBE_PORT: Spec<number | string> = v.union(
  v.int({ min: 1, max: 65535 }),
  v.string({
    nonEmpty: true, allowed: 'a port name', samples: ['http'],
    // '8080' from JS or an env var: a port name has a letter, so this would name no port.
    check: (s) => (numberInString(s) !== undefined ? { message: 'is a port number written as a string', allowed: PORT_ALLOWED, fix: `write it as a number: port: ${numberInString(s)}` } : undefined),
  }),
  PORT_ALLOWED,
);
const HEADER_NAME = /^[-A-Za-z0-9!#$%&'*+.^_`|~]+$/;

/** A header name of the same words ('Bad Header' -> 'Bad-Header', 'Host:' -> 'Host'). */
function headerNameFix(k: string): string {
  const near = k.trim().replace(/:$/, '').replace(/\s+/g, '-').replace(/[^-A-Za-z0-9!#$%&'*+.^_`|~]/g, '');
  return HEADER_NAME.test(near) ? `write ${literal(near)}` : "name the header with letters, digits and '-', e.g. 'X-Probe'";
}
const quote = (x: unknown): string => (typeof x === 'string' ? `'${x}'` : String(x));
// The fix for a port (or a path) written where the options object belongs: Probe.grpc(50051).
const portShorthand = (factory: string) => (value: unknown): string | undefined => {
  if (typeof value === 'string' && value.startsWith('/')) return `for an HTTP check write Probe.http(${quote(value)}) (${factory}() takes no path)`;
  return typeof value === 'number' || typeof value === 'string' ? `write ${factory}({ port: ${quote(value)} })` : undefined;
};
const OPTIONS_ALLOWED = (extra: string) => `an object of options, e.g. { port: 8080${extra}, periodSeconds: 10 }`;
const HTTP_OPTIONS = v.object<HttpProbeOptions>()({
  ...TIMING,
  port: PROBE_PORT,
  scheme: v.oneOf(['HTTP', 'HTTPS'] as const),
  headers: v.record(v.string(), {
    key: (k) => (HEADER_NAME.test(k) ? undefined : { message: 'is not an HTTP header name', allowed: "a token such as 'Host' or 'X-Probe'", fix: headerNameFix(k) }),
  }),
}, {
  what: 'probe option', allowed: OPTIONS_ALLOWED(", scheme: 'HTTPS'"),
  // A bare number may be the port or a timing (Probe.http('/health', 5)): both forms are named.
  typeFix: (value) => (typeof value === 'number' && value <= 600 ? `the options are an object: write { port: ${value} } for the port, or { periodSeconds: ${value} } for how often`
    : typeof value === 'number' || typeof value === 'string' ? `the port is an option: write { port: ${quote(value)} }` : undefined),
});
const PORT_OPTIONS = v.object<PortProbeOptions>()({ ...TIMING, port: PROBE_PORT }, { what: 'probe option', allowed: OPTIONS_ALLOWED(''), typeFix: portShorthand('Probe.tcp') });
const GRPC_OPTIONS = v.object<GrpcProbeOptions>()({
  ...TIMING,
  port: PROBE_PORT,
  service: v.string(),
}, { what: 'probe option', allowed: OPTIONS_ALLOWED(", service: 'orders'"), typeFix: portShorthand('Probe.grpc') });
const TIMING_OPTIONS = v.object<ProbeTiming>()(TIMING, { what: 'probe option' });
const HTTP_ARGS = v.object<{ path: string; opts?: HttpProbeOptions }>()({
  path: v.required(v.string({
    allowed: "an absolute URL path such as '/healthz'",
    typeFix: (value) => {
      if (typeof value === 'number') return `the path comes first, the port is an option: write Probe.http('/healthz', { port: ${value} })`;
      const path = value !== null && typeof value === 'object' ? (value as { path?: unknown }).path : undefined;
      return typeof path === 'string' ? `the path is the first argument: write Probe.http(${quote(path)}, { …other options })` : undefined;
    },
    check: (s) => (s.startsWith('/') ? undefined : { message: "must start with '/'", fix: `use '/${s}'` }),
  })),
  opts: HTTP_OPTIONS,
}, { call: () => "Probe.http('/healthz')" });
const EXEC_ARGS = v.object<{ command: string[]; opts?: ProbeTiming }>()({
  // The command runs without a shell: a command line is split into its words, or given to sh -c.
  command: v.required(commandList((list) => `Probe.exec(${list})`, { minItems: 1, allowed: "a non-empty array of strings, e.g. ['cat', '/tmp/healthy']" })),
  opts: TIMING_OPTIONS,
}, { call: () => "Probe.exec(['cat', '/tmp/healthy'])" });

/** A health check: HTTP GET, TCP connect, gRPC health or a command. */
export class Probe {
  /** HTTP GET `path`; healthy on 2xx/3xx. */
  public static http(path: string, opts: HttpProbeOptions = {}): Probe {
    checkProps(HTTP_ARGS, { path, opts }, 'Probe.http');
    return new Probe({ kind: 'http', path, port: opts.port, scheme: opts.scheme, headers: opts.headers && { ...opts.headers } }, opts);
  }

  /** A TCP connection to the port. */
  public static tcp(opts: PortProbeOptions = {}): Probe {
    checkProps(PORT_OPTIONS, opts, 'Probe.tcp');
    return new Probe({ kind: 'tcp', port: opts.port }, opts);
  }

  /** The gRPC health checking protocol (Kubernetes needs a port number: a missing port is the main port's number). */
  public static grpc(opts: GrpcProbeOptions = {}): Probe {
    checkProps(GRPC_OPTIONS, opts, 'Probe.grpc');
    return new Probe({ kind: 'grpc', port: opts.port, service: opts.service }, opts);
  }

  /** A command in the container; healthy on exit code 0. */
  public static exec(command: string[], opts: ProbeTiming = {}): Probe {
    checkProps(EXEC_ARGS, { command, opts }, 'Probe.exec');
    return new Probe({ kind: 'exec', command: [...command] }, opts);
  }

  /** What the probe does: 'http', 'tcp', 'grpc' or 'exec'. */
  public get kind(): 'http' | 'tcp' | 'grpc' | 'exec' {
    return this.action.kind;
  }

  /** The URL path of an HTTP probe; undefined for the other kinds. */
  public get path(): string | undefined {
    return this.action.kind === 'http' ? this.action.path : undefined;
  }

  /** The port the probe names, when it names one (else the workload's main port is used). */
  public get port(): number | string | undefined {
    return this.action.kind === 'exec' ? undefined : this.action.port;
  }

  private constructor(private readonly action: ProbeAction, public readonly timing: ProbeTiming) {}

  /**
   * Renders the probe. `defaultPort` fills a missing port; `base` supplies timing defaults
   * (the probe's own timing wins); `ports` (the container's) turn a port name into the number
   * where Kubernetes needs one (gRPC) and check that a named port exists. With `declareIn` (where
   * the container's ports are declared, e.g. 'extraPorts'), a port number must be one of `ports`
   * too, when there are any: a probe on a port the container does not declare is almost always a
   * typo (`9999` for `8080`). Without it (a pod on the host's network, where declaring a port opens
   * it on the node) numbers are not checked.
   */
  public render(
    scope: IConstruct, prop: string, defaultPort: number | string | undefined, base: ProbeTiming = {},
    ports?: ReadonlyArray<{ readonly name?: string; readonly port: number }>, declareIn?: string,
  ): k8s.Probe {
    const t = { ...baseTiming(), ...strip(base), ...strip(this.timing) };
    for (const [k, v] of Object.entries(t)) {
      validateWholeNumber(v, { scope, prop: `${prop}.${k}`, min: k === 'initialDelaySeconds' ? 0 : 1 });
    }
    const a = this.action;
    const known = (ports ?? []).filter((x) => x.name).map((x) => `'${x.name}' (${x.port})`).join(', ');
    const port = (p: number | string | undefined): number | string => {
      const resolved = p ?? defaultPort;
      if (resolved === undefined) fail({ scope, prop: `${prop}.port`, message: 'is required: the workload has no port', allowed: 'a port given to the probe, e.g. { port: 8080 } (the workload has none)', fix: 'pass { port } to the probe' });
      if (typeof resolved === 'string' && ports && !ports.some((x) => x.name === resolved)) {
        fail({
          scope, prop: `${prop}.port`, message: 'names no port of the container', value: resolved,
          allowed: known ? `a port number, or one of ${known}` : 'a port number (the container has no named ports)',
          fix: known ? `use one of the names, or the number: { port: ${ports[0].port} }` : 'pass the port number: { port: 8080 }',
        });
      }
      if (typeof resolved === 'number' && p !== undefined && declareIn !== undefined && ports?.length && !ports.some((x) => x.port === resolved)) {
        const named = ports.find((x) => x.name);
        fail({
          scope, prop: `${prop}.port`, message: "is not one of the container's declared ports", value: resolved,
          allowed: `one of the container's ports: ${ports.map((x) => (x.name ? `'${x.name}' (${x.port})` : String(x.port))).join(', ')}`,
          fix: `use one of them, e.g. { port: ${ports[0].port} }${named ? ` or { port: '${named.name}' }` : ''}, or declare the port in '${declareIn}': { name: 'health', port: ${resolved} }`,
        });
      }
      return resolved;
    };
    const number = (p: number | string | undefined): number => {
      const resolved = port(p);
      if (typeof resolved === 'number') return resolved;
      const found = ports?.find((x) => x.name === resolved);
      if (!found) {
        fail({
          scope, prop: `${prop}.port`, message: `must be a port number for ${a.kind} probes (Kubernetes takes no port name there)`, value: resolved,
          allowed: 'a port number from 1 to 65535', fix: "pass { port: <the container port's number> }",
        });
      }
      return found.port;
    };
    switch (a.kind) {
      case 'http':
        if (!a.path.startsWith('/')) {
          fail({ scope, prop: `${prop}.path`, message: "must start with '/'", value: a.path, allowed: "an absolute URL path starting with '/', without spaces", fix: `use '/${a.path}'` });
        }
        return {
          httpGet: {
            path: a.path, port: intOrString(port(a.port)), scheme: a.scheme,
            httpHeaders: a.headers && Object.keys(a.headers).length ? Object.entries(a.headers).map(([name, value]) => ({ name, value })) : undefined,
          },
          ...t,
        };
      case 'tcp':
        return { tcpSocket: { port: intOrString(port(a.port)) }, ...t };
      case 'grpc':
        return { grpc: { port: number(a.port), service: a.service }, ...t };
      case 'exec':
        if (!a.command.length) fail({ scope, prop: `${prop}.command`, message: 'must not be empty', value: a.command, allowed: "a list of strings, the program first, e.g. ['cat', '/tmp/healthy']", fix: "name the program to run, e.g. Probe.exec(['cat', '/tmp/healthy'])" });
        return { exec: { command: a.command }, ...t };
    }
  }
}

/** A container's readiness and liveness probes as the user gave them, with the construct's defaults. */
export interface ContainerProbeChoice {
  /** Where the container's props are, e.g. '' (the main container) or 'sidecars[0]'. */
  readonly prefix: string;
  /** The container's name, for a suppression of its own (`probeSuppressions`). @default - none */
  readonly container?: string;
  readonly readiness?: Probe | false;
  readonly liveness?: Probe | false;
  /** The construct's default probes, used when the prop is left out. @default - none */
  readonly defaults?: { readonly readiness?: Probe; readonly liveness?: Probe };
}

/**
 * Why a pod has no readiness or liveness probe where it lacks one, when every such gap was turned
 * off with an explicit `false` (a choice made in code): e.g. 'readiness and liveness turned off
 * (readiness: false, liveness: false)'. `undefined` when nothing is turned off, or when a probe is
 * missing for another reason (left out without a default), which the practice-probes rule should
 * still report.
 */
export function probesTurnedOff(containers: readonly ContainerProbeChoice[]): string | undefined {
  const off: string[] = [];
  const kinds = new Set<string>();
  for (const c of containers) {
    for (const kind of ['readiness', 'liveness'] as const) {
      if (c[kind] === false) {
        off.push(`${c.prefix ? `${c.prefix}.` : ''}${kind}: false`);
        kinds.add(kind);
      } else if (c[kind] === undefined && !c.defaults?.[kind]) {
        return undefined;
      }
    }
  }
  if (!off.length) return undefined;
  return `${['readiness', 'liveness'].filter((k) => kinds.has(k)).join(' and ')} turned off (${off.join(', ')})`;
}

/** A suppression of practice-probes: for the whole pod, or for one `container` of it. */
export interface ProbeSuppression {
  /** The container it covers. @default - every container of the pod */
  readonly container?: string;
  readonly reason: string;
}

/**
 * The suppressions of practice-probes that probes turned off with `false` make: one for the pod
 * when every missing probe was turned off (`probesTurnedOff`); else one per container whose
 * missing probes all were, so that the other containers (a sidecar without probes) are still
 * judged on their own.
 */
export function probeSuppressions(containers: readonly ContainerProbeChoice[]): ProbeSuppression[] {
  const all = probesTurnedOff(containers);
  if (all !== undefined) return [{ reason: all }];
  return containers.flatMap((c) => {
    const reason = c.container !== undefined ? probesTurnedOff([c]) : undefined;
    return reason !== undefined ? [{ container: c.container, reason }] : [];
  });
}

/** A port reference as IntOrString. */
export function intOrString(p: number | string): k8s.IntOrString {
  return typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(p);
}

function baseTiming(): Required<ProbeTiming> {
  const d = DEFAULTS.probe;
  return {
    initialDelaySeconds: d.initialDelaySeconds,
    periodSeconds: d.periodSeconds,
    timeoutSeconds: d.timeoutSeconds,
    failureThreshold: d.failureThreshold,
    successThreshold: d.successThreshold,
  };
}

function strip(t: ProbeTiming): ProbeTiming {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) if (v !== undefined && k in baseTiming()) out[k] = v as number;
  return out;
}

/**
 * How long a pod (a manifest's pod spec) may take to start by its startup probes: the slowest
 * container's `initialDelaySeconds + periodSeconds × failureThreshold` (Kubernetes' defaults 0, 10
 * and 3), after which the kubelet restarts it; undefined when no container has a startup probe.
 */
export function startupBudgetOf(pod: any): { readonly seconds: number; readonly container: string } | undefined {
  let slowest: { seconds: number; container: string } | undefined;
  for (const c of [...(Array.isArray(pod?.initContainers) ? pod.initContainers : []), ...(Array.isArray(pod?.containers) ? pod.containers : [])]) {
    const p = c?.startupProbe;
    if (p === undefined || p === null || typeof p !== 'object') continue;
    const n = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
    const seconds = n(p.initialDelaySeconds, 0) + n(p.periodSeconds, 10) * n(p.failureThreshold, 3);
    if (slowest === undefined || seconds > slowest.seconds) slowest = { seconds, container: String(c.name ?? '') };
  }
  return slowest;
}
