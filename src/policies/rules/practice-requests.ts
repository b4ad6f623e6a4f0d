import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { obj, runnableContainers } from './util';

/** Every container requests CPU and memory (a limit alone counts: the request defaults to it). */
export default defineRule({
  id: 'practice-requests',
  severity: 'error',
  category: 'practice',
  rationale: 'Without CPU and memory requests the scheduler overcommits nodes and the pod is the first to be evicted (BestEffort).',
  pods: true,
  check(o, report) {
    for (const c of runnableContainers(o.pod!)) {
      const r = obj(c.container.resources);
      const missing = ['cpu', 'memory'].filter((k) => obj(r.requests)[k] === undefined && obj(r.limits)[k] === undefined);
      if (missing.length) {
        report({
          field: fieldPath(fieldPath(c.path, 'resources'), 'requests'),
          message: `has no ${missing.join(' and ')} request for ${c.label}`,
          fix: `set resources.requests (e.g. ${missing.map((k) => (k === 'cpu' ? "cpu: '100m'" : "memory: '128Mi'")).join(', ')}) from observed usage`,
        });
      }
    }
  },
});
