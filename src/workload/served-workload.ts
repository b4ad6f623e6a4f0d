import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { EXTRA_SERVICE_LABEL } from '../core/labels';
import { appProtocolOf, onService, PortSpec, validatePortName, validatePortNumber } from '../core/ports';
import { intOrString, Probe } from '../core/probes';
import { ConnectionEndpoint, IConnectable } from './connections';
import { Workload, WorkloadNaming, WorkloadProps } from './workload';

/** How a served workload's main port is set, as its subclass names the props. */
export interface ServingSpec {
  /** The main port's name and the prop it came from. */
  readonly portName: { readonly value: string; readonly prop: string };
  /** The container port and the prop it came from. */
  readonly port: { readonly value: number; readonly prop: string };
  /** The Service port and the prop it came from. */
  readonly servicePort: { readonly value: number; readonly prop: string };
  /** More ports of the main container. */
  readonly extraPorts?: readonly PortSpec[];
  /** A metrics port (prop `metrics.port`), added as a port named 'metrics' unless another port has that number. */
  readonly metricsPort?: number;
  /** The main port's `appProtocol`. @default - from its name or a gRPC probe (see `PortSpec.appProtocol`) */
  readonly appProtocol?: string;
}

/**
 * The shared base of workloads that serve on a port behind a Service (WebApp, StatefulStore): the
 * main container's ports, the Services and their DNS name, and the connection endpoint.
 * Subclasses build their controller; disruption budgets and spread come from `scaling.ts`.
 */
export abstract class ServedWorkload extends Workload implements IConnectable {
  /** Every port of the main container, the main one first, each with its effective `appProtocol` (pod-only ports, `service: false`, included). */
  public readonly ports: readonly PortSpec[];
  /** The Service port clients connect to. */
  public readonly servicePort: number;
  /** The Service's DNS name (`<name>.<namespace>.svc`, or `<name>` without a namespace). */
  public readonly host: string;
  /** What clients connect to (see `connectTo`). */
  public abstract readonly endpoint: ConnectionEndpoint;
  /** The main port's name (probes and Services refer to it). */
  protected readonly portName: string;
  /** The main container port. */
  protected readonly containerPort: number;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, naming: WorkloadNaming, serving: ServingSpec) {
    super(scope, id, props, naming);
    this.portName = validatePortName(serving.portName.value, this, serving.portName.prop);
    this.containerPort = validatePortNumber(serving.port.value, this, serving.port.prop);
    this.servicePort = validatePortNumber(serving.servicePort.value, this, serving.servicePort.prop);
    const main: PortSpec = { name: this.portName, port: this.containerPort, servicePort: this.servicePort, appProtocol: serving.appProtocol };
    const ports: PortSpec[] = [main, ...(serving.extraPorts ?? [])];
    const metrics = serving.metricsPort;
    if (metrics !== undefined && !ports.some((p) => p.port === metrics)) {
      ports.push({ name: DEFAULTS.metrics.portName, port: validatePortNumber(metrics, this, 'metrics.port') });
    }
    // A port the kubelet checks with gRPC serves cleartext HTTP/2: its Service port says so.
    const grpcProbed = [props.liveness, props.readiness, props.startup]
      .filter((x): x is Probe => x instanceof Probe && x.kind === 'grpc')
      .map((x) => x.port ?? this.containerPort);
    this.ports = ports.map((p) => {
      if (!onService(p)) return p;
      const appProtocol = appProtocolOf(p, grpcProbed.some((want) => want === p.name || want === p.port));
      const { appProtocol: _given, ...rest } = p;
      return appProtocol === undefined ? rest : { ...rest, appProtocol };
    });
    this.host = this.serviceDns(this.name);
  }

  /** The endpoint fields every served workload shares; subclasses add theirs. */
  protected baseEndpoint(envPrefix: string): ConnectionEndpoint {
    return {
      name: this.name, namespace: this.namespace, host: this.host, port: this.servicePort, targetPort: this.containerPort,
      selectorLabels: this.selectorLabels, labels: this.labels, envPrefix,
    };
  }

  /** The ports a Service exposes and clients may reach: `ports` without the pod-only ones (`service: false`). */
  public get servicePorts(): readonly PortSpec[] {
    return this.ports.filter(onService);
  }

  /**
   * A Service selecting this workload's pods, on every port but the pod-only ones or on `ports` (by name, each with its
   * Service port). `headless` gives a headless Service (named `<name>-<suffix>`) that publishes
   * not-ready pods and the container ports.
   */
  protected addService(id: string, options: {
    suffix?: string; headless?: boolean; spec?: Partial<k8s.ServiceSpec>; annotations?: Record<string, string>;
    ports?: ReadonlyArray<{ readonly name: string; readonly port: number }>;
    /** An extra Service for the same pods: labelled so that the ServiceMonitor passes it over. */
    extra?: boolean;
  } = {}): k8s.KubeService {
    const headless = options.headless ?? false;
    const selected = options.ports
      ? options.ports.map((s) => ({ spec: this.ports.find((p) => p.name === s.name)!, port: s.port }))
      : this.servicePorts.map((p) => ({ spec: p, port: headless ? p.port : p.servicePort ?? p.port }));
    const annotations = options.annotations && Object.keys(options.annotations).length ? { ...options.annotations } : undefined;
    return new k8s.KubeService(this, id, {
      metadata: this.metadata(options.suffix, {
        ...(annotations ? { annotations } : {}),
        ...(options.extra ? { labels: { ...this.labels, [EXTRA_SERVICE_LABEL]: options.suffix ?? 'extra' } } : {}),
      }),
      spec: {
        ...(headless ? { clusterIp: 'None', publishNotReadyAddresses: true } : {}),
        ...options.spec,
        selector: this.selectorLabels,
        ports: selected.map(({ spec: p, port }) => ({
          name: p.name, port, targetPort: intOrString(p.name), protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol,
        })),
      },
    });
  }
}
