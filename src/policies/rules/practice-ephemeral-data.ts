import { DEFAULTS } from '../../core/defaults';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { obj } from './util';

/** A store whose data is meant to last, but sits on an emptyDir (a preset's `ephemeral: true`). */
export default defineRule({
  id: 'practice-ephemeral-data',
  severity: 'warning',
  category: 'practice',
  rationale: "A store marked 'timonel.dev/data: ephemeral' keeps its data on an emptyDir: it is lost when the pod is deleted, evicted or moved to another node.",
  kinds: ['StatefulSet'],
  check(o, report) {
    const e = DEFAULTS.statefulStore.ephemeral;
    if (obj(obj(o.manifest.metadata).annotations)[e.annotation] !== e.annotationValue) return;
    report({
      field: fieldPath('metadata.annotations', e.annotation),
      message: 'marks a store whose data is on an emptyDir: it is lost when the pod is deleted, evicted or rescheduled',
      value: e.annotationValue,
      fix: "fine for development (suppress the rule there, with the reason); elsewhere drop 'ephemeral: true' so the data gets a PersistentVolumeClaim",
    });
  },
});
