import { fieldPath, ObjectSet, PolicyObject } from '../model';
import { arr, isObject, obj } from './util';

/** A reference from a route or ingress to a Service port. */
export interface BackendRef {
  readonly name: string;
  readonly ns: string;
  readonly port?: { readonly number?: number; readonly name?: string };
  /** Path of the reference, e.g. `spec.rules[0].http.paths[0].backend.service`. */
  readonly field: string;
}

/** The Service backends of an Ingress or a Gateway API route. */
export function backendsOf(o: PolicyObject): BackendRef[] {
  const spec = obj(o.manifest.spec);
  const out: BackendRef[] = [];
  if (o.kind === 'Ingress') {
    const add = (backend: unknown, path: string) => {
      const svc = obj(backend).service;
      if (!isObject(svc) || typeof svc.name !== 'string') return;
      const port = obj(svc.port);
      out.push({ name: svc.name, ns: o.ns, port: { number: port.number, name: port.name }, field: fieldPath(path, 'service') });
    };
    if (spec.defaultBackend) add(spec.defaultBackend, 'spec.defaultBackend');
    arr(spec.rules).forEach((r, i) => {
      arr(obj(obj(r).http).paths).forEach((p, j) => add(obj(p).backend, `spec.rules[${i}].http.paths[${j}].backend`));
    });
  } else {
    arr(spec.rules).forEach((r, i) => {
      arr(obj(r).backendRefs).forEach((b, j) => {
        const ref = obj(b);
        if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service' || typeof ref.name !== 'string') return;
        out.push({ name: ref.name, ns: typeof ref.namespace === 'string' ? ref.namespace : o.ns, port: ref.port !== undefined ? { number: ref.port } : undefined, field: `spec.rules[${i}].backendRefs[${j}]` });
      });
    });
  }
  return out;
}

/** The kinds whose objects route to Services. */
export const ROUTE_KINDS = ['Ingress', 'HTTPRoute', 'GRPCRoute'];

/** Names of the Secrets the set defines or makes (ExternalSecret, SealedSecret, cert-manager Certificate), as `ns\0name`. */
export function definedSecrets(set: ObjectSet): Set<string> {
  return set.memoize('defined-secrets', () => {
    const names = new Set<string>();
    for (const s of set.ofKind('Secret')) names.add(`${s.ns}\0${s.name}`);
    for (const s of set.ofKind('SealedSecret')) names.add(`${s.ns}\0${s.name}`);
    for (const s of set.ofKind('ExternalSecret')) names.add(`${s.ns}\0${obj(obj(s.manifest.spec).target).name ?? s.name}`);
    for (const c of set.ofKind('Certificate')) if (typeof obj(c.manifest.spec).secretName === 'string') names.add(`${c.ns}\0${c.manifest.spec.secretName}`);
    return names;
  });
}

/** The minimum replica count of a workload: its HPA's minReplicas when autoscaled, else spec.replicas (default 1). */
export function minReplicas(o: PolicyObject, set: ObjectSet): number {
  const hpas = set.memoize('hpa-targets', () => {
    const m = new Map<string, number>();
    for (const h of set.ofKind('HorizontalPodAutoscaler')) {
      const spec = obj(h.manifest.spec);
      const t = obj(spec.scaleTargetRef);
      m.set(`${h.ns}\0${t.kind}\0${t.name}`, Number.isInteger(spec.minReplicas) ? spec.minReplicas : 1);
    }
    return m;
  });
  const hpa = hpas.get(`${o.ns}\0${o.kind}\0${o.name}`);
  if (hpa !== undefined) return hpa;
  const r = obj(o.manifest.spec).replicas;
  return Number.isInteger(r) ? r : 1;
}

/** The HorizontalPodAutoscaler of the set that scales a workload (by its scaleTargetRef), if any. */
export function autoscalerOf(o: PolicyObject, set: ObjectSet): PolicyObject | undefined {
  const byTarget = set.memoize('hpa-by-target', () => {
    const m = new Map<string, PolicyObject>();
    for (const h of set.ofKind('HorizontalPodAutoscaler')) {
      const t = obj(obj(h.manifest.spec).scaleTargetRef);
      const key = `${h.ns}\0${t.kind}\0${t.name}`;
      if (!m.has(key)) m.set(key, h);
    }
    return m;
  });
  return byTarget.get(`${o.ns}\0${o.kind}\0${o.name}`);
}

/**
 * Whether any object of `kind` (PDBs, NetworkPolicies) selects a pod-bearing object, through
 * `selectorOf`. An empty selector covers its whole namespace without listing the pods. With
 * `only`, just the objects it accepts count (`name` keys the memo).
 */
export function coveredBy(
  set: ObjectSet, kind: string, selectorOf: (o: PolicyObject) => unknown,
  only?: { readonly name: string; readonly test: (o: PolicyObject) => boolean },
): (o: PolicyObject) => boolean {
  const covered = set.memoize(`covered-by-${kind}${only ? `-${only.name}` : ''}`, () => {
    const pods = new Set<PolicyObject>();
    const namespaces = new Set<string>();
    for (const x of set.ofKind(kind)) {
      if (only && !only.test(x)) continue;
      const selector = selectorOf(x);
      if (isObject(selector) && isEmptySelector(selector)) namespaces.add(x.ns);
      else for (const p of set.selectPods(x.ns, selector as any)) pods.add(p);
    }
    return { pods, namespaces };
  });
  return (o) => covered.namespaces.has(o.ns) || covered.pods.has(o);
}

function isEmptySelector(s: Record<string, any>): boolean {
  return Object.keys(obj(s.matchLabels)).length === 0 && arr(s.matchExpressions).length === 0;
}
