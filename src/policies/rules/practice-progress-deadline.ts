import { startupBudgetOf } from '../../core/probes';
import { defineRule } from '../rule';
import { obj } from './util';

// Kubernetes' default when the Deployment leaves it out.
const KUBERNETES_DEADLINE = 600;

/** A Deployment whose progress deadline is shorter than its pods may take to become available by their startup probes. */
export default defineRule({
  id: 'practice-progress-deadline',
  severity: 'warning',
  category: 'practice',
  rationale: "A progressDeadlineSeconds below the pods' startup-probe budget reports a slow but healthy start as ProgressDeadlineExceeded: `kubectl rollout status` fails and Argo CD shows the Deployment Degraded.",
  kinds: ['Deployment'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    const budget = startupBudgetOf(o.pod?.spec);
    if (!budget) return;
    const given = spec.progressDeadlineSeconds;
    const deadline = typeof given === 'number' ? given : KUBERNETES_DEADLINE;
    const ready = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    const needed = budget.seconds + ready;
    if (deadline >= needed) return;
    report({
      field: 'spec.progressDeadlineSeconds',
      message: `is ${deadline} s${given === undefined ? " (Kubernetes' default)" : ''}, but a pod may take ${budget.seconds} s to start by the startup probe of container '${budget.container}' (initialDelaySeconds + periodSeconds × failureThreshold)`
        + `${ready ? ` and ${ready} s more to count as available (minReadySeconds)` : ''}: a slow but healthy start is reported as ProgressDeadlineExceeded`,
      value: given ?? deadline, allowed: `at least ${needed}`,
      fix: `raise progressDeadlineSeconds to ${needed} or more (e.g. ${Math.max(KUBERNETES_DEADLINE, Math.ceil(needed / 60) * 60 + 60)}; timonel: rollout: { progressDeadlineSeconds: ${Math.max(KUBERNETES_DEADLINE, Math.ceil(needed / 60) * 60 + 60)} }), or give the startup probe a smaller failureThreshold if the app starts faster`,
    });
  },
});
