import { fieldPath } from '../model';
import { defineRule, Report } from '../rule';
import { arr, isObject, obj, quoteFix, validLabelKey, validLabelValue } from './util';

const KEY_ALLOWED = "an optional DNS subdomain prefix and '/', then a name of at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const VALUE_ALLOWED = "at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty)";

/** Checks a map of labels (metadata labels or a selector's matchLabels). */
export function checkLabelMap(labels: unknown, path: string, report: Report): void {
  if (labels === undefined || labels === null) return;
  if (!isObject(labels)) {
    report({ field: path, message: 'must be a map of strings', value: labels, fix: 'write labels as key: "value" pairs' });
    return;
  }
  for (const k of Object.keys(labels)) {
    const v = labels[k];
    const validKey = validLabelKey(k);
    if (validKey && typeof v === 'string' && validLabelValue(v)) continue; // the common case: nothing to report
    const field = fieldPath(path, k);
    if (!validKey) report({ field, message: 'has an invalid label key', value: k, allowed: KEY_ALLOWED, fix: "use a key such as 'app.kubernetes.io/name' or 'team'" });
    if (typeof v !== 'string') {
      report({ field, message: 'must be a string', value: v, fix: quoteFix(v) });
    } else if (!validLabelValue(v)) {
      report({
        field, message: v.length > 63 ? `is too long for a label value (${v.length} characters)` : 'is not a valid label value', value: v, allowed: VALUE_ALLOWED,
        fix: v.length > 63 ? 'shorten it, or put long text in an annotation' : "replace other characters with '-'",
      });
    }
  }
}

/** Kinds whose `spec.selector` is a label selector (custom resources may use the name for anything). */
const SELECTOR_KINDS = new Set([
  'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'Service',
  'PodDisruptionBudget', 'ServiceMonitor', 'PodMonitor',
]);

function checkSelector(selector: unknown, path: string, report: Report): void {
  if (!isObject(selector)) return;
  if ('matchLabels' in selector || 'matchExpressions' in selector) {
    checkLabelMap(selector.matchLabels, fieldPath(path, 'matchLabels'), report);
    arr(selector.matchExpressions).forEach((e, i) => {
      const key = obj(e).key;
      if (typeof key !== 'string' || !validLabelKey(key)) {
        report({ field: fieldPath(`${fieldPath(path, 'matchExpressions')}[${i}]`, 'key'), message: 'is not a valid label key', value: key, allowed: KEY_ALLOWED, fix: "use a key such as 'app.kubernetes.io/name'" });
      }
    });
  } else {
    checkLabelMap(selector, path, report);
  }
}

/** Label keys and values of objects, pod templates and selectors. */
export default defineRule({
  id: 'api-labels',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects label keys and values that break the label syntax (63 characters, alphanumeric ends).',
  check(o, report) {
    checkLabelMap(o.metadata.labels, 'metadata.labels', report);
    if (o.pod && o.kind !== 'Pod') checkLabelMap(o.pod.metadata.labels, fieldPath(o.pod.metadataPath, 'labels'), report);
    const spec = obj(o.manifest.spec);
    if (SELECTOR_KINDS.has(o.kind)) checkSelector(spec.selector, 'spec.selector', report);
    if (o.kind === 'NetworkPolicy') checkSelector(spec.podSelector, 'spec.podSelector', report);
  },
});
