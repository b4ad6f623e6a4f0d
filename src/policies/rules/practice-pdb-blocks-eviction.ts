import { isZeroIntOrPercent } from '../../core/specs';
import { defineRule } from '../rule';
import { ObjectSet, PolicyObject } from '../model';
import { autoscalerOf } from './refs';
import { isObject, obj } from './util';

// Pod-bearing kinds whose pod count a budget can be compared with; others (DaemonSet, Job) leave it unknown.
const COUNTED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Pod']);

const percent = (x: unknown): number | undefined => (typeof x === 'string' && /^\d+%$/.test(x) ? Number(x.slice(0, -1)) : undefined);

/**
 * A PodDisruptionBudget that allows no voluntary eviction of the pods it selects: maxUnavailable 0
 * or '0%', minAvailable '100%', or a minAvailable (a count, or a percentage rounded up) of at least
 * the pods its workloads run (an autoscaled one's minReplicas).
 */
export default defineRule({
  id: 'practice-pdb-blocks-eviction',
  severity: 'warning',
  category: 'practice',
  rationale: 'A PodDisruptionBudget that allows no eviction blocks every node drain and the cluster autoscaler on the nodes of its pods: the Eviction API answers 429 and they retry forever.',
  kinds: ['PodDisruptionBudget'],
  check(o, report, set) {
    const spec = obj(o.manifest.spec);
    const fix = 'use maxUnavailable: 1 (one pod at a time, whatever the replica count; with a single replica, none: that pod is down while it is moved anyway)';
    if (spec.maxUnavailable !== undefined) {
      if (isZeroIntOrPercent(spec.maxUnavailable)) {
        report({ field: 'spec.maxUnavailable', message: 'allows no pod it selects to be evicted: a node drain or the cluster autoscaler waits on their nodes forever', value: spec.maxUnavailable, allowed: '1 or more', fix });
      }
      return;
    }
    const min = spec.minAvailable;
    if (min === undefined) return;
    if (percent(min) !== undefined && percent(min)! >= 100) {
      report({ field: 'spec.minAvailable', message: 'keeps every pod it selects: none may be evicted, so a node drain or the cluster autoscaler waits on their nodes forever', value: min, allowed: 'below 100%', fix });
      return;
    }
    if (!isObject(spec.selector)) return;
    const selected = set.selectPods(o.ns, spec.selector);
    if (selected.length === 0 || selected.some((w) => !COUNTED.has(w.kind))) return;
    const pods = selected.reduce((n, w) => n + fewestPods(w, set), 0);
    const needed = typeof min === 'number' ? min : percent(min) !== undefined ? Math.ceil((percent(min)! * pods) / 100) : undefined;
    if (pods === 0 || needed === undefined || needed < pods) return;
    const what = selected.length === 1 ? `${selected[0].display} runs` : `${selected.map((w) => w.display).join(', ')} run`;
    report({
      field: 'spec.minAvailable',
      message: `keeps ${needed} pod${needed === 1 ? '' : 's'} available, and ${what} ${pods}${selected.some((w) => autoscalerOf(w, set)) ? ' at the fewest' : ''}: none may be evicted, so a node drain or the cluster autoscaler waits on their nodes forever`,
      value: min, allowed: `at most ${pods - 1} (below the pods it selects)`, fix,
    });
  },
});

/**
 * The fewest pods a workload runs: its replicas (default 1), or with an autoscaler its minReplicas,
 * or its replicas when lower (every apply resets the count to them until the autoscaler scales again).
 */
function fewestPods(w: PolicyObject, set: ObjectSet): number {
  if (w.kind === 'Pod') return 1;
  const given = obj(w.manifest.spec).replicas;
  const replicas = Number.isInteger(given) ? (given as number) : undefined;
  const hpa = autoscalerOf(w, set);
  if (!hpa) return replicas ?? 1;
  const min = obj(hpa.manifest.spec).minReplicas;
  const hpaMin = Number.isInteger(min) ? (min as number) : 1;
  return replicas === undefined ? hpaMin : Math.min(hpaMin, replicas);
}
