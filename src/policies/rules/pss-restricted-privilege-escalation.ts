import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { containerSecurity } from './util';

/** Pod Security restricted: allowPrivilegeEscalation is false on every container. */
export default defineRule({
  id: 'pss-restricted-privilege-escalation',
  severity: 'error',
  category: 'pss-restricted',
  rationale: 'Without allowPrivilegeEscalation: false a process can gain privileges through setuid binaries (Pod Security restricted).',
  pods: true,
  check(o, report) {
    if (o.pod!.windows) return;
    for (const c of o.pod!.containers) {
      const s = containerSecurity(c);
      const sc = s.sc;
      if (sc.allowPrivilegeEscalation !== false) {
        report({
          field: fieldPath(s.path, 'allowPrivilegeEscalation'), message: `must be false for ${c.label} (Pod Security 'restricted')`,
          ...(sc.allowPrivilegeEscalation === undefined ? {} : { value: sc.allowPrivilegeEscalation }), fix: 'set securityContext.allowPrivilegeEscalation: false',
        });
      }
    }
  },
});
