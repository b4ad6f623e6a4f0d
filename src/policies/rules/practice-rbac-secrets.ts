import { defineRule } from '../rule';
import { arr } from './util';

const READS = ['get', 'list', 'watch', '*'];

/** Roles that read Secrets name the ones they need. */
export default defineRule({
  id: 'practice-rbac-secrets',
  severity: 'warning',
  category: 'practice',
  rationale: 'Reading every Secret of a namespace (or of the cluster) exposes the credentials of every other workload there; list and watch return their values too.',
  kinds: ['Role', 'ClusterRole'],
  check(o, report) {
    arr(o.manifest.rules).forEach((rule: any, i: number) => {
      const groups = arr(rule?.apiGroups);
      const resources = arr(rule?.resources);
      const verbs = arr(rule?.verbs).filter((v) => READS.includes(v));
      if (!(groups.includes('') || groups.includes('*')) || !(resources.includes('secrets') || resources.includes('*')) || verbs.length === 0) return;
      const named = arr(rule?.resourceNames).length > 0 && !verbs.some((v) => v !== 'get');
      if (named) return;
      report({
        field: `rules[${i}]`, message: `can ${verbs.join(', ')} ${arr(rule?.resourceNames).length ? '' : 'all '}Secrets${o.kind === 'ClusterRole' ? ' (in every namespace it is bound in, or the whole cluster)' : ''}`, value: { resources, verbs },
        fix: "grant 'get' on the Secrets the workload needs by name (resourceNames), or mount them instead (EnvValue.fromSecret, a secret volume)",
      });
    });
  },
});
