import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { containerSecurity, obj, podSecurity } from './util';

const OK = new Set(['RuntimeDefault', 'Localhost']);

/** Pod Security restricted: a RuntimeDefault or Localhost seccomp profile for the pod or every container. */
export default defineRule({
  id: 'pss-restricted-seccomp',
  severity: 'error',
  category: 'pss-restricted',
  rationale: "Restricted pods must filter system calls with the runtime's default (or a local) seccomp profile (Pod Security restricted).",
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    if (pod.windows) return;
    const ps = podSecurity(pod);
    const podType = obj(ps.sc.seccompProfile).type;
    const podField = () => fieldPath(fieldPath(ps.path, 'seccompProfile'), 'type');
    if (podType !== undefined && podType !== 'Unconfined' && !OK.has(podType)) {
      report({ field: podField(), message: "must be 'RuntimeDefault' or 'Localhost' (Pod Security 'restricted')", value: podType, fix: "use 'RuntimeDefault'" });
    }
    if (OK.has(podType)) return;
    for (const c of pod.containers) {
      const s = containerSecurity(c);
      const sc = s.sc;
      const type = obj(sc.seccompProfile).type;
      if (type === 'Unconfined') continue; // reported by pss-baseline-seccomp
      if (!OK.has(type)) {
        report({
          field: fieldPath(fieldPath(s.path, 'seccompProfile'), 'type'),
          message: `must be 'RuntimeDefault' or 'Localhost' for ${c.label}, since ${podField()} is not set (Pod Security 'restricted')`,
          ...(type === undefined ? {} : { value: type }),
          fix: `set ${podField()}: RuntimeDefault`,
        });
      }
    }
  },
});
