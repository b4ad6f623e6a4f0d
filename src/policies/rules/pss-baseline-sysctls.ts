import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, obj, podSecurity } from './util';

/** The namespaced sysctls Pod Security baseline (v1.28) allows. */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
]);

/** Pod Security baseline: only the safe sysctls. */
export default defineRule({
  id: 'pss-baseline-sysctls',
  severity: 'error',
  category: 'pss-baseline',
  rationale: 'Sysctls outside the safe set can affect other pods on the node or the node itself (Pod Security baseline).',
  pods: true,
  check(o, report) {
    const ps = podSecurity(o.pod!);
    arr(ps.sc.sysctls).forEach((s, i) => {
      const name = obj(s).name;
      if (!SAFE_SYSCTLS.has(name)) {
        report({ field: fieldPath(`${fieldPath(ps.path, 'sysctls')}[${i}]`, 'name'), message: "is not a safe sysctl (Pod Security 'baseline')", value: name, allowed: [...SAFE_SYSCTLS].join(', '), fix: 'remove it, or set it on the node' });
      }
    });
  },
});
