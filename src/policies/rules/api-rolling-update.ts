import { isZeroIntOrPercent } from '../../core/specs';
import { defineRule } from '../rule';
import { obj } from './util';

// What the API server fills in for a field left out of a rolling update.
const DEFAULTS: Readonly<Record<string, { readonly maxSurge: number | string; readonly maxUnavailable: number | string }>> = {
  Deployment: { maxSurge: '25%', maxUnavailable: '25%' },
  DaemonSet: { maxSurge: 0, maxUnavailable: 1 },
};

/** A rolling update (Deployment, DaemonSet) whose maxSurge and maxUnavailable are both 0, after the API's defaults. */
export default defineRule({
  id: 'api-rolling-update',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects a Deployment or DaemonSet whose rolling update has maxSurge and maxUnavailable both 0: it could never replace a pod.',
  kinds: ['Deployment', 'DaemonSet'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    const strategyField = o.kind === 'Deployment' ? 'strategy' : 'updateStrategy';
    const strategy = obj(spec[strategyField]);
    if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const rolling = obj(strategy.rollingUpdate);
    const maxSurge = rolling.maxSurge ?? DEFAULTS[o.kind].maxSurge;
    const maxUnavailable = rolling.maxUnavailable ?? DEFAULTS[o.kind].maxUnavailable;
    if (!isZeroIntOrPercent(maxSurge) || !isZeroIntOrPercent(maxUnavailable)) return;
    report({
      field: `spec.${strategyField}.rollingUpdate.maxUnavailable`,
      message: 'may not be 0 when maxSurge is 0: the rollout could never replace a pod',
      value: { maxSurge, maxUnavailable },
      allowed: 'maxSurge or maxUnavailable above 0',
      fix: o.kind === 'Deployment'
        ? "allow a surge (maxSurge: '25%') or one unavailable pod (maxUnavailable: 1)"
        : 'update one node at a time: maxUnavailable: 1 (the default), maxSurge: 0',
    });
  },
});
