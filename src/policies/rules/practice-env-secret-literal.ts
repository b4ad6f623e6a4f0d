import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, obj } from './util';

/** Names of variables that usually hold secrets. */
export const SECRET_ENV_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?/i;

/** Secret-looking env vars are not literal values. */
export default defineRule({
  id: 'practice-env-secret-literal',
  severity: 'warning',
  category: 'practice',
  rationale: 'A password or token as a literal env value is stored in plain text in the manifests and visible to anyone who can read the pod spec.',
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      arr(c.container.env).forEach((e, i) => {
        const v = obj(e);
        if (typeof v.name !== 'string' || !SECRET_ENV_NAME.test(v.name)) return;
        if (typeof v.value !== 'string' || v.value === '') return;
        report({
          field: fieldPath(`${fieldPath(c.path, 'env')}[${i}]`, 'value'), message: `is a literal value for '${v.name}' in ${c.label}, which looks like a secret`,
          fix: `read it from a Secret: valueFrom.secretKeyRef (timonel: EnvValue.fromSecret('<secret>', '<key>'))`,
        });
      });
    }
  },
});
