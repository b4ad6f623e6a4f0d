import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { containerSecurity } from './util';

/** Pod Security baseline: the default /proc mask. */
export default defineRule({
  id: 'pss-baseline-proc-mount',
  severity: 'error',
  category: 'pss-baseline',
  rationale: "An 'Unmasked' /proc exposes kernel interfaces the runtime normally hides (Pod Security baseline).",
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      const s = containerSecurity(c);
      const sc = s.sc;
      if (sc.procMount !== undefined && sc.procMount !== 'Default') {
        report({ field: fieldPath(s.path, 'procMount'), message: `must be 'Default' for ${c.label} (Pod Security 'baseline')`, value: sc.procMount, fix: 'remove procMount' });
      }
    }
  },
});
