import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { obj, securityScopes } from './util';

const TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

/** Pod Security baseline: only the container SELinux types, no custom user or role. */
export default defineRule({
  id: 'pss-baseline-selinux',
  severity: 'error',
  category: 'pss-baseline',
  rationale: 'A custom SELinux user, role or type can lift the confinement of the container (Pod Security baseline).',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    for (const s of securityScopes(pod)) {
      const se = obj(s.sc.seLinuxOptions);
      const base = () => fieldPath(s.path, 'seLinuxOptions');
      if (se.type !== undefined && !TYPES.has(se.type)) {
        report({ field: fieldPath(base(), 'type'), message: `is not an allowed SELinux type for ${s.label} (Pod Security 'baseline')`, value: se.type, allowed: "'container_t', 'container_init_t' or 'container_kvm_t'", fix: 'remove seLinuxOptions.type (the runtime assigns container_t)' });
      }
      for (const k of ['user', 'role']) {
        if (se[k] !== undefined && se[k] !== '') {
          report({ field: fieldPath(base(), k), message: `must not be set for ${s.label} (Pod Security 'baseline')`, value: se[k], fix: `remove seLinuxOptions.${k}` });
        }
      }
    }
  },
});
