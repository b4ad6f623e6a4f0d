import { defineRule } from '../rule';
import { arr } from './util';

/** Roles name the verbs, resources and API groups they grant, without '*'. */
export default defineRule({
  id: 'practice-rbac-wildcard',
  severity: 'warning',
  category: 'practice',
  rationale: "A '*' grants every verb, resource or API group, including ones added later (new CRDs, new subresources), far beyond what the workload needs.",
  kinds: ['Role', 'ClusterRole'],
  check(o, report) {
    arr(o.manifest.rules).forEach((rule: any, i: number) => {
      for (const field of ['verbs', 'resources', 'apiGroups'] as const) {
        const list = arr(rule?.[field]);
        if (!list.includes('*') && !(field === 'resources' && list.some((r) => typeof r === 'string' && r.endsWith('/*')))) continue;
        report({
          field: `rules[${i}].${field}`, message: `grants every ${field === 'apiGroups' ? 'API group' : field.slice(0, -1)} with '*'`, value: list,
          fix: `list the ${field} the workload uses (e.g. ${field === 'verbs' ? "['get', 'list', 'watch']" : field === 'resources' ? "['configmaps']" : "['', 'apps']"})`,
        });
      }
    });
  },
});
