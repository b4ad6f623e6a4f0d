import { defineRule } from '../rule';
import { obj } from './util';

/** A PodDisruptionBudget selects pods of the set. */
export default defineRule({
  id: 'ref-pdb-selector',
  severity: 'warning',
  category: 'consistency',
  rationale: 'A PodDisruptionBudget that selects no pods protects nothing during node drains.',
  kinds: ['PodDisruptionBudget'],
  check(o, report, set) {
    const selector = obj(o.manifest.spec).selector;
    if (set.selectPods(o.ns, selector).length > 0) return;
    report({
      field: 'spec.selector', message: selector === undefined ? 'is missing, so the budget selects no pods' : `selects no pods in this set${o.namespace ? ` (namespace '${o.namespace}')` : ''}`,
      ...(selector === undefined ? {} : { value: selector }), fix: "select the workload's pod template labels",
    });
  },
});
