import { defineRule } from '../rule';
import { obj } from './util';

/** A workload that keeps no old revision (revisionHistoryLimit: 0). */
export default defineRule({
  id: 'practice-revision-history',
  severity: 'warning',
  category: 'practice',
  rationale: 'With revisionHistoryLimit 0 no old ReplicaSet or ControllerRevision is kept, so `kubectl rollout undo` has nothing to go back to when a release goes wrong.',
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
  check(o, report) {
    if (obj(o.manifest.spec).revisionHistoryLimit !== 0) return;
    report({
      field: 'spec.revisionHistoryLimit',
      message: 'is 0: no old revision is kept, so `kubectl rollout undo` has nothing to go back to',
      value: 0, allowed: '1 or more',
      fix: `keep a few: remove it (timonel's constructs keep 5; Kubernetes, 10), or set 1 or more (timonel: ${o.kind === 'Deployment' ? 'rollout: { revisionHistoryLimit: 5 }' : 'revisionHistoryLimit: 5'}, or leave it out)${o.kind === 'StatefulSet' ? ' (on a StatefulSet it cannot change once created)' : ''}`,
    });
  },
});
