import { configKeyProblem } from '../../core/config-keys';
import { NameRule } from '../../core/names';
import { nameSpec } from '../../core/specs';
import { literal, v } from '../../core/validation';
import { REFRESH_INTERVAL, REMOTE_KEY, STORE_KIND, STORE_NAME } from '../../workload/external-secret';
import type { ExternalSecretExtract, ExternalSecretKey, ExternalSecretProps } from '../external-secret';

const KEY = v.object<ExternalSecretKey>()({
  remoteKey: v.required(REMOTE_KEY),
  property: v.string({ nonEmpty: true, allowed: "a property of the remote secret, e.g. 'secret_key_base'", fix: 'name the property, or leave it out to read the whole remote value' }),
}, { what: 'field', typeFix: (x) => (typeof x === 'string' ? `write { remoteKey: ${literal(x)} }, with property: '…' for one field of it` : undefined) });

const EXTRACT = v.object<ExternalSecretExtract>()({ remoteKey: v.required(REMOTE_KEY) }, {
  what: 'field', typeFix: (x) => (typeof x === 'string' ? `write { remoteKey: ${literal(x)} }` : undefined),
});

/** The spec of ExternalSecretProps. */
export const EXTERNAL_SECRET_PROPS = v.object<ExternalSecretProps>()({
  store: v.required(STORE_NAME, {
    message: 'is required', allowed: "the name of a SecretStore or ClusterSecretStore, e.g. 'vault'",
    fix: "name the store External Secrets Operator reads from: store: 'vault' (with storeKind: 'ClusterSecretStore' for a cluster-wide one)",
  }),
  storeKind: STORE_KIND,
  refreshInterval: REFRESH_INTERVAL,
  data: v.record(KEY, {
    keys: ['SECRET_KEY_BASE', 'smtp-password'],
    key: (k) => configKeyProblem(k, 'has a key that is not a valid Secret key'),
  }),
  dataFrom: v.array(EXTRACT),
  name: nameSpec(NameRule.DNS_1123_SUBDOMAIN),
}, {
  check: (p, r) => {
    if (Object.keys(p.data ?? {}).length === 0 && (p.dataFrom ?? []).length === 0) {
      r.issue('data', {
        message: 'is required (or dataFrom): without either the ExternalSecret fills no key', value: p.data,
        allowed: 'an object of Secret keys to { remoteKey, property? }, and/or dataFrom: [{ remoteKey }]',
        fix: "add data: { SECRET_KEY_BASE: { remoteKey: 'app/prod', property: 'secret_key_base' } }, or dataFrom: [{ remoteKey: 'app/prod' }] for every property of it",
      });
    }
    const seen = new Set<string>();
    (p.dataFrom ?? []).forEach((e, i) => {
      if (seen.has(e.remoteKey)) r.issue(`dataFrom[${i}].remoteKey`, { message: 'repeats a remote key of dataFrom', value: e.remoteKey, allowed: 'each remote key once in dataFrom', fix: 'list each remote key once' });
      seen.add(e.remoteKey);
    });
  },
});
