import { fieldPath, ObjectSet, PolicyObject } from '../model';
import { defineRule, Report } from '../rule';
import { definedSecrets } from './refs';
import { arr, isObject, obj, volumesOf } from './util';

type RefKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';

function exists(set: ObjectSet, o: PolicyObject, kind: RefKind, name: string): boolean {
  if (kind === 'Secret') return definedSecrets(set).has(`${o.ns}\0${name}`);
  return set.get(kind, o.ns, name) !== undefined;
}

/** ConfigMaps, Secrets, PVCs and ServiceAccounts referenced by pods are defined in the set. */
export default defineRule({
  id: 'ref-missing-dependency',
  severity: 'warning',
  category: 'consistency',
  rationale: 'A pod that references a missing ConfigMap, Secret, PVC or ServiceAccount never starts; in a partial set it may be defined elsewhere, hence a warning.',
  pods: true,
  check(o, report: Report, set) {
    const pod = o.pod!;
    // One finding per missing object, at its first reference (a Secret of credentials is
    // referenced by several env vars of several containers).
    const missing = new Map<string, { kind: RefKind; name: string; field: string; count: number }>();
    const ref = (kind: RefKind, name: unknown, field: string, optional?: unknown) => {
      if (typeof name !== 'string' || name === '' || optional === true) return;
      if (exists(set, o, kind, name)) return;
      const key = `${kind}\0${name}`;
      const seen = missing.get(key);
      if (seen) seen.count++;
      else missing.set(key, { kind, name, field, count: 1 });
    };
    if (pod.spec.serviceAccountName !== undefined && pod.spec.serviceAccountName !== 'default') {
      ref('ServiceAccount', pod.spec.serviceAccountName, fieldPath(pod.path, 'serviceAccountName'));
    }
    arr(pod.spec.imagePullSecrets).forEach((s, i) => ref('Secret', obj(s).name, fieldPath(`${fieldPath(pod.path, 'imagePullSecrets')}[${i}]`, 'name')));
    for (const v of volumesOf(pod)) {
      const vol = v.volume;
      if (isObject(vol.configMap)) ref('ConfigMap', vol.configMap.name, `${v.path}.configMap.name`, vol.configMap.optional);
      if (isObject(vol.secret)) ref('Secret', vol.secret.secretName, `${v.path}.secret.secretName`, vol.secret.optional);
      if (isObject(vol.persistentVolumeClaim)) ref('PersistentVolumeClaim', vol.persistentVolumeClaim.claimName, `${v.path}.persistentVolumeClaim.claimName`);
      arr(obj(vol.projected).sources).forEach((s, i) => {
        const base = `${v.path}.projected.sources[${i}]`;
        if (isObject(s?.configMap)) ref('ConfigMap', s.configMap.name, `${base}.configMap.name`, s.configMap.optional);
        if (isObject(s?.secret)) ref('Secret', s.secret.name, `${base}.secret.name`, s.secret.optional);
      });
    }
    for (const c of pod.containers) {
      arr(c.container.env).forEach((e, i) => {
        const from = obj(obj(e).valueFrom);
        const base = `${fieldPath(c.path, 'env')}[${i}].valueFrom`;
        if (isObject(from.configMapKeyRef)) ref('ConfigMap', from.configMapKeyRef.name, `${base}.configMapKeyRef.name`, from.configMapKeyRef.optional);
        if (isObject(from.secretKeyRef)) ref('Secret', from.secretKeyRef.name, `${base}.secretKeyRef.name`, from.secretKeyRef.optional);
      });
      arr(c.container.envFrom).forEach((e, i) => {
        const base = `${fieldPath(c.path, 'envFrom')}[${i}]`;
        if (isObject(e?.configMapRef)) ref('ConfigMap', e.configMapRef.name, `${base}.configMapRef.name`, e.configMapRef.optional);
        if (isObject(e?.secretRef)) ref('Secret', e.secretRef.name, `${base}.secretRef.name`, e.secretRef.optional);
      });
    }
    for (const { kind, name, field, count } of missing.values()) {
      report({
        field,
        message: `refers to the ${kind} '${name}'${count > 1 ? ` (here and in ${count - 1} more place${count > 2 ? 's' : ''} of the pod)` : ''}, which is not defined in this set${o.namespace ? ` (namespace '${o.namespace}')` : ''}`,
        fix: kind === 'Secret'
          ? 'make sure it exists before the pods start (created by hand, by a secrets operator, or defined here with an ExternalSecret), or fix the name'
          : `define the ${kind} or fix the name${kind === 'ServiceAccount' ? '' : ', or mark the reference optional'}`,
      });
    }
  },
});
