import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { obj, securityScopes } from './util';

const ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** Pod Security baseline: AppArmor may not be turned off. */
export default defineRule({
  id: 'pss-baseline-apparmor',
  severity: 'error',
  category: 'pss-baseline',
  rationale: "Overriding AppArmor to 'unconfined' removes a layer of protection between container and node (Pod Security baseline).",
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    for (const [k, v] of Object.entries(pod.annotations)) {
      if (!k.startsWith(ANNOTATION)) continue;
      if (v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
        report({ field: fieldPath(fieldPath(pod.metadataPath, 'annotations'), k), message: "must not turn AppArmor off (Pod Security 'baseline')", value: v, allowed: "'runtime/default' or 'localhost/<profile>'", fix: "use 'runtime/default' or remove the annotation" });
      }
    }
    for (const s of securityScopes(pod)) {
      const type = obj(s.sc.appArmorProfile).type;
      if (type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost') {
        report({ field: fieldPath(fieldPath(s.path, 'appArmorProfile'), 'type'), message: `must not turn AppArmor off for ${s.label} (Pod Security 'baseline')`, value: type, allowed: "'RuntimeDefault' or 'Localhost'", fix: "use 'RuntimeDefault'" });
      }
    }
  },
});
