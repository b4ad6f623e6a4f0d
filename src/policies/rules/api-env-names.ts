import { validateEnvName } from '../../core/env';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, fromValidator, isObject, obj } from './util';

const SOURCES = ['configMapKeyRef', 'secretKeyRef', 'fieldRef', 'resourceFieldRef'];

/** Env var names Kubernetes accepts, and one source per variable. */
export default defineRule({
  id: 'api-env-names',
  severity: 'error',
  category: 'api',
  rationale: "The API server rejects env var names outside [-._a-zA-Z][-._a-zA-Z0-9]* and variables with both 'value' and 'valueFrom'.",
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      arr(c.container.env).forEach((e, i) => {
        const base = `${fieldPath(c.path, 'env')}[${i}]`;
        const v = obj(e);
        const issue = fromValidator(fieldPath(base, 'name'), () => validateEnvName(String(v.name ?? ''), undefined, fieldPath(base, 'name')));
        if (issue) report(issue);
        if (v.valueFrom !== undefined) {
          if (v.value !== undefined && v.value !== '') {
            report({ field: fieldPath(base, 'valueFrom'), message: "cannot be set together with 'value'", fix: "keep either the literal 'value' or 'valueFrom'" });
          }
          const set = isObject(v.valueFrom) ? SOURCES.filter((s) => v.valueFrom[s] !== undefined) : [];
          if (set.length !== 1) {
            report({ field: fieldPath(base, 'valueFrom'), message: `must have exactly one source, has ${set.length}`, allowed: SOURCES.join(', '), fix: 'keep one source, e.g. secretKeyRef: { name, key }' });
          }
        }
      });
      arr(c.container.envFrom).forEach((e, i) => {
        const prefix = obj(e).prefix;
        if (prefix === undefined || prefix === '') return;
        const field = fieldPath(`${fieldPath(c.path, 'envFrom')}[${i}]`, 'prefix');
        const issue = fromValidator(field, () => validateEnvName(String(prefix), undefined, field));
        if (issue) report(issue);
      });
    }
  },
});
