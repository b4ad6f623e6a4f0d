import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { containerSecurity, podSecurity } from './util';

/** Pod Security restricted: runAsNonRoot is true for the pod, or for every container. */
export default defineRule({
  id: 'pss-restricted-run-as-non-root',
  severity: 'error',
  category: 'pss-restricted',
  rationale: 'Containers must be required to run as a non-root user, so a root image fails to start instead of running as root (Pod Security restricted).',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const ps = podSecurity(pod);
    const podLevel = ps.sc.runAsNonRoot;
    if (podLevel === false) {
      report({ field: fieldPath(ps.path, 'runAsNonRoot'), message: "must be true (Pod Security 'restricted')", value: false, fix: 'set runAsNonRoot: true and run the image as a numeric non-root user' });
    }
    for (const c of pod.containers) {
      const s = containerSecurity(c);
      const sc = s.sc;
      const v = sc.runAsNonRoot;
      if (v === false || (v === undefined && podLevel !== true)) {
        report({
          field: fieldPath(s.path, 'runAsNonRoot'),
          message: v === false
            ? `must not be false for ${c.label} (Pod Security 'restricted')`
            : `must be true for ${c.label}, since ${fieldPath(ps.path, 'runAsNonRoot')} is not true (Pod Security 'restricted')`,
          ...(v === undefined ? {} : { value: v }),
          fix: `set ${fieldPath(ps.path, 'runAsNonRoot')}: true (and runAsUser to a non-zero id such as 10001)`,
        });
      }
    }
  },
});
