import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { minReplicas } from './refs';
import { arr, obj } from './util';

/** Workloads with 2 or more replicas spread over nodes/zones (topology spread or pod anti-affinity). */
export default defineRule({
  id: 'practice-spread',
  severity: 'warning',
  category: 'practice',
  rationale: 'Replicas the scheduler may pack on one node or zone all fail together.',
  kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'],
  check(o, report, set) {
    const replicas = minReplicas(o, set);
    if (replicas < 2) return;
    const spec = o.pod!.spec;
    const anti = obj(obj(spec.affinity).podAntiAffinity);
    if (arr(spec.topologySpreadConstraints).length > 0) return;
    if (arr(anti.requiredDuringSchedulingIgnoredDuringExecution).length || arr(anti.preferredDuringSchedulingIgnoredDuringExecution).length) return;
    report({
      field: fieldPath(o.pod!.path, 'topologySpreadConstraints'), message: `is not set and there is no pod anti-affinity, though the workload runs ${replicas} replicas`,
      fix: "spread the pods over 'topology.kubernetes.io/zone' and 'kubernetes.io/hostname' (whenUnsatisfiable: ScheduleAnyway)",
    });
  },
});
