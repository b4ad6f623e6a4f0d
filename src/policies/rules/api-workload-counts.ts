import { Context, Spec, v } from '../../core/validation';
import { defineRule, Report } from '../rule';
import { isObject, obj } from './util';

// The integer counts of a controller's spec (the API's int32 fields; int64 where noted), each ≥ 0.
// Not a schema check: these are the numbers a workload of your own (a `Workload` subclass) or a
// values file hands the controller, where "2" or 1.5 is easy to write and the API server refuses.
const INT32 = v.int({ min: 0 });
const INT64 = v.int({ min: 0, max: Number.MAX_SAFE_INTEGER });
const JOB: Readonly<Record<string, Spec<number>>> = {
  parallelism: INT32, completions: INT32, backoffLimit: INT32, ttlSecondsAfterFinished: INT32, activeDeadlineSeconds: INT64,
};
const FIELDS: Readonly<Record<string, Readonly<Record<string, Spec<number>>>>> = {
  Deployment: { replicas: INT32, minReadySeconds: INT32, revisionHistoryLimit: INT32, progressDeadlineSeconds: INT32 },
  StatefulSet: { replicas: INT32, minReadySeconds: INT32, revisionHistoryLimit: INT32 },
  ReplicaSet: { replicas: INT32, minReadySeconds: INT32 },
  ReplicationController: { replicas: INT32, minReadySeconds: INT32 },
  DaemonSet: { minReadySeconds: INT32, revisionHistoryLimit: INT32 },
  Job: JOB,
  CronJob: { successfulJobsHistoryLimit: INT32, failedJobsHistoryLimit: INT32, startingDeadlineSeconds: INT64 },
};
// The pod's own: the grace period is int64; a pod's deadline must be positive and fit an int32.
const POD: Readonly<Record<string, Spec<number>>> = {
  terminationGracePeriodSeconds: INT64, activeDeadlineSeconds: v.int({ min: 1 }),
};
// A probe's timings (0 takes the API's default); its own grace period must be positive.
const PROBE: Readonly<Record<string, Spec<number>>> = {
  initialDelaySeconds: INT32, periodSeconds: INT32, timeoutSeconds: INT32, successThreshold: INT32, failureThreshold: INT32,
  terminationGracePeriodSeconds: v.int({ min: 1, max: Number.MAX_SAFE_INTEGER }),
};
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];

// A whole number from 1 to 2^31 - 1 (nearly every value) is passed without building its path, when
// each field's spec accepts that range: asked of the specs themselves, so a tighter spec ends it.
const PLAIN = { min: 1, max: 2147483647 };
const acceptsPlain = (fields: Readonly<Record<string, Spec<number>>>): boolean => Object.values(fields).every((spec) => {
  const ctx = new Context();
  for (const x of [PLAIN.min, 2, PLAIN.max - 1, PLAIN.max]) spec.check(x, 'x', ctx);
  return ctx.issues.length === 0;
});
const PLAIN_FIELDS = new Set([...Object.values(FIELDS), JOB, POD, PROBE].filter(acceptsPlain));

function checkCounts(spec: unknown, fields: Readonly<Record<string, Spec<number>>>, base: string, ctx: Context): void {
  if (!isObject(spec)) return;
  const fast = PLAIN_FIELDS.has(fields);
  for (const key in fields) {
    const value = spec[key];
    if (value === undefined || value === null) continue;
    if (fast && typeof value === 'number' && Number.isInteger(value) && value >= PLAIN.min && value <= PLAIN.max) continue;
    fields[key].check(value, `${base}.${key}`, ctx);
  }
}

/**
 * Replica counts, history limits and deadlines of workloads, a pod's grace period and deadline and
 * its probes' timings are whole numbers ≥ 0 (not "2", not 1.5).
 */
export default defineRule({
  id: 'api-workload-counts',
  severity: 'error',
  category: 'api',
  rationale: "The API server rejects a workload whose replicas, history limits, deadlines, grace period or probe timings are not whole numbers ≥ 0 (replicas: \"2\" from JavaScript or a quoted YAML value).",
  pods: true,
  check(o, report: Report) {
    const ctx = new Context();
    if (FIELDS[o.kind]) checkCounts(o.manifest.spec, FIELDS[o.kind], 'spec', ctx);
    if (o.kind === 'CronJob') checkCounts(obj(obj(o.manifest.spec).jobTemplate).spec, JOB, 'spec.jobTemplate.spec', ctx);
    if (o.pod) {
      checkCounts(o.pod.spec, POD, o.pod.path, ctx);
      for (const c of o.pod.containers) {
        for (const probe of PROBES) if (isObject(c.container[probe])) checkCounts(c.container[probe], PROBE, `${c.path}.${probe}`, ctx);
      }
    }
    for (const i of ctx.issues) report({ field: i.prop, message: i.message, value: i.value, allowed: i.allowed, fix: i.fix });
  },
});
