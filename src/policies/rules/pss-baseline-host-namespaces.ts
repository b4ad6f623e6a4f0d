import { fieldPath } from '../model';
import { defineRule } from '../rule';

/** Pod Security baseline: no host network, PID or IPC namespace. */
export default defineRule({
  id: 'pss-baseline-host-namespaces',
  severity: 'error',
  category: 'pss-baseline',
  rationale: "Sharing the host's network, PID or IPC namespace lets a pod see and reach everything on the node (Pod Security baseline).",
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (pod.spec[k] === true) {
        report({ field: fieldPath(pod.path, k), message: "must not be true (Pod Security 'baseline')", value: true, fix: `remove ${k}` });
      }
    }
  },
});
