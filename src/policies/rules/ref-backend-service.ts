import { defineRule } from '../rule';
import { backendsOf, ROUTE_KINDS } from './refs';

/** Ingress and route backends name Services of the set. */
export default defineRule({
  id: 'ref-backend-service',
  severity: 'warning',
  category: 'consistency',
  rationale: 'An Ingress or route whose backend Service does not exist answers 503; in a partial set the Service may live elsewhere, hence a warning.',
  kinds: ROUTE_KINDS,
  check(o, report, set) {
    for (const b of backendsOf(o)) {
      if (set.get('Service', b.ns, b.name)) continue;
      report({
        field: `${b.field}.name`, message: `routes to the Service '${b.name}'${b.ns ? ` in namespace '${b.ns}'` : ''}, which is not defined in this set`,
        value: b.name, fix: 'fix the Service name, or define the Service',
      });
    }
  },
});
