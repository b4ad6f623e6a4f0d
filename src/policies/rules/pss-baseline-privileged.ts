import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { containerSecurity, obj, podSecurity } from './util';

/** Pod Security baseline: no privileged containers and no Windows HostProcess pods. */
export default defineRule({
  id: 'pss-baseline-privileged',
  severity: 'error',
  category: 'pss-baseline',
  rationale: 'A privileged container (or a Windows HostProcess container) has full access to the node (Pod Security baseline).',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const ps = podSecurity(pod);
    if (obj(ps.sc.windowsOptions).hostProcess === true) {
      report({ field: fieldPath(fieldPath(ps.path, 'windowsOptions'), 'hostProcess'), message: "must not be true (Pod Security 'baseline')", value: true, fix: 'remove hostProcess' });
    }
    for (const c of pod.containers) {
      const s = containerSecurity(c);
      const sc = s.sc;
      if (sc.privileged === true) {
        report({ field: fieldPath(s.path, 'privileged'), message: `must not be true for ${c.label} (Pod Security 'baseline')`, value: true, fix: 'remove privileged; grant only the capabilities the process needs' });
      }
      if (obj(sc.windowsOptions).hostProcess === true) {
        report({ field: fieldPath(fieldPath(s.path, 'windowsOptions'), 'hostProcess'), message: "must not be true (Pod Security 'baseline')", value: true, fix: 'remove hostProcess' });
      }
    }
  },
});
