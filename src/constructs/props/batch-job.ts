import { NameRule } from '../../core/names';
import { cronScheduleProblem, timeZoneProblem } from '../../core/schedule';
import { nameSpec } from '../../core/specs';
import { Reporter, v } from '../../core/validation';
import { checkWorkload, CONNECTION, noPortRefused, WORKLOAD_FIELDS, WORKLOAD_REFUSED } from '../../workload/specs';
import type { WorkloadProps } from '../../workload/workload';
import type { BatchJobFailurePolicy, BatchJobProps } from '../batch-job';

const failurePolicy = v.object<BatchJobFailurePolicy>()({
  failJobOnExitCodes: v.array(v.int({
    min: 1, max: 255, message: 'must hold exit codes from 1 to 255', allowed: 'integers from 1 to 255 (0 is success; a process exit code never exceeds 255)',
    fix: 'list the exit codes that mean the run cannot succeed, e.g. [2, 3]; a code above 255 reaches the Job as itself modulo 256',
  })),
  ignoreDisruptions: v.boolean(),
}, {
  what: 'failure policy option',
  check: (p, r) => {
    if (!p.failJobOnExitCodes?.length && p.ignoreDisruptions === false) {
      r.issue('', { message: 'has no rules', value: p, allowed: 'failJobOnExitCodes, ignoreDisruptions or both', fix: 'remove podFailurePolicy, or give it failJobOnExitCodes' });
    }
  },
});

/** Kubernetes' cap on the parallelism of an Indexed Job. */
const MAX_INDEXED_PARALLELISM = 100000;

/** The field specs of BatchJobProps (a Migration takes those of a one-off Job). */
export const BATCH_JOB_FIELDS = {
  ...WORKLOAD_FIELDS,
  name: nameSpec(NameRule.DNS_1123_LABEL),
  schedule: v.string({ nonEmpty: true, samples: ['0 2 * * *', '@daily', '*/5 * * * *'], check: cronScheduleProblem }),
  timeZone: v.string({ nonEmpty: true, samples: ['Etc/UTC', 'Europe/Berlin'], check: timeZoneProblem }),
  concurrencyPolicy: v.oneOf(['Allow', 'Forbid', 'Replace'] as const, {
    fix: "leave it out for 'Forbid' (a run is skipped while the last one runs), or write 'Replace' or 'Allow'",
  }),
  startingDeadlineSeconds: v.int({ min: 10, fix: 'the CronJob controller checks schedules every 10 seconds, so a shorter deadline can skip runs' }),
  successfulJobsHistoryLimit: v.int({ min: 0 }),
  failedJobsHistoryLimit: v.int({ min: 0 }),
  suspend: v.boolean(),
  restartPolicy: v.oneOf(['Never', 'OnFailure'] as const, {
    allowed: "'Never' (a retry is a new pod) or 'OnFailure' (the container restarts in its pod)",
    fix: 'a process that should run forever belongs in a WebApp (a Deployment)',
  }),
  backoffLimit: v.int({ min: 0, fix: 'use 0 for no retries' }),
  activeDeadlineSeconds: v.int({ min: 1, fix: 'a deadline of 0 fails every run at once; give the longest time a run may take, e.g. 3600' }),
  ttlSecondsAfterFinished: v.int({ min: 0 }),
  parallelism: v.int({ min: 1, fix: "to pause a Job, set 'suspend: true'" }),
  completions: v.int({ min: 1 }),
  completionMode: v.oneOf(['NonIndexed', 'Indexed'] as const, { fix: "leave it out for 'NonIndexed', or write 'Indexed' to give each pod an index" }),
  podFailurePolicy: failurePolicy,
  connectTo: v.array(CONNECTION),
};

/** The props a BatchJob takes only with a `schedule` (a CronJob). */
export const CRON_ONLY_PROPS = ['timeZone', 'concurrencyPolicy', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const;

/** The spec of BatchJobProps. */
export const BATCH_JOB_PROPS = v.object<BatchJobProps>()(BATCH_JOB_FIELDS, {
  owner: 'BatchJob', docs: 'docs/batch-job.md',
  refused: { ...WORKLOAD_REFUSED, ...noPortRefused('BatchJob') },
  check: (p, r) => {
    if (p.schedule === undefined) {
      for (const prop of CRON_ONLY_PROPS) {
        if (p[prop] !== undefined) {
          r.issue(prop, { message: "only applies to a scheduled BatchJob (a CronJob), but there is no 'schedule'", value: p[prop], allowed: `${prop} with 'schedule' only`, fix: `set 'schedule', or remove '${prop}'` });
        }
      }
    }
    checkJob(p, r);
  },
});

/** The rules of a Job's props (one-off or a CronJob's template): completions, failure policy, pod. */
export function checkJob(p: Pick<BatchJobProps, JobRuleProps>, r: Reporter): void {
  if (p.completionMode === 'Indexed' && p.completions === undefined) {
    r.issue('completions', {
      message: "is required when completionMode is 'Indexed'", value: undefined, allowed: 'an integer of at least 1',
      fix: 'set completions to the number of indexes: pods get indexes 0 to completions - 1',
    });
  }
  if (p.completionMode === 'Indexed' && p.parallelism !== undefined && p.parallelism > MAX_INDEXED_PARALLELISM) {
    r.issue('parallelism', {
      message: `must be at most ${MAX_INDEXED_PARALLELISM} in Indexed mode`, value: p.parallelism, allowed: `an integer from 1 to ${MAX_INDEXED_PARALLELISM}`,
      fix: `lower parallelism to ${MAX_INDEXED_PARALLELISM} or less: the Job still runs every index, that many at a time`,
    });
  }
  if (p.podFailurePolicy && (p.restartPolicy ?? 'Never') !== 'Never') {
    r.issue('podFailurePolicy', { message: "needs restartPolicy 'Never'", value: p.restartPolicy, allowed: "podFailurePolicy with restartPolicy 'Never' (the default)", fix: "remove restartPolicy 'OnFailure', or the podFailurePolicy" });
  }
  checkWorkload(p, [], r);
}

type JobRuleProps = keyof WorkloadProps | 'completionMode' | 'completions' | 'parallelism' | 'podFailurePolicy' | 'restartPolicy';
