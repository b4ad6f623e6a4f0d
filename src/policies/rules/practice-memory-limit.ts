import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { obj, runnableContainers } from './util';

/** Every container has a memory limit (CPU limits are deliberately not required: they throttle). */
export default defineRule({
  id: 'practice-memory-limit',
  severity: 'warning',
  category: 'practice',
  rationale: 'Without a memory limit one leaking container can exhaust the node and get its neighbours OOM-killed. (CPU limits are not required: they throttle.)',
  pods: true,
  check(o, report) {
    for (const c of runnableContainers(o.pod!)) {
      if (obj(obj(c.container.resources).limits).memory === undefined) {
        report({
          field: fieldPath(fieldPath(c.path, 'resources'), 'limits'), message: `has no memory limit for ${c.label}`,
          fix: "set resources.limits.memory (e.g. '256Mi', at or above the request)",
        });
      }
    }
  },
});
