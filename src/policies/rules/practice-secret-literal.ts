import { defineRule } from '../rule';
import { isObject } from './util';

/** Secrets are not written out with their values. */
export default defineRule({
  id: 'practice-secret-literal',
  severity: 'warning',
  category: 'practice',
  rationale: 'A Secret with literal data puts the secret in the repository and in every copy of the manifests (base64 is not encryption).',
  kinds: ['Secret'],
  check(o, report) {
    for (const key of ['data', 'stringData']) {
      const map = o.manifest[key];
      if (!isObject(map) || Object.keys(map).length === 0) continue;
      report({
        field: key, message: `holds ${Object.keys(map).length} literal value${Object.keys(map).length === 1 ? '' : 's'} (${Object.keys(map).slice(0, 5).join(', ')})`,
        fix: 'create the Secret from a secret store (ExternalSecret, SealedSecret, SOPS) and reference it by name',
      });
    }
  },
});
