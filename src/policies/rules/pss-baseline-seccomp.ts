import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { containerSecurity, obj, podSecurity } from './util';

/** Pod Security baseline: seccomp may not be turned off. */
export default defineRule({
  id: 'pss-baseline-seccomp',
  severity: 'error',
  category: 'pss-baseline',
  rationale: "An 'Unconfined' seccomp profile lets the container make every system call (Pod Security baseline).",
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const scopes = [{ ...podSecurity(pod), label: 'the pod' }, ...pod.containers.map((c) => ({ ...containerSecurity(c), label: c.label }))];
    for (const s of scopes) {
      const type = obj(s.sc.seccompProfile).type;
      if (type === 'Unconfined') {
        report({ field: fieldPath(fieldPath(s.path, 'seccompProfile'), 'type'), message: `must not be 'Unconfined' for ${s.label} (Pod Security 'baseline')`, value: type, allowed: "'RuntimeDefault' or 'Localhost'", fix: "use 'RuntimeDefault'" });
      }
    }
  },
});
