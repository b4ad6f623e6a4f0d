import { fieldPath } from '../model';
import { defineRule } from '../rule';

/** Jobs need Never or OnFailure; controllers of long-running pods need Always. */
export default defineRule({
  id: 'api-restart-policy',
  severity: 'error',
  category: 'api',
  rationale: "The API server rejects Jobs and CronJobs whose pods restart 'Always' (the default), and workloads whose pods do not.",
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const value = pod.spec.restartPolicy;
    const field = fieldPath(pod.path, 'restartPolicy');
    if (o.kind === 'Job' || o.kind === 'CronJob') {
      if (value !== 'Never' && value !== 'OnFailure') {
        report({
          field, message: value === undefined ? `must be set for a ${o.kind} (the default 'Always' is not allowed)` : `is not allowed for a ${o.kind}`,
          ...(value === undefined ? {} : { value }), allowed: "'Never' or 'OnFailure'", fix: "set restartPolicy: 'Never' (let the Job retry with backoffLimit) or 'OnFailure'",
        });
      }
    } else if (o.kind === 'Pod') {
      if (value !== undefined && !['Always', 'OnFailure', 'Never'].includes(value)) {
        report({ field, message: 'is not a restart policy', value, allowed: "'Always', 'OnFailure' or 'Never'", fix: 'use one of the allowed values (they are case-sensitive)' });
      }
    } else if (o.kind !== 'PodTemplate' && value !== undefined && value !== 'Always') {
      report({ field, message: `must be 'Always' for a ${o.kind}`, value, allowed: "'Always' (or leave it out)", fix: 'remove restartPolicy, or use a Job for run-to-completion work' });
    }
  },
});
