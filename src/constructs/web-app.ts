import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as gw from '../../imports/gateway.networking.k8s.io';
import * as mon from '../../imports/monitoring.coreos.com';
import { trafficDefaultsOf } from '../core/chart-context';
import { DEFAULTS } from '../core/defaults';
import { fail, PropIssue, TimonelError } from '../core/errors';
import { validateWholeNumber } from '../core/numbers';
import { findPort, onService, podOnlyProblem, PortSpec, servesGrpc } from '../core/ports';
import { Probe } from '../core/probes';
import { httpPathFix } from '../core/specs';
import { Policy } from '../policies';
import { checkedCopy, childPath, checkProps, joinPath, propsIssues } from '../core/validation';
import { ConnectionEndpoint, envPrefixFromId } from '../workload/connections';
import { DrainOptions, resolveDrain } from '../workload/drain';
import { addIngress, IngressHostRule, IngressTlsOptions, unservedIngressClass } from '../workload/ingress';
import { ServiceIpFamilyOptions, ipFamilySpec } from '../workload/ip-families';
import { admitScraper, addServiceMonitor, MetricsOptions } from '../workload/metrics';
import { IngressControllerRef, keepIsolateFalse, NetworkAccess } from '../workload/network';
import { MainContainerExtras } from '../workload/pod';
import { addRoute, RouteOptions } from '../workload/route';
import {
  addAutoscaler, deploymentDisruptionBudget, AutoscalingOptions, deploymentRollout, DeploymentRolloutOptions, resolveAutoscaling,
} from '../workload/scaling';
import { ServedWorkload } from '../workload/served-workload';
import { WorkloadProps } from '../workload/workload';
import { EXTRA_SERVICE, WEB_APP_PROPS } from './props/web-app';

/** What the main Service and the extra Services of a WebApp share: type, exposure and IP families (`dualStack`, `ipFamilyPolicy`, `ipFamilies`). */
export interface WebAppServiceBaseOptions extends ServiceIpFamilyOptions {
  /** @default 'ClusterIP' */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Annotations of the Service (e.g. for the cloud's load balancer controller). @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * Whether external traffic goes to pods on the receiving node only ('Local': keeps the client's
   * source IP, no second hop) or to any node's pods ('Cluster'). Only for LoadBalancer and NodePort.
   * @default - Kubernetes' default, 'Cluster'
   * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy
   */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  /**
   * The client CIDRs (IPv4 or IPv6) the load balancer accepts. Only for LoadBalancer. The load
   * balancer and kube-proxy enforce it, not the app's NetworkPolicy (see docs/connections.md).
   * @default - any client
   */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * The load balancer implementation (`spec.loadBalancerClass`, a prefixed name such as
   * 'service.k8s.aws/nlb'). Only for LoadBalancer.
   * @default - the cluster's default load balancer
   */
  readonly loadBalancerClass?: string;
}

/** The Service in front of the pods. */
export interface WebAppServiceOptions extends WebAppServiceBaseOptions {
  /** The port clients use. @default 80 */
  readonly port?: number;
}

/** A port of an extra Service: one of the app's ports, by name. */
export interface WebAppServicePort {
  /** The name of the app's port ('http', or one of `extraPorts`). */
  readonly name: string;
  /** The port clients use. @default - the app port's Service port (`service.port` for the main port) */
  readonly port?: number;
}

/**
 * Another Service `<name>-<suffix>` for the same pods, e.g. an external LoadBalancer beside the
 * internal ClusterIP. A LoadBalancer or NodePort one admits any source on its ports (see `public`).
 */
export interface WebAppExtraServiceOptions extends WebAppServiceBaseOptions {
  /** Names the Service `<name>-<suffix>` (a DNS label, unique among the app's Services). */
  readonly suffix: string;
  /** The app's ports it exposes, by name. @default - every port of the app, on its Service port */
  readonly ports?: WebAppServicePort[];
}

/**
 * HTTP(S) ingress: one host with `host`, `path` and `tls` (the shortcut), or several hosts, each
 * with its paths and its own TLS, with `rules`.
 */
export interface WebAppIngressOptions {
  /** Several hosts, each with paths (to the app's ports) and TLS. Not with `host`, `path`, `pathType` or `tls`. @default - the shortcut */
  readonly rules?: IngressHostRule[];
  /** The host name, e.g. 'shop.example.com' (a leading '*.' is allowed). @default - any host */
  readonly host?: string;
  /** @default '/' */
  readonly path?: string;
  /** @default 'Prefix' */
  readonly pathType?: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  /**
   * The IngressClass. A class other than 'nginx' needs `controller` (or the chart's or App's
   * `traffic.ingressController`) once the app is isolated: the default admits ingress-nginx's pods.
   * @default - the cluster's default class
   */
  readonly className?: string;
  /** Serve HTTPS. Needs a host. @default - HTTP only */
  readonly tls?: IngressTlsOptions;
  /** Extra annotations for the ingress controller. @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * The ingress controller's pods, admitted to the routed ports even once the app is isolated.
   * @default - the chart's or the App's `traffic.ingressController`, else DEFAULTS.traffic.ingressController
   *   (ingress-nginx's controller in namespace 'ingress-nginx'); with a `className` other than 'nginx'
   *   an isolated app is then an error, since another controller forwards its traffic
   */
  readonly controller?: IngressControllerRef;
}

/** Horizontal pod autoscaling (autoscaling/v2). */
export interface WebAppAutoscalingOptions extends AutoscalingOptions {}

/** Rolling update settings. */
export interface WebAppRolloutOptions extends DeploymentRolloutOptions {}

/** Prometheus scraping through a ServiceMonitor (prometheus-operator). */
export interface WebAppMetricsOptions extends MetricsOptions {
  /** The metrics port. @default - the main port */
  readonly port?: number;
}

/** Props of a WebApp. */
export interface WebAppProps extends WorkloadProps {
  /** Pod count when not autoscaled. @default 2 */
  readonly replicas?: number;
  /** The container port. @default 8080 */
  readonly port?: number;
  /** The name of the main port. @default 'http' */
  readonly portName?: string;
  /**
   * The main Service port's `appProtocol`, which tells a Gateway or ingress controller what to
   * speak to the app: 'kubernetes.io/h2c' (gRPC or HTTP/2 without TLS), 'kubernetes.io/ws',
   * 'https'. (Extra ports take theirs in `extraPorts`.)
   * @default - 'kubernetes.io/h2c' when `portName` is 'grpc' or a `Probe.grpc` checks the port; else none
   * @see https://gateway-api.sigs.k8s.io/guides/backend-protocol/
   */
  readonly appProtocol?: string;
  /** More ports, also exposed by the Service. @default - none */
  readonly extraPorts?: PortSpec[];
  /**
   * Health endpoint: HTTP startup, readiness and liveness probes on it. On a gRPC port (named 'grpc',
   * or `appProtocol: 'grpc'`) it is an error: use `Probe.grpc()`.
   * @default - TCP probes on the port
   */
  readonly healthPath?: string;
  /** @default - ClusterIP on port 80 */
  readonly service?: WebAppServiceOptions;
  /** More Services for the same pods (see `addExtraService`). @default - none */
  readonly extraServices?: WebAppExtraServiceOptions[];
  /** @default - no ingress */
  readonly ingress?: WebAppIngressOptions;
  /**
   * A Gateway API HTTPRoute `<name>` from a Gateway to the Service (needs the Gateway API CRDs
   * and a Gateway that admits routes from this namespace).
   * @default - no route
   */
  readonly route?: RouteOptions;
  /** @default - fixed `replicas` */
  readonly autoscaling?: WebAppAutoscalingOptions;
  /**
   * A PodDisruptionBudget: `maxUnavailable: 1` when 2 or more replicas (`minReplicas` with
   * autoscaling). `false` opts out; `true` with fewer replicas is an error (it would protect nothing).
   * @default true
   */
  readonly disruptionBudget?: boolean;
  /** Spread pods over zones and hosts (ScheduleAnyway). @default true */
  readonly spread?: boolean;
  /**
   * Isolate the app now: it admits exactly its declared clients (`connectTo`, `allowFrom`) and its
   * declared entry (its Ingress controller, the metrics scraper, any source for a LoadBalancer or
   * NodePort Service or `public`), on their ports, and nothing else. Without it the app is open
   * until its first client, which isolates it the same way. `false` keeps the app open to every
   * pod: a client (which would isolate it) is then an error at synth.
   * @default false
   */
  readonly isolate?: boolean;
  /**
   * Any source (in the cluster or not) may reach the app's ports, even once it is isolated, as a
   * LoadBalancer or NodePort Service implies. `false` admits no source for the Services either;
   * it acts through the app's NetworkPolicy, so only once the app is isolated (`isolate`, or a
   * client): with a LoadBalancer or NodePort Service on an app that is not, it is an error at synth.
   * @default - each LoadBalancer or NodePort Service (main or extra) opens its own ports; else closed
   */
  readonly public?: boolean;
  /** @default - no ServiceMonitor */
  readonly metrics?: WebAppMetricsOptions;
  /** @default - maxUnavailable 0, maxSurge 25% */
  readonly rollout?: WebAppRolloutOptions;
  /**
   * A pause before SIGTERM so that Services and load balancers stop sending new requests first
   * (see docs/web-app.md#draining), e.g. `{ delaySeconds: 5 }`. The pause counts against
   * `terminationGracePeriodSeconds` and must be shorter. `using: 'sleep-action'` needs Kubernetes
   * 1.30 or later (timonel targets 1.28): see `DrainOptions.using`.
   * @default - none: SIGTERM at once, so the server should keep serving for a few seconds after it
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
   */
  readonly drain?: DrainOptions | false;
}

/**
 * A stateless web service: Deployment + Service, and on request Ingress, HPA, ConfigMap,
 * PodDisruptionBudget, NetworkPolicy and ServiceMonitor, all with production defaults.
 */
export class WebApp extends ServedWorkload {
  /** The Deployment (the primary child, id 'Resource'). */
  public readonly deployment: k8s.KubeDeployment;
  /** The main Service `<name>`. */
  public readonly service: k8s.KubeService;
  public readonly ingress?: k8s.KubeIngress;
  /** The HTTPRoute of `route`. */
  public readonly route?: gw.HttpRoute;
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  public readonly serviceMonitor?: mon.ServiceMonitor;
  /** What `connectTo` needs to reach the main port (env prefix: the id in UPPER_SNAKE_CASE). */
  public readonly endpoint: ConnectionEndpoint;

  /** The Services of `extraServices` and `addExtraService`, in order. */
  public get extraServices(): readonly k8s.KubeService[] {
    return [...this.extras];
  }

  private readonly extras: k8s.KubeService[] = [];
  /** Service name suffixes taken, and the prop that took each. */
  private readonly suffixes = new Map<string, string>();
  /** `public` as given: undefined lets each exposed Service open its own ports. */
  private readonly publicChoice?: boolean;
  /** Whether every port already admits any source (explicit `public`, or an exposed main Service). */
  private readonly openToAll: boolean;
  /** The LoadBalancer and NodePort Services (main or extra), with the prop that made each. */
  private readonly exposed: Array<{ readonly name: string; readonly type: string; readonly prop: string }> = [];

  /** The app's own ingress NetworkPolicy `<name>` (its entry, once isolated), when it has one. */
  public get networkPolicy(): k8s.KubeNetworkPolicy | undefined {
    return NetworkAccess.of(this).ingressPolicy;
  }

  constructor(scope: Construct, id: string, props: WebAppProps) {
    const d = DEFAULTS.webApp;
    props = checkedCopy(checkProps(WEB_APP_PROPS, props, childPath(scope, id)));
    super(scope, id, props, {}, {
      portName: { value: props.portName ?? d.portName, prop: 'portName' },
      port: { value: props.port ?? d.port, prop: 'port' },
      servicePort: { value: props.service?.port ?? d.servicePort, prop: 'service.port' },
      extraPorts: props.extraPorts,
      metricsPort: props.metrics?.port,
      appProtocol: props.appProtocol,
    });
    const replicas = props.replicas ?? d.replicas;
    validateWholeNumber(replicas, { scope: this, prop: 'replicas' });
    const portName = this.portName;
    const port = this.containerPort;
    // A gRPC app has no URL: http:// would make clients speak HTTP/1.1 to it.
    const grpcMain = this.ports[0] !== undefined && servesGrpc(this.ports[0]);
    this.endpoint = { ...this.baseEndpoint(envPrefixFromId(id)), ...(grpcMain ? { grpc: true } : { scheme: d.scheme }) };
    const autoscaling = props.autoscaling ? resolveAutoscaling(this, props.autoscaling) : undefined;
    const minReplicas = autoscaling ? autoscaling.minReplicas : replicas;

    if (props.healthPath !== undefined && !props.healthPath.startsWith('/')) {
      fail({ scope: this, prop: 'healthPath', message: "must start with '/'", value: props.healthPath, allowed: "an absolute URL path starting with '/', without spaces", fix: httpPathFix(props.healthPath, "the probes dial the pod itself, on the port of the 'port' prop") });
    }
    // The kubelet's httpGet speaks HTTP/1.1, which a gRPC server does not answer: never ready, restarted by liveness.
    const grpcPort = props.appProtocol === 'grpc' || (portName === 'grpc' && (props.appProtocol ?? DEFAULTS.appProtocol.byPortName.grpc) === DEFAULTS.appProtocol.byPortName.grpc);
    if (props.healthPath !== undefined && grpcPort) {
      fail({
        scope: this, prop: 'healthPath', message: `gives HTTP probes (GET ${props.healthPath}), but the main port '${portName}' serves gRPC, which does not answer them: the pods would never be ready`,
        value: props.healthPath, allowed: 'healthPath on an HTTP port; on a gRPC port, gRPC probes',
        fix: "remove healthPath and set readiness: Probe.grpc() and liveness: Probe.grpc() (the gRPC health checking protocol; Probe.grpc({ service }) for one service)"
          + `, or ${[portName === 'grpc' ? "name the port 'http'" : '', props.appProtocol === 'grpc' ? "remove appProtocol: 'grpc'" : ''].filter(Boolean).join(' and ')} if it serves HTTP`,
      });
    }
    const probes = props.healthPath !== undefined
      ? { startup: Probe.http(props.healthPath), readiness: Probe.http(props.healthPath), liveness: Probe.http(props.healthPath) }
      : { startup: Probe.tcp(), readiness: Probe.tcp(), liveness: Probe.tcp() };
    const drain = resolveDrain(this, props.drain ?? DEFAULTS.shutdown.drain, props.terminationGracePeriodSeconds);
    const spread = (props.spread ?? true) && minReplicas >= 2;
    const rollout = deploymentRollout(this, props.rollout);

    const container: MainContainerExtras = {
      portsProp: 'extraPorts',
      ports: this.ports,
      probePort: portName,
      defaultProbes: probes,
      probeTiming: { startup: { periodSeconds: DEFAULTS.probe.startupPeriodSeconds, failureThreshold: DEFAULTS.probe.startupFailureThreshold } },
      drain,
    };

    this.deployment = this.addDeployment({ replicas: autoscaling ? undefined : replicas, rollout, main: container, spread });
    // A probe turned off with `false` is a choice made in code: recorded as a reasoned suppression
    // (of the pod, or of each container whose probes were turned off: the others are judged on their own).
    Policy._probesTurnedOff(this.deployment, this.pod.probeSuppressions(container));

    const main = props.service ?? {};
    const mainType = main.type ?? d.serviceType;
    this.service = this.addService('Service', { spec: { type: mainType, ...exposure(main) }, annotations: main.annotations });

    if (props.ingress) this.ingress = this.addIngress(props.ingress);
    if (props.route) this.route = addRoute(this, { metadata: this.metadata(), serviceName: this.service.name, ports: this.ports }, props.route);
    if (autoscaling) this.autoscaler = addAutoscaler(this, this.metadata(), { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name }, autoscaling);
    this.disruptionBudget = deploymentDisruptionBudget(this, props.disruptionBudget, minReplicas, autoscaling !== undefined, this.metadata(), this.selectorLabels);
    // The app's own entry stays admitted once clients isolate it (see NetworkAccess).
    const access = NetworkAccess.of(this);
    // The Ingress and route paths' ports, already checked when their objects were built.
    const portsOf = (wanted: ReadonlyArray<number | string | undefined>) => [...new Set(wanted.map((w) => findPort(this, 'ingress', this.ports, w).port))];
    if (props.ingress) {
      const wanted = props.ingress.rules ? props.ingress.rules.flatMap((r) => (r.paths ?? [{}]).map((x) => x.port)) : [undefined];
      access.admitIngressController({ ports: portsOf(wanted), controller: props.ingress.controller });
      // The default controller is ingress-nginx; an Ingress of another class is forwarded by
      // pods it would not admit, so an isolated app must be told which (docs/decisions/ingress-class.md).
      const className = props.ingress.className;
      const defaulted = props.ingress.controller === undefined && trafficDefaultsOf(this).ingressController === undefined;
      const anySource = props.public ?? mainType !== 'ClusterIP';
      if (defaulted && !anySource && className !== undefined && !(DEFAULTS.traffic.ingressControllerClasses as readonly string[]).includes(className)) {
        if (props.isolate) throw new TimonelError({ scope: this, ...unservedIngressClass(className, 'isolate: true') });
        // A client added later (connectTo, allowFrom) isolates the app too.
        this.node.addValidation({
          validate: () => (access.isolated ? [new TimonelError(unservedIngressClass(className, 'by a client (connectTo, allowFrom) or NetworkAccess.isolate()')).message] : []),
        });
      }
    }
    // A Gateway's pods forward an HTTPRoute's traffic. Which pods depends on the implementation, so
    // there is no default: an isolated app must be told, or the route would silently go nowhere.
    if (props.route) {
      const traffic = trafficDefaultsOf(this);
      const gatewayPods = props.route.controller ?? traffic.gateway ?? traffic.ingressController;
      if (gatewayPods) {
        access.admitIngressController({ ports: portsOf((props.route.paths ?? [{}]).map((x) => x.port)), controller: gatewayPods });
      } else {
        const route = props.route;
        if (props.isolate) throw new TimonelError({ scope: this, ...this.unadmittedRoute(route, 'isolate: true') });
        // A client added later (connectTo, allowFrom) isolates the app too.
        this.node.addValidation({
          validate: () => (access.isolated ? [new TimonelError(this.unadmittedRoute(route, 'by a client (connectTo, allowFrom) or NetworkAccess.isolate()')).message] : []),
        });
      }
    }
    if (props.metrics) admitScraper(this, props.metrics.port ?? port, props.metrics.scraper);
    this.publicChoice = props.public;
    this.openToAll = props.public ?? mainType !== 'ClusterIP';
    if (this.openToAll) access.admitAnySource({ ports: this.servicePorts.map((p) => ({ port: p.port, protocol: p.protocol })) });
    this.suffixes.set('', 'service');
    if (mainType !== 'ClusterIP') this.exposed.push({ name: this.service.name, type: mainType, prop: 'service.type' });
    (props.extraServices ?? []).forEach((x, i) => this.buildExtraService(x, `extraServices[${i}]`));
    if (props.isolate) access.isolate();
    else if (props.isolate === false) {
      keepIsolateFalse(this, "where other pods must still reach the app, replace it with public: true (any source on the Service ports) or admit them with allowFrom({ namespace: 'ops' })");
    }
    // `public: false` acts through the app's NetworkPolicy, which only an isolated app has; a client
    // added later isolates it too, so this is checked at synth.
    if (props.public === false) this.node.addValidation({ validate: () => this.openDespitePublicFalse() });
    if (props.metrics) {
      const m = props.metrics;
      this.serviceMonitor = addServiceMonitor(this, m, m.port === undefined ? portName : this.ports.find((p) => p.port === m.port)!.name);
    }
  }

  /**
   * Adds a Service `<name>-<suffix>` for the same pods, like an item of `extraServices` (e.g. an
   * external LoadBalancer beside the internal ClusterIP). A LoadBalancer or NodePort Service
   * admits any source on its ports, even once the app is isolated, unless `public` is false.
   */
  public addExtraService(options: WebAppExtraServiceOptions): k8s.KubeService {
    const error = TimonelError.all({ scope: this }, propsIssues(EXTRA_SERVICE, options).map((i) => ({ ...i, prop: joinPath('addExtraService', i.prop ?? '') })));
    if (error) throw error;
    return this.buildExtraService(options, 'addExtraService');
  }

  private buildExtraService(x: WebAppExtraServiceOptions, prop: string): k8s.KubeService {
    const taken = this.suffixes.get(x.suffix);
    if (taken !== undefined) {
      fail({
        scope: this, prop: `${prop}.suffix`, message: `names the Service '${this.name}-${x.suffix}' that '${taken}' already names`, value: x.suffix,
        allowed: 'a suffix unique among the app\'s Services', fix: 'choose another suffix',
      });
    }
    const name = `${this.name}-${x.suffix}`;
    if (name.length > 63) {
      fail({
        scope: this, prop: `${prop}.suffix`, message: `makes the Service name '${name}' ${name.length} characters long, over the 63 of a DNS label`, value: x.suffix,
        allowed: `at most ${62 - this.name.length} characters for the app '${this.name}'`, fix: 'shorten the suffix (or the app\'s name)',
      });
    }
    const wanted: readonly WebAppServicePort[] = x.ports ?? this.servicePorts.map((p) => ({ name: p.name }));
    const ports = wanted.map((sel, i) => {
      const p = this.ports.find((q) => q.name === sel.name);
      if (!p) {
        fail({
          scope: this, prop: `${prop}.ports[${i}].name`, message: 'is not a port of the app', value: sel.name,
          allowed: this.servicePorts.map((q) => `'${q.name}'`).join(', '), fix: "name one of the app's ports, or add it to 'extraPorts'",
        });
      }
      if (!onService(p)) fail({ scope: this, prop: `${prop}.ports[${i}].name`, ...podOnlyProblem(p), value: sel.name, allowed: this.servicePorts.map((q) => `'${q.name}'`).join(', ') });
      return { spec: p, port: sel.port ?? p.servicePort ?? p.port };
    });
    ports.forEach((p, i) => {
      const j = ports.findIndex((q) => q.port === p.port && (q.spec.protocol ?? 'TCP') === (p.spec.protocol ?? 'TCP'));
      if (ports.findIndex((q) => q.spec.name === p.spec.name) < i) {
        fail({ scope: this, prop: `${prop}.ports[${i}].name`, message: 'lists the same port twice', value: p.spec.name, allowed: 'each port once', fix: 'list each port once' });
      }
      if (j < i) {
        fail({
          scope: this, prop: `${prop}.ports[${i}].port`, message: `is already the Service port of '${ports[j].spec.name}'`, value: p.port,
          allowed: 'each Service port and protocol once', fix: "set 'port' to another number",
        });
      }
    });
    this.suffixes.set(x.suffix, prop);
    const type = x.type ?? DEFAULTS.webApp.serviceType;
    const svc = this.addService(`Service-${x.suffix}`, {
      suffix: x.suffix, annotations: x.annotations, spec: { type, ...exposure(x) }, ports: ports.map((p) => ({ name: p.spec.name, port: p.port })), extra: true,
    });
    this.extras.push(svc);
    if (type !== 'ClusterIP') this.exposed.push({ name: svc.name, type, prop });
    // What a LoadBalancer or NodePort Service sends on arrives from anywhere (docs/connections.md).
    if (type !== 'ClusterIP' && this.publicChoice === undefined && !this.openToAll) {
      NetworkAccess.of(this).admitAnySource({ ports: ports.map((p) => ({ port: p.spec.port, protocol: p.spec.protocol })) });
    }
    return svc;
  }

  private addIngress(i: WebAppIngressOptions): k8s.KubeIngress {
    const shortcut = ['host', 'path', 'pathType', 'tls'].filter((k) => (i as Record<string, unknown>)[k] !== undefined);
    if (i.rules !== undefined && shortcut.length) {
      fail({
        scope: this, prop: 'ingress.rules', message: `cannot be combined with ${shortcut.map((k) => `'ingress.${k}'`).join(', ')}`, value: shortcut,
        allowed: "'ingress.rules', or 'host', 'path', 'pathType' and 'tls' on ingress, not both", fix: 'move the host, its paths and its TLS into one of the rules',
      });
    }
    if (i.rules !== undefined && i.rules.length === 0) fail({ scope: this, prop: 'ingress.rules', message: 'must list at least one host', value: i.rules, allowed: 'one or more rules { host, paths?, tls? }', fix: "add a rule such as { host: 'shop.example.com' }, or leave 'rules' out" });
    const rules = i.rules ?? [{ host: i.host as string, paths: [{ path: i.path, pathType: i.pathType }], tls: i.tls }];
    return addIngress(this, { name: this.name, metadata: this.metadata(), serviceName: this.service.name, ports: this.ports }, {
      className: i.className, annotations: i.annotations, rules, shortcut: i.rules === undefined, prop: 'ingress.rules',
    });
  }

  // `public: false` on an app no NetworkPolicy selects: its exposed Services admit any source anyway.
  private openDespitePublicFalse(): string[] {
    if (NetworkAccess.of(this).isolated) return [];
    // cdk8s prefixes each message with the construct path.
    return this.exposed.map((x) => new TimonelError({
      prop: 'public',
      message: `is false, but the app is not isolated (no isolate: true, no client), so no NetworkPolicy selects its pods and its ${x.type} Service '${x.name}' (${x.prop}) admits any source`,
      value: false, allowed: 'public: false on an isolated app',
      fix: "set isolate: true, so that public: false closes the Service's ports to any source (declared clients still get in), or remove public: false if the Service is meant to be reachable",
    }).message);
  }

  // An isolated app whose route admits no Gateway pods: what to set, with both common implementations' labels.
  private unadmittedRoute(route: RouteOptions, why: string): PropIssue {
    const g = route.gateway;
    const gwNs = g.namespace ?? this.namespace;
    const gateway = `${gwNs ?? '<the app\'s namespace>'}/${g.name}`;
    const envoy = `{ namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': '${g.name}'`
      + `${gwNs ? `, 'gateway.envoyproxy.io/owning-gateway-namespace': '${gwNs}'` : ''} } }`;
    const istio = `{ namespace: '${gwNs ?? '<the Gateway\'s namespace>'}', podLabels: { 'gateway.networking.k8s.io/gateway-name': '${g.name}' } }`;
    return {
      prop: 'route.controller',
      message: `is not set, and neither is the chart's or App's traffic.gateway (or traffic.ingressController): the app is isolated (${why}), `
        + `so its NetworkPolicy admits only declared pods, and the pods of Gateway '${gateway}' that forward the HTTPRoute '${this.name}' would be refused `
        + '(ingress-nginx, the default ingress controller, serves no Gateway API routes)',
      value: route.controller,
      allowed: "the Gateway's data-plane pods as { namespace, podLabels }, on the route, or for every app as traffic.gateway of the TimonelChart or App",
      fix: `admit the Gateway's pods on the route, e.g. for Envoy Gateway (default deployment mode) route: { gateway: { name: '${g.name}'${g.namespace ? `, namespace: '${g.namespace}'` : ''} }, controller: ${envoy} }, `
        + `for Istio controller: ${istio}; or once for every app: new App({ traffic: { gateway: ${envoy} } }) (or a TimonelChart's traffic.gateway)`,
    };
  }

}

// The fields of a Service spec from the options the main and the extra Services share.
function exposure(s: WebAppServiceBaseOptions): Partial<k8s.ServiceSpec> {
  return {
    ...ipFamilySpec(s),
    externalTrafficPolicy: s.externalTrafficPolicy,
    loadBalancerSourceRanges: s.loadBalancerSourceRanges ? [...s.loadBalancerSourceRanges] : undefined,
    loadBalancerClass: s.loadBalancerClass,
  };
}
