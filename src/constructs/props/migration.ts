import { IConstruct } from 'constructs';
import { typeName, v } from '../../core/validation';
import type { MigrationProps } from '../migration';
import { BATCH_JOB_FIELDS, checkJob, CRON_ONLY_PROPS } from './batch-job';
import { noPortRefused, WORKLOAD_REFUSED } from '../../workload/specs';

// A Migration is a one-off Job: none of the CronJob props, no suspend, no TTL.
const {
  schedule: _schedule, timeZone: _tz, concurrencyPolicy: _cp, startingDeadlineSeconds: _sd,
  successfulJobsHistoryLimit: _sh, failedJobsHistoryLimit: _fh, suspend: _suspend, ttlSecondsAfterFinished: _ttl,
  ...ONE_OFF_JOB_FIELDS
} = BATCH_JOB_FIELDS;

const WORKLOADS = 'a workload that runs pods (a WebApp, Worker, StatefulStore, NodeAgent, BatchJob, or a cdk8s Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod), or a construct that contains one';

/** A `before` item: a construct (whether it runs pods is checked by the Migration, which knows its path). */
const BEFORE_ITEM = v.custom<IConstruct>(WORKLOADS, (x) => {
  if (typeof x === 'object' && x !== null && typeof (x as IConstruct).node?.addDependency === 'function') return undefined;
  if (typeof x === 'string') {
    const name = /^[A-Za-z_$][\w$]*$/.test(x) ? x : 'api';
    return { message: 'must be a construct, not its name', fix: `pass the workload itself (the variable that holds it), e.g. before: [${name}]` };
  }
  return {
    message: `must be a construct, but is ${typeName(x)}`,
    fix: x === null ? 'pass a workload created before the Migration, e.g. before: [api]' : 'pass the workload itself, e.g. before: [api]',
  };
}, () => []);

const cronOnly = Object.fromEntries(CRON_ONLY_PROPS.map((k) => [k, {
  why: 'it only applies to a CronJob, and a Migration is a one-off Job',
  fix: "remove it (a job that runs on a schedule is a BatchJob with 'schedule')",
}]));

/** The spec of MigrationProps: a one-off BatchJob's props, `before` and `argocd`. */
export const MIGRATION_PROPS = v.object<MigrationProps>()({
  ...ONE_OFF_JOB_FIELDS,
  before: v.required(v.array(BEFORE_ITEM, {
    minItems: 1,
    tooFew: { message: 'must name the workloads that wait for the migration', allowed: `at least one ${WORKLOADS}`, fix: 'before: [api]' },
  }), { message: 'is required: it names the workloads that wait for the migration', fix: 'before: [api]' }),
  argocd: v.oneOf(['sync-wave', 'pre-sync'] as const),
}, {
  owner: 'Migration', docs: 'docs/batch-job.md',
  check: (p, r) => checkJob(p, r),
  refused: {
    ...WORKLOAD_REFUSED,
    ...noPortRefused('Migration'),
    schedule: {
      why: 'a Migration is a one-off Job, which runs once per change of its spec',
      fix: "remove it; a job that runs on a schedule is a BatchJob with 'schedule', and a Migration runs again when its image or command changes",
    },
    ...cronOnly,
    suspend: {
      why: "a Migration is never suspended: the workloads in 'before' wait until it completes",
      fix: "remove it; to not run a migration, remove the Migration (the workloads in 'before' then no longer wait)",
    },
    ttlSecondsAfterFinished: {
      why: "a Migration's Job is kept after it finished, so that it runs once per change of its spec; a TTL deletes it, and "
        + 'Argo CD, Flux or the next kubectl apply re-creates it from the manifests: the migration runs again after every TTL',
      fix: 'remove it: a new image or command is a new Job (a new name), and the finished one is pruned (Argo CD, Flux, or kubectl with an ApplySet)',
    },
  },
});
