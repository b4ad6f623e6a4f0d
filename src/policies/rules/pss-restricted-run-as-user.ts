import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { securityScopes } from './util';

/** Pod Security restricted: runAsUser is never 0. */
export default defineRule({
  id: 'pss-restricted-run-as-user',
  severity: 'error',
  category: 'pss-restricted',
  rationale: 'User id 0 is root, whatever runAsNonRoot says (Pod Security restricted).',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    for (const s of securityScopes(pod)) {
      if (s.sc.runAsUser === 0) {
        report({ field: fieldPath(s.path, 'runAsUser'), message: `must not be 0 (root) for ${s.label} (Pod Security 'restricted')`, value: 0, fix: 'use a non-zero user id such as 10001' });
      }
    }
  },
});
