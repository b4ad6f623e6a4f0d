import { defineRule } from '../rule';
import { arr, obj } from './util';

/** Services are not exposed outside the cluster directly, or only to known client ranges. */
export default defineRule({
  id: 'practice-service-exposure',
  severity: 'warning',
  category: 'practice',
  rationale: 'LoadBalancer and NodePort Services expose pods outside the cluster, bypassing the ingress layer (TLS, auth, rate limits).',
  kinds: ['Service'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    const type = spec.type;
    if (type !== 'LoadBalancer' && type !== 'NodePort') return;
    // A load balancer that accepts only given client ranges (none of them everything) is a deliberate, bounded exposure.
    const ranges = arr(spec.loadBalancerSourceRanges);
    if (type === 'LoadBalancer' && ranges.length > 0 && ranges.every((r) => typeof r === 'string' && !/\/0+$/.test(r.trim()))) return;
    report({
      field: 'spec.type', message: `exposes the Service outside the cluster${type === 'LoadBalancer' ? ' to any client' : ''}`, value: type,
      fix: type === 'LoadBalancer'
        ? `use ClusterIP behind an Ingress or Gateway, or limit the clients with spec.loadBalancerSourceRanges (${webAppProp(o.subject.constructPath)}); if open exposure is intended, suppress this rule with the reason`
        : 'use ClusterIP behind an Ingress or Gateway; if direct exposure is intended, suppress this rule with the reason',
    });
  },
});

/**
 * Where a WebApp sets the ranges of this Service: its main Service is the construct 'Service', an
 * extra one 'Service-<suffix>' (so the item of extraServices or addExtraService with that suffix).
 */
function webAppProp(constructPath: string | undefined): string {
  const extra = constructPath === undefined ? undefined : /\/Service-([^/]+)$/.exec(constructPath);
  if (extra) return `WebApp: loadBalancerSourceRanges of the extraServices item with suffix '${extra[1]}'`;
  if (constructPath !== undefined && /\/Service$/.test(constructPath)) return 'WebApp: service.loadBalancerSourceRanges';
  return 'WebApp: service.loadBalancerSourceRanges, or extraServices[i].loadBalancerSourceRanges for an extra Service';
}
