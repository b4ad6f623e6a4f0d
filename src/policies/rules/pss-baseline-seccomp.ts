import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { obj, securityScopes } from './util';

/** Pod Security baseline: seccomp may not be turned off. */
export default defineRule({
  id: 'pss-baseline-seccomp',
  severity: 'error',
  category: 'pss-baseline',
  rationale: "An 'Unconfined' seccomp profile lets the container make every system call (Pod Security baseline).",
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    for (const s of securityScopes(pod)) {
      const type = obj(s.sc.seccompProfile).type;
      if (type === 'Unconfined') {
        report({ field: fieldPath(fieldPath(s.path, 'seccompProfile'), 'type'), message: `must not be 'Unconfined' for ${s.label} (Pod Security 'baseline')`, value: type, allowed: "'RuntimeDefault' or 'Localhost'", fix: "use 'RuntimeDefault'" });
      }
    }
  },
});
