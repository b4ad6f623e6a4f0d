import { numberInString } from '../../core/numbers';
import { defineRule } from '../rule';
import { isObject, obj } from './util';

/** HorizontalPodAutoscaler bounds: 1 ≤ minReplicas ≤ maxReplicas, and a scale target. */
export default defineRule({
  id: 'api-hpa-replicas',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects an HPA without a target, with maxReplicas below 1 or below minReplicas.',
  kinds: ['HorizontalPodAutoscaler'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    const min = spec.minReplicas;
    const max = spec.maxReplicas;
    if (numberInString(min) !== undefined) {
      report({ field: 'spec.minReplicas', message: 'is a number written as a string', value: min, allowed: 'an integer of at least 1', fix: `write it as a number: ${numberInString(min)}` });
    } else if (min !== undefined && (!Number.isInteger(min) || min < 1)) {
      report({ field: 'spec.minReplicas', message: 'must be at least 1', value: min, allowed: 'an integer of at least 1', fix: 'scaling to zero needs the HPAScaleToZero feature gate; use 1' });
    }
    if (max === undefined) {
      report({ field: 'spec.maxReplicas', message: 'is required', fix: 'set maxReplicas' });
    } else if (numberInString(max) !== undefined) {
      report({ field: 'spec.maxReplicas', message: 'is a number written as a string', value: max, allowed: 'an integer of at least 1', fix: `write it as a number: ${numberInString(max)}` });
    } else if (!Number.isInteger(max) || max < 1) {
      report({ field: 'spec.maxReplicas', message: 'must be at least 1', value: max, fix: 'set maxReplicas to the most pods the workload may run' });
    } else if (Number.isInteger(min) && min > max) {
      report({ field: 'spec.maxReplicas', message: `must be greater than or equal to minReplicas (${min})`, value: max, fix: 'raise maxReplicas or lower minReplicas' });
    }
    const target = spec.scaleTargetRef;
    if (!isObject(target) || !target.kind || !target.name) {
      report({ field: 'spec.scaleTargetRef', message: 'needs a kind and a name', value: target, fix: "point it at the workload, e.g. { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }" });
    }
  },
});
