import { NameRule } from '../../core/names';
import { nameSpec } from '../../core/specs';
import { v } from '../../core/validation';
import { AUTOSCALING, checkReplicasWithAutoscaling, checkWorkload, CONNECTION, DEPLOYMENT_ROLLOUT, noPortRefused, WORKLOAD_FIELDS, WORKLOAD_REFUSED } from '../../workload/specs';
import type { WorkerProps } from '../worker';

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
}, {
  refused: { ...WORKLOAD_REFUSED, ...noPortRefused('Worker') },
  check: (p, r) => {
    checkReplicasWithAutoscaling(p, r);
    for (const kind of ['liveness', 'readiness', 'startup'] as const) {
      const probe = p[kind];
      if (probe && probe.kind !== 'exec') {
        r.issue(kind, {
          message: `is ${probe.kind === 'http' ? 'an HTTP' : probe.kind === 'tcp' ? 'a TCP' : 'a gRPC'} probe, but a Worker has no port to probe`,
          value: { http: 'httpGet', tcp: 'tcpSocket', grpc: 'grpc' }[probe.kind], allowed: 'Probe.exec([...]), or no probe',
          fix: "probe with a command (e.g. Probe.exec(['test', '-f', '/tmp/alive'])), or use a WebApp if the process serves a port",
        });
      }
    }
    checkWorkload(p, [], r);
  },
});
