import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { containerSecurity, runnableContainers } from './util';

/** Containers run with a read-only root filesystem. */
export default defineRule({
  id: 'practice-read-only-root-fs',
  severity: 'warning',
  category: 'practice',
  rationale: 'A writable root filesystem lets an attacker drop tools and persist changes inside the container.',
  pods: true,
  check(o, report) {
    for (const c of runnableContainers(o.pod!)) {
      const s = containerSecurity(c);
      const sc = s.sc;
      if (sc.readOnlyRootFilesystem !== true) {
        report({
          field: fieldPath(s.path, 'readOnlyRootFilesystem'), message: `is not true for ${c.label}`,
          ...(sc.readOnlyRootFilesystem === undefined ? {} : { value: sc.readOnlyRootFilesystem }),
          fix: 'set readOnlyRootFilesystem: true and mount an emptyDir where the process writes (e.g. /tmp)',
        });
      }
    }
  },
});
