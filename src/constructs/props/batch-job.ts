import { NameRule } from '../../core/names';
import { nameSpec } from '../../core/specs';
import { v } from '../../core/validation';
import { checkWorkload, CONNECTION, WORKLOAD_FIELDS } from '../../workload/specs';
import type { BatchJobFailurePolicy, BatchJobProps } from '../batch-job';

const failurePolicy = v.object<BatchJobFailurePolicy>()({
  failJobOnExitCodes: v.array(v.int({ min: 1, max: 255, message: 'must hold exit codes from 1 to 255', allowed: 'integers from 1 to 255 (0 is success; a process exit code never exceeds 255)' })),
  ignoreDisruptions: v.boolean(),
}, { what: 'failure policy option' });

/** The spec of BatchJobProps. */
export const BATCH_JOB_PROPS = v.object<BatchJobProps>()({
  ...WORKLOAD_FIELDS,
  name: nameSpec(NameRule.DNS_1123_LABEL),
  schedule: v.string({ nonEmpty: true, samples: ['0 2 * * *', '@daily', '*/5 * * * *'] }),
  timeZone: v.string({ nonEmpty: true, samples: ['Etc/UTC', 'Europe/Berlin'] }),
  concurrencyPolicy: v.oneOf(['Allow', 'Forbid', 'Replace'] as const),
  startingDeadlineSeconds: v.int({ min: 10, fix: 'the CronJob controller checks schedules every 10 seconds, so a shorter deadline can skip runs' }),
  successfulJobsHistoryLimit: v.int({ min: 0 }),
  failedJobsHistoryLimit: v.int({ min: 0 }),
  suspend: v.boolean(),
  restartPolicy: v.oneOf(['Never', 'OnFailure'] as const, { fix: 'a process that should run forever belongs in a WebApp (a Deployment)' }),
  backoffLimit: v.int({ min: 0, fix: 'use 0 for no retries' }),
  activeDeadlineSeconds: v.int({ min: 1, fix: 'a deadline of 0 fails every run at once; give the longest time a run may take, e.g. 3600' }),
  ttlSecondsAfterFinished: v.int({ min: 0 }),
  parallelism: v.int({ min: 1, fix: "to pause a Job, set 'suspend: true'" }),
  completions: v.int({ min: 1 }),
  completionMode: v.oneOf(['NonIndexed', 'Indexed'] as const),
  podFailurePolicy: failurePolicy,
  connectTo: v.array(CONNECTION),
}, {
  check: (p, r) => {
    if (p.schedule === undefined) {
      for (const prop of ['timeZone', 'concurrencyPolicy', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
        if (p[prop] !== undefined) {
          r.issue(prop, { message: "only applies to a scheduled BatchJob (a CronJob), but there is no 'schedule'", value: p[prop], fix: `set 'schedule', or remove '${prop}'` });
        }
      }
    }
    if (p.completionMode === 'Indexed' && p.completions === undefined) {
      r.issue('completions', {
        message: "is required when completionMode is 'Indexed'", allowed: 'an integer of at least 1',
        fix: 'set completions to the number of indexes: pods get indexes 0 to completions - 1',
      });
    }
    if (p.podFailurePolicy && (p.restartPolicy ?? 'Never') !== 'Never') {
      r.issue('podFailurePolicy', { message: "needs restartPolicy 'Never'", value: p.restartPolicy, fix: "remove restartPolicy 'OnFailure', or the podFailurePolicy" });
    }
    checkWorkload(p, [], r);
  },
});
