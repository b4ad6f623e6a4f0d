import { defineRule } from '../rule';
import { obj } from './util';

/** Nothing is bound to the cluster-admin ClusterRole. */
export default defineRule({
  id: 'practice-rbac-cluster-admin',
  severity: 'error',
  category: 'practice',
  rationale: 'cluster-admin can do anything to every object of the cluster: a compromised pod bound to it owns the cluster.',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check(o, report) {
    const ref = obj(o.manifest.roleRef);
    if (ref.kind !== 'ClusterRole' || ref.name !== 'cluster-admin') return;
    report({
      field: 'roleRef.name', message: `binds the cluster-admin ClusterRole${o.kind === 'RoleBinding' ? ' (every permission in the namespace)' : ' (every permission in the cluster)'}`, value: ref.name,
      fix: "grant the verbs and resources the workload uses (workload.grant({ rules: [...] })), or bind a narrower role such as 'view' or 'edit'",
    });
  },
});
