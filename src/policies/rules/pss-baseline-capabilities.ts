import { BASELINE_CAPABILITIES as BASELINE } from '../../core/pod-security';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, containerSecurity, list, obj } from './util';

/** The capabilities Pod Security baseline allows adding (the container runtime's defaults). */
export const BASELINE_CAPABILITIES = new Set(BASELINE);

/** Pod Security baseline: no capabilities beyond the runtime's default set. */
export default defineRule({
  id: 'pss-baseline-capabilities',
  severity: 'error',
  category: 'pss-baseline',
  rationale: 'Capabilities such as SYS_ADMIN or NET_ADMIN let a container escape or reconfigure the node (Pod Security baseline).',
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      const s = containerSecurity(c);
      const sc = s.sc;
      const extra = arr(obj(sc.capabilities).add).filter((cap) => !BASELINE_CAPABILITIES.has(String(cap).replace(/^CAP_/, '')));
      if (extra.length) {
        report({
          field: fieldPath(fieldPath(s.path, 'capabilities'), 'add'), message: `adds ${list(extra)} to ${c.label}, beyond the baseline set (Pod Security 'baseline')`, value: obj(sc.capabilities).add,
          allowed: [...BASELINE_CAPABILITIES].join(', '), fix: `remove ${list(extra)}`,
        });
      }
    }
  },
});
