import { DEFAULTS } from '../../core/defaults';
import { NameRule } from '../../core/names';
import { nameSpec, portNumber } from '../../core/specs';
import { PropIssue } from '../../core/errors';
import { Probe } from '../../core/probes';
import { v } from '../../core/validation';
import {
  AUTOSCALING, checkReplicasWithAutoscaling, checkWorkload, CONNECTION, DEPLOYMENT_ROLLOUT, METRICS_FIELDS, WORKLOAD_FIELDS, WORKLOAD_REFUSED,
} from '../../workload/specs';
import type { WorkerMetricsOptions, WorkerProps } from '../worker';

// A Worker serves no port: the one it may have is its metrics port, and that is declared as such.
const NO_PORT = { why: 'a Worker serves no port (it gets no Service)', fix: 'for Prometheus metrics: metrics: { port: 9394 } (only the scraper is admitted to it); for a server others connect to, a WebApp' };

const metrics = v.object<WorkerMetricsOptions>()({
  port: v.required(portNumber, {
    message: 'is required: a Worker has no main port to scrape', fix: 'give the port the process exports metrics on, e.g. metrics: { port: 9394 }',
  }),
  ...METRICS_FIELDS,
}, { what: 'metrics option', typeFix: (value) => (typeof value === 'number' ? `write metrics: { port: ${value} }` : value === true ? 'name the port: metrics: { port: 9394 }' : undefined) });

/** The spec of WorkerProps. */
export const WORKER_PROPS = v.object<WorkerProps>()({
  ...WORKLOAD_FIELDS,
  name: nameSpec(NameRule.DNS_1035_LABEL),
  replicas: v.int({ min: 0 }),
  autoscaling: AUTOSCALING,
  disruptionBudget: v.boolean(),
  spread: v.boolean(),
  isolate: v.boolean(),
  rollout: DEPLOYMENT_ROLLOUT,
  connectTo: v.array(CONNECTION),
  metrics,
}, {
  owner: 'Worker', docs: 'docs/worker.md',
  refused: { ...WORKLOAD_REFUSED, port: NO_PORT, ports: NO_PORT, extraPorts: NO_PORT },
  check: (p, r) => {
    checkReplicasWithAutoscaling(p, r);
    for (const kind of ['liveness', 'readiness', 'startup'] as const) {
      const probe = p[kind];
      const issue = probe ? workerProbeIssue(probe, p.metrics?.port) : undefined;
      if (issue) r.issue(kind, issue);
    }
    checkWorkload(p, p.metrics?.port !== undefined ? [{ name: DEFAULTS.metrics.portName, port: p.metrics.port }] : [], r);
  },
});

/**
 * Why a Worker cannot run `probe`, or undefined: its probes run a command, except an HTTP or TCP
 * probe of its metrics port (the one port it has, when `metrics` is set).
 */
export function workerProbeIssue(probe: Probe, metricsPort: number | undefined): PropIssue | undefined {
  if (probe.kind === 'exec') return undefined;
  const onMetrics = metricsPort !== undefined && (probe.port === DEFAULTS.metrics.portName || probe.port === metricsPort);
  if (onMetrics && probe.kind !== 'grpc') return undefined;
  const what = probe.kind === 'http' ? 'an HTTP' : probe.kind === 'tcp' ? 'a TCP' : 'a gRPC';
  const exec = "Probe.exec(['test', '-f', '/tmp/alive'])";
  if (metricsPort !== undefined && probe.kind !== 'grpc') {
    return {
      message: `is ${what} probe of ${probe.port === undefined ? 'no port' : `port ${typeof probe.port === 'string' ? `'${probe.port}'` : probe.port}`}, but a Worker's one port is its metrics port`,
      value: probe.port ?? { http: 'httpGet', tcp: 'tcpSocket' }[probe.kind], allowed: `Probe.exec([...]), an HTTP or TCP probe of port 'metrics' (${metricsPort}), or no probe`,
      fix: `probe the metrics port: ${probe.kind === 'http' ? `Probe.http('/metrics', { port: 'metrics' })` : "Probe.tcp({ port: 'metrics' })"}, or run a command: ${exec}`,
    };
  }
  return {
    message: metricsPort !== undefined ? `is ${what} probe, but a Worker's one port is its metrics port, which serves HTTP` : `is ${what} probe, but a Worker has no port to probe`,
    value: { http: 'httpGet', tcp: 'tcpSocket', grpc: 'grpc' }[probe.kind], allowed: 'Probe.exec([...]), or no probe',
    fix: `probe with a command (e.g. ${exec})${metricsPort === undefined ? ", an HTTP or TCP probe of the metrics port once metrics: { port } is set," : ''} or use a WebApp if the process serves a port`,
  };
}
