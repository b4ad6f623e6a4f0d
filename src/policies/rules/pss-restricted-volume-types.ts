import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { volumesOf } from './util';

/** The volume types Pod Security restricted allows. */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const ALLOWED = new Set(RESTRICTED_VOLUME_TYPES);

/** Pod Security restricted: only core volume types (hostPath is reported by pss-baseline-host-path). */
export default defineRule({
  id: 'pss-restricted-volume-types',
  severity: 'error',
  category: 'pss-restricted',
  rationale: 'Restricted pods use only volume types that cannot reach node or network storage directly (Pod Security restricted).',
  pods: true,
  check(o, report) {
    for (const v of volumesOf(o.pod!)) {
      for (const type of Object.keys(v.volume)) {
        if (type === 'name' || type === 'hostPath' || ALLOWED.has(type)) continue;
        report({
          field: fieldPath(v.path, type), message: `uses the volume type '${type}' for volume '${v.name}' (Pod Security 'restricted')`,
          allowed: RESTRICTED_VOLUME_TYPES.join(', '), fix: 'use a PersistentVolumeClaim (or a CSI volume) instead',
        });
      }
    }
  },
});
