import { defineRule, Report } from '../rule';
import { obj } from './util';

function checkIntOrPercent(v: unknown, field: string, report: Report): void {
  if (v === undefined) return;
  if (typeof v === 'number' ? Number.isInteger(v) && v >= 0 : typeof v === 'string' && /^\d+%$/.test(v) && Number(v.slice(0, -1)) <= 100) return;
  report({ field, message: 'must be a whole number ≥ 0 or a percentage', value: v, allowed: "an integer such as 1, or a percentage such as '25%'", fix: 'use maxUnavailable: 1' });
}

/** A PodDisruptionBudget sets minAvailable or maxUnavailable, not both. */
export default defineRule({
  id: 'api-pdb-spec',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects a PodDisruptionBudget that sets both minAvailable and maxUnavailable, or malformed values.',
  kinds: ['PodDisruptionBudget'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
      report({ field: 'spec.maxUnavailable', message: 'cannot be set together with minAvailable', value: { minAvailable: spec.minAvailable, maxUnavailable: spec.maxUnavailable }, fix: 'keep one of them (maxUnavailable: 1 works for any replica count)' });
    }
    checkIntOrPercent(spec.minAvailable, 'spec.minAvailable', report);
    checkIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable', report);
  },
});
