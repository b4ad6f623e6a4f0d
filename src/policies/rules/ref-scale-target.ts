import { defineRule } from '../rule';
import { obj } from './util';

/** An HPA scales a workload of the set. */
export default defineRule({
  id: 'ref-scale-target',
  severity: 'warning',
  category: 'consistency',
  rationale: 'An HPA whose scaleTargetRef names no workload does nothing; in a partial set the target may live elsewhere, hence a warning.',
  kinds: ['HorizontalPodAutoscaler'],
  check(o, report, set) {
    const t = obj(obj(o.manifest.spec).scaleTargetRef);
    if (typeof t.kind !== 'string' || typeof t.name !== 'string') return; // api-hpa-replicas reports it
    if (set.get(t.kind, o.ns, t.name)) return;
    report({ field: 'spec.scaleTargetRef', message: `targets the ${t.kind} '${t.name}', which is not defined in this set`, value: t, fix: 'fix the kind and name of the target' });
  },
});
