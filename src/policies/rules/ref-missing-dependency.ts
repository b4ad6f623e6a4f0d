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

/** The keys of Secret `name` that `pods` read through secretKeyRef, in order of first use. */
function keysRead(pods: readonly PolicyObject[], name: string): string[] {
  const keys = new Set<string>();
  for (const p of pods) {
    for (const c of p.pod!.containers) {
      for (const e of arr(c.container.env)) {
        const ref = obj(obj(obj(e).valueFrom).secretKeyRef);
        if (ref.name === name && typeof ref.key === 'string') keys.add(ref.key);
      }
    }
  }
  return [...keys];
}

/**
 * Secrets an ExternalSecret of the set fills with declared keys only (`data`, no `dataFrom` or
 * template), by `namespace\0name`: the keys, and the ExternalSecret.
 */
function declaredSecretKeys(set: ObjectSet): Map<string, { keys: Set<string>; by: PolicyObject }> {
  return set.memoize('external-secret-keys', () => {
    const m = new Map<string, { keys: Set<string>; by: PolicyObject }>();
    for (const x of set.ofKind('ExternalSecret')) {
      const spec = obj(x.manifest.spec);
      if (spec.dataFrom !== undefined || obj(spec.target).template !== undefined || !Array.isArray(spec.data)) continue;
      const keys = new Set(arr(spec.data).map((d) => obj(d).secretKey).filter((k): k is string => typeof k === 'string'));
      m.set(`${x.ns}\0${obj(spec.target).name ?? x.name}`, { keys, by: x });
    }
    return m;
  });
}

// A registry Secret (imagePullSecrets) has a type of its own: an ExternalSecret needs a template for it.
function secretFix(name: string, field: string, o: PolicyObject, pods: readonly PolicyObject[] = [o]): string {
  const exists = `make sure '${name}' exists before the pods start (created by hand or by another tool), or fix the name`;
  if (field.includes('imagePullSecrets')) return exists;
  // An Argo CD PreSync hook runs before anything of its Application: a Secret declared here would come too late.
  if (o.metadata.annotations?.['argocd.argoproj.io/hook'] === 'PreSync') {
    return `a PreSync hook runs before everything of its Argo CD Application, so '${name}' must exist before the sync (created by hand, by a secrets operator or by another Application): `
      + `say so with Policy.suppress(<the Migration>, '${ID}', '<who creates it>'), or fix the name`;
  }
  // Synth checks a Migration before it becomes a PreSync hook: say what holds for one.
  const preSync = o.kind === 'Job' ? ` (a Migration with argocd: 'pre-sync' runs before its Application, so its Secret must exist before the sync: suppress ${ID} with who creates it)` : '';
  // The keys the pods read, so that the ExternalSecret written from the fix fills them (trial U).
  const keys = keysRead(pods, name);
  const data = (keys.length ? keys.slice(0, 3) : ['KEY']).map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: { remoteKey: 'app/prod', property: '${k.toLowerCase()}' }`).join(', ');
  const store = pods.some((p) => p.kind === 'StatefulSet')
    ? `; for a store's credentials: credentials: StoreCredentials.fromExternalSecret({ store: 'vault', remoteKey: 'app/prod' }) (it fills '${name}' with the keys the store reads)`
    : '';
  return `declare it here: new ExternalSecret(chart, 'app-secrets', { name: '${name}', store: 'vault', data: { ${data}${keys.length > 3 ? ', …' : ''} } }), `
    + `and pass the construct instead of its name (envFromSecrets: [secret], EnvValue.fromSecret(secret, '${keys[0] ?? 'KEY'}')) so that it is applied before the pods${store}; or ${exists}${preSync}`;
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
        fix: kind === 'Secret' ? secretFix(name, field, o, owners) : `define the ${kind} or fix the name${kind === 'ServiceAccount' ? '' : ', or mark the reference optional'}`,
      });
    }
    // A key that the ExternalSecret filling the Secret by name does not declare: the pod never starts.
    const declared = declaredSecretKeys(set);
    if (declared.size === 0) return;
    for (const c of o.pod!.containers) {
      arr(c.container.env).forEach((e, i) => {
        const ref = obj(obj(obj(e).valueFrom).secretKeyRef);
        if (typeof ref.name !== 'string' || typeof ref.key !== 'string' || ref.optional === true) return;
        const filled = declared.get(`${o.ns}\0${ref.name}`);
        if (!filled || filled.keys.has(ref.key)) return;
        const given = [...filled.keys].map((k) => `'${k}'`).join(', ') || 'no key';
        report({
          field: `${fieldPath(c.path, 'env')}[${i}].valueFrom.secretKeyRef.key`,
          message: `reads the key '${ref.key}' of the Secret '${ref.name}', which ${filled.by.display} fills with ${given} only`,
          value: ref.key, allowed: given,
          fix: `add '${ref.key}' to the data of ${filled.by.display} (data: { ${/^[A-Za-z_$][\w$]*$/.test(ref.key) ? ref.key : `'${ref.key}'`}: { remoteKey, property } }), or read one of its keys`,
        });
      });
    }
  },
});
