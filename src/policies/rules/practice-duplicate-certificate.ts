import { ObjectSet, PolicyObject } from '../model';
import { defineRule } from '../rule';
import { arr, obj } from './util';

const ISSUER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

/** An Ingress that has cert-manager issue the certificates of its TLS entries. */
function issuesCertificates(o: PolicyObject): boolean {
  return o.group === 'networking.k8s.io' && ISSUER_ANNOTATIONS.some((a) => o.metadata.annotations?.[a] !== undefined);
}

interface Issued {
  readonly ingress: PolicyObject;
  readonly secretName: string;
  readonly field: string;
}

/** The first Ingress (in set order) that has cert-manager issue a certificate for each host, by `ns\0host`. */
function firstIssuers(set: ObjectSet): Map<string, Issued> {
  return set.memoize('cert-manager-issued-hosts', () => {
    const first = new Map<string, Issued>();
    for (const o of set.ofKind('Ingress')) {
      if (!issuesCertificates(o)) continue;
      arr(obj(o.manifest.spec).tls).forEach((t, i) => {
        const secretName = obj(t).secretName;
        if (typeof secretName !== 'string') return;
        for (const host of arr(obj(t).hosts)) {
          const key = `${o.ns}\0${String(host)}`;
          if (!first.has(key)) first.set(key, { ingress: o, secretName, field: `spec.tls[${i}]` });
        }
      });
    }
    return first;
  });
}

/**
 * One certificate per host and namespace: two Ingresses that each have cert-manager issue one for
 * the same host (two apps on one host, each with `tls.clusterIssuer`).
 */
export default defineRule({
  id: 'practice-duplicate-certificate',
  severity: 'warning',
  category: 'practice',
  rationale: "Two certificates for one host are issued and renewed separately and count twice against the CA's limits (Let's Encrypt: 5 duplicate certificates a week); the ingress controller serves one of them.",
  kinds: ['Ingress'],
  check(o, report, set) {
    if (!issuesCertificates(o)) return;
    const first = firstIssuers(set);
    arr(obj(o.manifest.spec).tls).forEach((t, i) => {
      const secretName = obj(t).secretName;
      if (typeof secretName !== 'string') return;
      for (const host of arr(obj(t).hosts)) {
        const issued = first.get(`${o.ns}\0${String(host)}`);
        if (!issued || issued.ingress === o || issued.secretName === secretName) continue;
        report({
          field: `spec.tls[${i}].secretName`,
          message: `has cert-manager issue a second certificate for '${String(host)}', which Ingress ${issued.ingress.name} already has issued into the Secret '${issued.secretName}'`,
          value: secretName,
          fix: `let that Ingress issue it, and name its Secret here without an issuer (WebApp: ingress: { host: '${String(host)}', tls: { secretName: '${issued.secretName}' } }, no clusterIssuer)`,
        });
      }
    });
  },
});
