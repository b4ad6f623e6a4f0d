import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, obj } from './util';

/** Pod Security baseline: no host ports. */
export default defineRule({
  id: 'pss-baseline-host-ports',
  severity: 'error',
  category: 'pss-baseline',
  rationale: "A hostPort binds the node's network interface and bypasses NetworkPolicies (Pod Security baseline).",
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      arr(c.container.ports).forEach((p, i) => {
        const hostPort = obj(p).hostPort;
        if (hostPort !== undefined && hostPort !== 0) {
          report({
            field: fieldPath(`${fieldPath(c.path, 'ports')}[${i}]`, 'hostPort'), message: `must not be set on ${c.label} (Pod Security 'baseline')`, value: hostPort,
            fix: 'remove hostPort and reach the pod through a Service',
          });
        }
      });
    }
  },
});
