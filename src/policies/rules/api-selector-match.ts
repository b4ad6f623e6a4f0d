import { fieldPath, selectorMatches } from '../model';
import { defineRule } from '../rule';
import { arr, isObject, obj } from './util';

const REQUIRED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** A workload's selector must select its own pod template (and is required in apps/v1). */
export default defineRule({
  id: 'api-selector-match',
  severity: 'error',
  category: 'api',
  rationale: "The API server rejects a workload whose selector does not match its pod template's labels: it could never own its pods.",
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    const selector = spec.selector;
    const labels = o.pod!.labels;
    const labelsPath = fieldPath(o.pod!.metadataPath, 'labels');
    if (selector === undefined || selector === null) {
      if (REQUIRED.has(o.kind)) {
        report({ field: 'spec.selector', message: `is required for a ${o.kind} in apps/v1`, fix: `set spec.selector.matchLabels to the stable labels of the pod template (e.g. 'app.kubernetes.io/name' and 'app.kubernetes.io/instance')` });
      }
      return;
    }
    if (!isObject(selector)) {
      report({ field: 'spec.selector', message: 'must be a label selector', value: selector, fix: 'write { matchLabels: { ... } }' });
      return;
    }
    const structured = o.kind !== 'ReplicationController';
    const matchLabels = structured ? obj(selector.matchLabels) : selector;
    const expressions = structured ? arr(selector.matchExpressions) : [];
    if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
      if (REQUIRED.has(o.kind)) report({ field: 'spec.selector', message: 'must not be empty', fix: 'select the stable labels of the pod template' });
      return;
    }
    if (selectorMatches(structured ? selector : selector as Record<string, string>, labels)) return;
    for (const [k, v] of Object.entries(matchLabels)) {
      if (labels[k] === String(v)) continue;
      const field = fieldPath(structured ? 'spec.selector.matchLabels' : 'spec.selector', k);
      report({
        field,
        message: k in labels
          ? `selects '${k}=${v}' but the pod template has '${k}=${labels[k]}' in ${labelsPath}`
          : `selects '${k}=${v}' but the pod template has no '${k}' label in ${labelsPath}`,
        fix: 'make the selector a subset of the pod template labels',
      });
      return;
    }
    report({
      field: 'spec.selector.matchExpressions', message: `does not match the pod template labels in ${labelsPath}`, value: expressions,
      fix: 'make the selector match the pod template labels',
    });
  },
});
