import { NameRule, validateName } from '../../core/names';
import { defineRule } from '../rule';
import { fromValidator } from './util';

/** Kinds whose names are checked as DNS-1123 labels (or stricter) instead of subdomains. */
const NAME_RULES: Record<string, { rule: NameRule; max?: number }> = {
  Service: { rule: NameRule.DNS_1035_LABEL },
  Namespace: { rule: NameRule.DNS_1123_LABEL },
  // The CronJob controller appends an 11-character suffix to name its Jobs.
  CronJob: { rule: NameRule.DNS_1123_SUBDOMAIN, max: 52 },
};

const SUBDOMAIN: { rule: NameRule; max?: number } = { rule: NameRule.DNS_1123_SUBDOMAIN };

/** RBAC objects only need path-segment names (':' is common, e.g. 'system:auth-delegator'). */
const PATH_SEGMENT_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** Object names and namespaces the API server accepts, per kind. */
export default defineRule({
  id: 'api-object-name',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects objects whose name or namespace breaks the naming rule of their kind.',
  check(o, report) {
    const meta = o.metadata;
    const name = meta.name;
    if (typeof name !== 'string' || name === '') {
      if (typeof meta.generateName !== 'string' || meta.generateName === '') report({ field: 'metadata.name', message: 'is required', fix: 'give the object a name' });
    } else if (PATH_SEGMENT_KINDS.has(o.kind)) {
      if (name === '.' || name === '..' || /[/%]/.test(name)) {
        report({ field: 'metadata.name', message: `is not a valid ${o.kind} name`, value: name, allowed: "any name except '.' and '..', without '/' or '%'", fix: "replace '/' and '%' with '-'" });
      }
    } else {
      const r = NAME_RULES[o.kind] ?? SUBDOMAIN;
      const issue = fromValidator('metadata.name', () => validateName(name, r.rule, { prop: 'metadata.name', maxLength: r.max }));
      if (issue) report(o.kind === 'CronJob' && name.length > 52 ? { ...issue, message: `${issue.message} (the CronJob controller appends 11 characters to name its Jobs)` } : issue);
    }
    if (meta.namespace !== undefined && meta.namespace !== '') {
      const issue = fromValidator('metadata.namespace', () => validateName(String(meta.namespace), NameRule.DNS_1123_LABEL, { prop: 'metadata.namespace' }));
      if (issue) report(issue);
    }
  },
});
