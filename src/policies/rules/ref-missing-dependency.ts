import { fieldPath, ObjectSet, PolicyObject } from '../model';
import { defineRule, Report } from '../rule';
import { definedSecrets } from './refs';
import { arr, isObject, obj, volumesOf } from './util';

type RefKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';

function exists(set: ObjectSet, o: PolicyObject, kind: RefKind, name: string): boolean {
  if (kind === 'Secret') return definedSecrets(set).has(`${o.ns}\0${name}`);
  return set.get(kind, o.ns, name) !== undefined;
}

interface MissingRef {
  readonly kind: RefKind;
  readonly name: string;
  /** The first reference in the pod. */
  readonly field: string;
  count: number;
}

const ID = 'ref-missing-dependency';

/** What a pod refers to that the set does not define, by `kind\0name`, each at its first reference. */
function missingRefs(o: PolicyObject, set: ObjectSet): Map<string, MissingRef> {
  const pod = o.pod!;
  const missing = new Map<string, MissingRef>();
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
  return missing;
}

/**
 * The missing references of the set, computed once: each pod object's (`ofObject`, only those with
 * some), and every pod object that refers to each missing object (`byKey`, by
 * `kind\0namespace\0name`, in set order).
 */
function missingInSet(set: ObjectSet): { ofObject: Map<PolicyObject, Map<string, MissingRef>>; byKey: Map<string, PolicyObject[]> } {
  return set.memoize('missing-dependency-referrers', () => {
    const ofObject = new Map<PolicyObject, Map<string, MissingRef>>();
    const byKey = new Map<string, PolicyObject[]>();
    for (const x of set.objects) {
      if (!x.pod) continue;
      const missing = missingRefs(x, set);
      if (missing.size === 0) continue;
      ofObject.set(x, missing);
      for (const m of missing.values()) {
        const key = `${m.kind}\0${x.ns}\0${m.name}`;
        const list = byKey.get(key);
        if (list) list.push(x);
        else byKey.set(key, [x]);
      }
    }
    return { ofObject, byKey };
  });
}

// A registry Secret (imagePullSecrets) has a type of its own: an ExternalSecret needs a template for it.
function secretFix(name: string, field: string, o: PolicyObject): string {
  const exists = `make sure '${name}' exists before the pods start (created by hand or by another tool), or fix the name`;
  if (field.includes('imagePullSecrets')) return exists;
  // An Argo CD PreSync hook runs before anything of its Application: a Secret declared here would come too late.
  if (o.metadata.annotations?.['argocd.argoproj.io/hook'] === 'PreSync') {
    return `a PreSync hook runs before everything of its Argo CD Application, so '${name}' must exist before the sync (created by hand, by a secrets operator or by another Application): `
      + `say so with Policy.suppress(<the Migration>, '${ID}', '<who creates it>'), or fix the name`;
  }
  // Synth checks a Migration before it becomes a PreSync hook: say what holds for one.
  const preSync = o.kind === 'Job' ? ` (a Migration with argocd: 'pre-sync' runs before its Application, so its Secret must exist before the sync: suppress ${ID} with who creates it)` : '';
  return `declare it here: new ExternalSecret(chart, 'app-secrets', { name: '${name}', store: 'vault', data: { KEY: { remoteKey: 'app/prod', property: 'key' } } }), `
    + `and pass the construct instead of its name (envFromSecrets: [secret], EnvValue.fromSecret(secret, 'KEY')) so that it is applied before the pods; or ${exists}${preSync}`;
}

/**
 * ConfigMaps, Secrets, PVCs and ServiceAccounts referenced by pods are defined in the set. One
 * finding per missing object and namespace, on the first pod object that refers to it and does not
 * suppress the rule, naming the others: a Secret created by hand and read by five workloads is one
 * line, not five.
 */
export default defineRule({
  id: ID,
  severity: 'warning',
  category: 'consistency',
  rationale: 'A pod that references a missing ConfigMap, Secret, PVC or ServiceAccount never starts; in a partial set it may be defined elsewhere, hence a warning.',
  pods: true,
  check(o, report: Report, set) {
    const { ofObject, byKey } = missingInSet(set);
    for (const { kind, name, field, count } of ofObject.get(o)?.values() ?? []) {
      const owners = byKey.get(`${kind}\0${o.ns}\0${name}`) ?? [o];
      const reporter = owners.find((x) => !x.suppressions.has(ID)) ?? owners[0];
      if (reporter !== o) continue;
      const others = owners.filter((x) => x !== o);
      const also = others.length === 0 ? ''
        : `; also referred to by ${others.slice(0, 2).map((x) => x.display).join(others.length === 2 ? ' and ' : ', ')}${others.length > 2 ? ` and ${others.length - 2} more` : ''}`;
      report({
        field,
        message: `refers to the ${kind} '${name}'${count > 1 ? ` (here and in ${count - 1} more place${count > 2 ? 's' : ''} of the pod)` : ''}, which is not defined in this set${o.namespace ? ` (namespace '${o.namespace}')` : ''}${also}`,
        fix: kind === 'Secret' ? secretFix(name, field, o) : `define the ${kind} or fix the name${kind === 'ServiceAccount' ? '' : ', or mark the reference optional'}`,
      });
    }
  },
});
