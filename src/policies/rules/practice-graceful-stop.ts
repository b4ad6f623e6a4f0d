import { DEFAULTS } from '../../core/defaults';
import { fieldPath } from '../model';
import { defineRule } from '../rule';

const SLEEP = new Set(['sleep', '/bin/sleep', '/usr/bin/sleep']);
// The Kubernetes default when the pod spec leaves it out.
const KUBERNETES_GRACE = 30;

/** The seconds a preStop hook pauses before SIGTERM: `sleep N` (exec) or the kubelet's sleep action. */
function pauseOf(preStop: any): number | undefined {
  const command = preStop?.exec?.command;
  if (Array.isArray(command) && SLEEP.has(command[0]) && command.length === 2 && /^[0-9]+$/.test(String(command[1]))) return Number(command[1]);
  const seconds = preStop?.sleep?.seconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

/** A grace period of 0, or a preStop pause that leaves the app less than 10 s of it. */
export default defineRule({
  id: 'practice-graceful-stop',
  severity: 'warning',
  category: 'practice',
  rationale: 'The kubelet kills a container when the grace period ends, preStop pause included: a grace of 0 or a pause that leaves only seconds cuts requests and work off mid-way at every rollout.',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const min = DEFAULTS.shutdown.minStopSeconds;
    const given = pod.spec.terminationGracePeriodSeconds;
    const grace = typeof given === 'number' ? given : KUBERNETES_GRACE;
    if (given === 0) {
      report({
        field: fieldPath(pod.path, 'terminationGracePeriodSeconds'),
        message: 'is 0: the kubelet kills the containers at once, with no time to finish requests or work after SIGTERM',
        fix: `remove it (the default is ${DEFAULTS.shutdown.terminationGracePeriodSeconds} s), or give the seconds the app needs to stop`,
      });
      return;
    }
    for (const c of pod.containers) {
      const pause = pauseOf(c.container.lifecycle?.preStop);
      if (pause === undefined || grace - pause >= min) continue;
      report({
        field: ['lifecycle', 'preStop'].reduce<string>(fieldPath, c.path),
        message: `pauses ${pause} s before SIGTERM for ${c.label}, leaving ${Math.max(0, grace - pause)} s of the ${grace} s grace period to finish requests before the kubelet kills it`,
        fix: `raise terminationGracePeriodSeconds to ${pause + min} (${min} s left to stop), or shorten the pause (5 s is usual)`,
      });
    }
  },
});
