import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { volumesOf } from './util';

/** Pod Security baseline: no hostPath volumes. */
export default defineRule({
  id: 'pss-baseline-host-path',
  severity: 'error',
  category: 'pss-baseline',
  rationale: "A hostPath volume exposes the node's filesystem to the pod (Pod Security baseline).",
  pods: true,
  check(o, report) {
    for (const v of volumesOf(o.pod!)) {
      if (v.volume.hostPath !== undefined) {
        report({
          field: fieldPath(v.path, 'hostPath'), message: `mounts the node's '${v.volume.hostPath?.path ?? ''}' into volume '${v.name}' (Pod Security 'baseline')`,
          fix: 'use an emptyDir, a PersistentVolumeClaim or a CSI volume instead',
        });
      }
    }
  },
});
