import { defineRule } from '../rule';
import { obj } from './util';

/** A StatefulSet whose rolling update partition is at or above its replicas: no pod is ever updated. */
export default defineRule({
  id: 'practice-statefulset-partition',
  severity: 'warning',
  category: 'practice',
  rationale: 'A StatefulSet updates only pods with an ordinal at or above its partition: a partition at or above the replicas holds every pod at the old version, and a forgotten staging value freezes the store silently.',
  kinds: ['StatefulSet'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    const strategy = obj(spec.updateStrategy);
    if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const partition = obj(strategy.rollingUpdate).partition;
    const replicas = spec.replicas ?? 1;
    if (!Number.isInteger(partition) || !Number.isInteger(replicas) || replicas < 1 || partition < replicas) return;
    report({
      field: 'spec.updateStrategy.rollingUpdate.partition',
      message: `is ${partition}, and the ${replicas} pod${replicas === 1 ? ' has ordinal 0' : `s have ordinals 0 to ${replicas - 1}`}: no pod is at or above the partition, so a new pod template reaches none of them`,
      value: partition, allowed: `below ${replicas} (0 updates every pod)`,
      fix: `${replicas > 1 ? `lower it to ${replicas - 1} to update the last pod first, or to 0 to finish the rollout` : 'lower it to 0'}; to hold every pod on purpose, suppress this rule with the reason (Policy.suppress(store, 'practice-statefulset-partition', '…'))`,
    });
  },
});
