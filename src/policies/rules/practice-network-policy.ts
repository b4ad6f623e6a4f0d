import { networkPolicyTypes } from '../model';
import { defineRule } from '../rule';
import { coveredBy } from './refs';
import { obj } from './util';

/**
 * Every workload's pods are selected for Ingress by a NetworkPolicy of their namespace. A policy
 * only for Egress (a client's) leaves their ingress open: it does not count.
 */
export default defineRule({
  id: 'practice-network-policy',
  severity: 'warning',
  category: 'practice',
  rationale: 'Pods that no NetworkPolicy selects for Ingress accept traffic from every pod in the cluster.',
  pods: true,
  check(o, report, set) {
    if (o.kind === 'PodTemplate') return;
    const selector = (n: { manifest: Record<string, any> }) => obj(n.manifest.spec).podSelector;
    const forIngress = { name: 'ingress', test: (n: { manifest: Record<string, any> }) => networkPolicyTypes(obj(n.manifest.spec)).has('Ingress') };
    if (coveredBy(set, 'NetworkPolicy', selector, forIngress)(o)) return;
    const egressOnly = coveredBy(set, 'NetworkPolicy', selector)(o);
    const none = !set.memoize('network-policy-namespaces', () => new Set(set.ofKind('NetworkPolicy').map((n) => n.ns))).has(o.ns);
    report({
      field: o.pod!.metadataPath,
      message: egressOnly
        ? 'has pods that NetworkPolicies select only for Egress (their policyTypes have no Ingress), so they accept traffic from anywhere'
        : none
          ? `has pods in ${o.namespace ? `namespace '${o.namespace}'` : 'a namespace'} that has no NetworkPolicy in this set, so they accept traffic from anywhere`
          : 'has pods that no NetworkPolicy selects, so they accept traffic from anywhere',
      fix: "add a NetworkPolicy selecting the pod labels that admits only the expected clients and ports (WebApp: 'isolate: true')",
    });
  },
});
