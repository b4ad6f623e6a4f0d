import { defineRule } from '../rule';
import { autoscalerOf } from './refs';
import { obj } from './util';

/** A workload that sets spec.replicas while a HorizontalPodAutoscaler of the set scales it. */
export default defineRule({
  id: 'practice-replicas-with-autoscaler',
  severity: 'warning',
  category: 'practice',
  rationale: "A workload's spec.replicas next to an autoscaler is applied again at every kubectl apply or GitOps sync, resetting the pod count the HPA chose until it scales again.",
  kinds: ['Deployment', 'StatefulSet', 'ReplicaSet'],
  check(o, report, set) {
    const replicas = obj(o.manifest.spec).replicas;
    if (replicas === undefined || replicas === null) return;
    const hpa = autoscalerOf(o, set);
    if (!hpa) return;
    report({
      field: 'spec.replicas',
      message: `is set, but ${hpa.display} scales this ${o.kind}: every apply (each Argo CD or Flux sync) resets it to ${JSON.stringify(replicas)} pods, undoing the autoscaler's scaling`,
      value: replicas,
      allowed: 'no spec.replicas on a workload an autoscaler scales',
      fix: "remove spec.replicas: the autoscaler's minReplicas and maxReplicas bound the count (on a running workload, see 'Migrating Deployments and StatefulSets to horizontal autoscaling' in the Kubernetes docs)",
    });
  },
});
