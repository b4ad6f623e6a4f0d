import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as mon from '../../imports/monitoring.coreos.com';
import { DEFAULTS } from '../core/defaults';
import { validateWholeNumber } from '../core/numbers';
import { Policy } from '../policies';
import { ConnectOptions, IConnectable } from '../workload/connections';
import { addMetricsService, addServiceMonitor, admitScraper, MetricsOptions, noteMetricsProp } from '../workload/metrics';
import { NetworkAccess } from '../workload/network';
import { MainContainerExtras } from '../workload/pod';
import {
  addAutoscaler, deploymentDisruptionBudget, AutoscalingOptions, deploymentRollout, DeploymentRolloutOptions,
  resolveAutoscaling,
} from '../workload/scaling';
import { Workload, WorkloadProps } from '../workload/workload';
import { checkedCopy, childPath, checkProps } from '../core/validation';
import { WORKER_PROPS } from './props/worker';

/** A connection given in Worker props, with options. */
export interface WorkerConnection {
  /** What the worker connects to (a StatefulStore, a WebApp, any IConnectable). */
  readonly target: IConnectable;
  /** @default - connectTo's defaults */
  readonly options?: ConnectOptions;
}

/** Prometheus scraping of a Worker: a metrics port, and a ServiceMonitor through a headless Service `<name>-metrics`. */
export interface WorkerMetricsOptions extends MetricsOptions {
  /** The container port the process exports metrics on (e.g. 9394 for Sidekiq's exporter), named 'metrics'. */
  readonly port: number;
}

/**
 * Props of a Worker. Probes (`liveness`, `readiness`, `startup`) are optional and run a command
 * (`Probe.exec(...)`): a worker serves no port; with `metrics`, an HTTP or TCP probe of the metrics port works too.
 */
export interface WorkerProps extends WorkloadProps {
  /** Pod count when not autoscaled (0 stops the worker). @default 2 */
  readonly replicas?: number;
  /** Horizontal pod autoscaling on CPU and/or memory. @default - fixed `replicas` */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * A PodDisruptionBudget: `maxUnavailable: 1` when 2 or more replicas (`minReplicas` with
   * autoscaling). `false` opts out; `true` with fewer replicas is an error (it would protect nothing).
   * @default true
   */
  readonly disruptionBudget?: boolean;
  /** Spread pods over zones and hosts (ScheduleAnyway) when 2 or more replicas. @default true */
  readonly spread?: boolean;
  /**
   * A NetworkPolicy `<name>` that admits no inbound traffic to the pods (they serve no port), but
   * the metrics scraper on the metrics port (`metrics`). Egress is not restricted by it; `connectTo`
   * restricts it to the connections and DNS.
   * @default true
   */
  readonly isolate?: boolean;
  /**
   * Prometheus scraping: the port becomes a container port named 'metrics', a headless Service
   * `<name>-metrics` exposes it (only it) for a ServiceMonitor `<name>`, and the NetworkPolicy admits
   * `metrics.scraper` on it, and nothing else. The worker stays a client only: nothing can
   * `connectTo` it. Needs prometheus-operator's CRDs.
   * @default - no metrics port, no Service, no ServiceMonitor
   */
  readonly metrics?: WorkerMetricsOptions;
  /** @default - maxUnavailable 0, maxSurge 25% */
  readonly rollout?: DeploymentRolloutOptions;
  /**
   * Stores or services the worker connects to, as `connectTo` would (env, NetworkPolicies, order).
   * @default - none (call `connectTo` later, or not at all)
   */
  readonly connectTo?: Array<IConnectable | WorkerConnection>;
}

/**
 * A long-running process that serves no port: a queue consumer, a load generator, a controller.
 * A Deployment without a Service, with the pod defaults of every workload (restricted security,
 * resources, a ServiceAccount without token, config with checksum), optional exec probes,
 * autoscaling on CPU or memory, a NetworkPolicy that admits no inbound traffic, and a PodDisruptionBudget and topology spread from 2 replicas on.
 * With `metrics`, Prometheus scrapes it on its metrics port (and only Prometheus, only there).
 * It is a client only: it can `connectTo` others, nothing can connect to it.
 */
export class Worker extends Workload {
  /** The Deployment (the primary child, id 'Resource'). */
  public readonly deployment: k8s.KubeDeployment;
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy that denies inbound traffic but the metrics scraper's (unless `isolate: false`). */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The headless Service `<name>-metrics` of `metrics`: the metrics port only, for the ServiceMonitor. */
  public readonly metricsService?: k8s.KubeService;
  /** The ServiceMonitor of `metrics`. */
  public readonly serviceMonitor?: mon.ServiceMonitor;
  /** The replicas when not autoscaled, else the autoscaler's minimum. */
  public readonly minReplicas: number;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id, checkedCopy(checkProps(WORKER_PROPS, props, childPath(scope, id))));
    const replicas = validateWholeNumber(props.replicas ?? DEFAULTS.worker.replicas, { scope: this, prop: 'replicas' });
    const autoscaling = props.autoscaling ? resolveAutoscaling(this, props.autoscaling) : undefined;
    this.minReplicas = autoscaling ? autoscaling.minReplicas : replicas;
    const spread = (props.spread ?? true) && this.minReplicas >= 2;
    const rollout = deploymentRollout(this, props.rollout);

    const metrics = props.metrics;
    const main: MainContainerExtras = metrics ? { ports: [{ name: DEFAULTS.metrics.portName, port: metrics.port }], portsProp: 'metrics.port' } : {};
    if (metrics) this.metricsService = addMetricsService(this, metrics.port);
    this.deployment = this.addDeployment({ replicas: autoscaling ? undefined : replicas, rollout, main, spread });
    // A probe turned off with `false` is a choice made in code: recorded as a reasoned suppression
    // (of the pod, or of each container whose probes were turned off: the others are judged on their own).
    Policy._probesTurnedOff(this.deployment, this.pod.probeSuppressions(main));

    if (autoscaling) {
      this.autoscaler = addAutoscaler(this, this.metadata(), { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name }, autoscaling);
    }
    this.disruptionBudget = deploymentDisruptionBudget(this, props.disruptionBudget, this.minReplicas, autoscaling !== undefined, this.metadata(), this.selectorLabels);
    // The worker's own policy `<name>` (NetworkAccess's), so the scraper's entry and any later one land in it.
    noteMetricsProp(this, metrics);
    if (metrics) admitScraper(this, metrics.port, metrics.scraper, DEFAULTS.metrics.portName);
    if (props.isolate ?? DEFAULTS.worker.isolate) this.networkPolicy = NetworkAccess.of(this).isolate().ingressPolicy;
    this.connectToEach(props.connectTo);
    if (metrics) this.serviceMonitor = addServiceMonitor(this, metrics, DEFAULTS.metrics.portName);
  }
}
