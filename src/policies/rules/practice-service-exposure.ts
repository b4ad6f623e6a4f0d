import { defineRule } from '../rule';
import { obj } from './util';

/** Services are not exposed outside the cluster directly. */
export default defineRule({
  id: 'practice-service-exposure',
  severity: 'warning',
  category: 'practice',
  rationale: 'LoadBalancer and NodePort Services expose pods outside the cluster, bypassing the ingress layer (TLS, auth, rate limits).',
  kinds: ['Service'],
  check(o, report) {
    const type = obj(o.manifest.spec).type;
    if (type !== 'LoadBalancer' && type !== 'NodePort') return;
    report({
      field: 'spec.type', message: `exposes the Service outside the cluster`, value: type,
      fix: 'use ClusterIP behind an Ingress or Gateway; if direct exposure is intended, suppress this rule with the reason',
    });
  },
});
