import { defineRule } from '../rule';
import { coveredBy, minReplicas } from './refs';
import { obj } from './util';

/** Workloads with 2 or more replicas have a PodDisruptionBudget. */
export default defineRule({
  id: 'practice-disruption-budget',
  severity: 'warning',
  category: 'practice',
  rationale: 'Without a PodDisruptionBudget a node drain may evict every replica at once.',
  kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'],
  check(o, report, set) {
    const replicas = minReplicas(o, set);
    if (replicas < 2) return;
    if (coveredBy(set, 'PodDisruptionBudget', (p) => obj(p.manifest.spec).selector)(o)) return;
    report({
      field: 'spec.replicas', message: `runs ${replicas} replicas but no PodDisruptionBudget selects its pods`,
      fix: 'add a PodDisruptionBudget with maxUnavailable: 1 selecting the pod template labels',
    });
  },
});
