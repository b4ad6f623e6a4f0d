import { defineRule } from '../rule';
import { coveredBy } from './refs';
import { obj } from './util';

/** Every workload's pods are selected by a NetworkPolicy of their namespace. */
export default defineRule({
  id: 'practice-network-policy',
  severity: 'warning',
  category: 'practice',
  rationale: 'Pods that no NetworkPolicy selects accept traffic from every pod in the cluster.',
  pods: true,
  check(o, report, set) {
    if (o.kind === 'PodTemplate') return;
    if (coveredBy(set, 'NetworkPolicy', (n) => obj(n.manifest.spec).podSelector)(o)) return;
    const none = !set.memoize('network-policy-namespaces', () => new Set(set.ofKind('NetworkPolicy').map((n) => n.ns))).has(o.ns);
    report({
      field: o.pod!.metadataPath,
      message: none
        ? `has pods in ${o.namespace ? `namespace '${o.namespace}'` : 'a namespace'} that has no NetworkPolicy in this set, so they accept traffic from anywhere`
        : 'has pods that no NetworkPolicy selects, so they accept traffic from anywhere',
      fix: "add a NetworkPolicy selecting the pod labels that admits only the expected clients and ports (WebApp: 'isolate: true')",
    });
  },
});
