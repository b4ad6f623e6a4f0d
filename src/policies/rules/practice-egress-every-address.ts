import { defineRule } from '../rule';
import { arr, obj } from './util';

/** Egress to "every address" (0.0.0.0/0 or ::/0 with nothing excepted) is a deliberate choice. */
export default defineRule({
  id: 'practice-egress-every-address',
  severity: 'warning',
  category: 'practice',
  rationale: "An egress rule to 0.0.0.0/0 or ::/0 without 'except' also admits the cluster's pods and nodes and the cloud's metadata endpoint (169.254.169.254), which hands out node credentials.",
  kinds: ['NetworkPolicy'],
  check(o, report) {
    arr(obj(o.manifest.spec).egress).forEach((rule, i) => {
      arr(obj(rule).to).forEach((peer, j) => {
        const block = obj(obj(peer).ipBlock);
        const cidr = typeof block.cidr === 'string' ? block.cidr.trim() : undefined;
        if (cidr === undefined || !/\/0+$/.test(cidr) || arr(block.except).length > 0) return;
        report({
          field: `spec.egress[${i}].to[${j}].ipBlock`,
          message: "lets the pods send to every address, including the cluster's pods and nodes and the cloud's metadata endpoint (169.254.169.254)",
          value: cidr,
          fix: 'for public services use EgressTarget.internet({ ports }) (it excepts the private, link-local and loopback ranges), '
            + 'or list the CIDRs the pods need; if every address is intended, suppress this rule with the reason',
        });
      });
    });
  },
});
