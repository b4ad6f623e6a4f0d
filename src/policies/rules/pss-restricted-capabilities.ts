import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { BASELINE_CAPABILITIES } from './pss-baseline-capabilities';
import { arr, containerSecurity, list, obj } from './util';

/** Pod Security restricted: drop ALL capabilities; add back NET_BIND_SERVICE at most. */
export default defineRule({
  id: 'pss-restricted-capabilities',
  severity: 'error',
  category: 'pss-restricted',
  rationale: 'Restricted containers drop every Linux capability and may add back only NET_BIND_SERVICE (Pod Security restricted).',
  pods: true,
  check(o, report) {
    if (o.pod!.windows) return;
    for (const c of o.pod!.containers) {
      const s = containerSecurity(c);
      const sc = s.sc;
      const caps = obj(sc.capabilities);
      const drop = arr(caps.drop).map(String);
      if (!drop.includes('ALL')) {
        report({
          field: fieldPath(fieldPath(s.path, 'capabilities'), 'drop'), message: `must include 'ALL' for ${c.label} (Pod Security 'restricted')`,
          ...(caps.drop === undefined ? {} : { value: caps.drop }), fix: "set capabilities.drop: ['ALL']",
        });
      }
      // Capabilities beyond the baseline set are reported by pss-baseline-capabilities.
      const extra = arr(caps.add).filter((cap) => cap !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(String(cap).replace(/^CAP_/, '')));
      if (extra.length) {
        report({
          field: fieldPath(fieldPath(s.path, 'capabilities'), 'add'), message: `adds ${list(extra)} to ${c.label}; only 'NET_BIND_SERVICE' may be added (Pod Security 'restricted')`, value: caps.add,
          allowed: "'NET_BIND_SERVICE'", fix: `remove ${list(extra)}`,
        });
      }
    }
  },
});
