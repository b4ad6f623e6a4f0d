import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { DEFAULTS } from './defaults';
import { fail } from './errors';
import { validateWholeNumber } from './numbers';

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
}

/** Options of a TCP or gRPC probe. */
export interface PortProbeOptions extends ProbeTiming {
  /** Port name or number. @default - the workload's main port */
  readonly port?: number | string;
}

type ProbeAction =
  | { kind: 'http'; path: string; port?: number | string; scheme?: string }
  | { kind: 'tcp'; port?: number | string }
  | { kind: 'grpc'; port?: number | string; service?: string }
  | { kind: 'exec'; command: string[] };

/** A health check: HTTP GET, TCP connect, gRPC health or a command. */
export class Probe {
  /** HTTP GET `path`; healthy on 2xx/3xx. */
  public static http(path: string, opts: HttpProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', path, port: opts.port, scheme: opts.scheme }, opts);
  }

  /** A TCP connection to the port. */
  public static tcp(opts: PortProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcp', port: opts.port }, opts);
  }

  /** The gRPC health checking protocol on a numeric port. */
  public static grpc(opts: PortProbeOptions & { readonly service?: string } = {}): Probe {
    return new Probe({ kind: 'grpc', port: opts.port, service: opts.service }, opts);
  }

  /** A command in the container; healthy on exit code 0. */
  public static exec(command: string[], opts: ProbeTiming = {}): Probe {
    return new Probe({ kind: 'exec', command }, opts);
  }

  private constructor(private readonly action: ProbeAction, public readonly timing: ProbeTiming) {}

  /**
   * Renders the probe. `defaultPort` fills a missing port; `base` supplies timing defaults
   * (the probe's own timing wins).
   */
  public render(scope: IConstruct, prop: string, defaultPort: number | string | undefined, base: ProbeTiming = {}): k8s.Probe {
    const t = { ...baseTiming(), ...strip(base), ...strip(this.timing) };
    for (const [k, v] of Object.entries(t)) {
      validateWholeNumber(v, { scope, prop: `${prop}.${k}`, min: k === 'initialDelaySeconds' ? 0 : 1 });
    }
    const a = this.action;
    const port = (p: number | string | undefined): number | string => {
      const resolved = p ?? defaultPort;
      if (resolved === undefined) fail({ scope, prop: `${prop}.port`, message: 'is required: the workload has no port', fix: 'pass { port } to the probe' });
      return resolved;
    };
    switch (a.kind) {
      case 'http':
        if (!a.path.startsWith('/')) {
          fail({ scope, prop: `${prop}.path`, message: "must start with '/'", value: a.path, fix: `use '/${a.path}'` });
        }
        return { httpGet: { path: a.path, port: intOrString(port(a.port)), scheme: a.scheme }, ...t };
      case 'tcp':
        return { tcpSocket: { port: intOrString(port(a.port)) }, ...t };
      case 'grpc': {
        const p = a.port ?? defaultPort;
        if (typeof p !== 'number') fail({ scope, prop: `${prop}.port`, message: 'must be a port number for gRPC probes', value: p });
        return { grpc: { port: p, service: a.service }, ...t };
      }
      case 'exec':
        if (!a.command.length) fail({ scope, prop: `${prop}.command`, message: 'must not be empty', value: a.command });
        return { exec: { command: a.command }, ...t };
    }
  }
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
