import { fieldPath } from '../model';
import { defineRule, Report } from '../rule';
import { isObject, quoteFix, validLabelKey } from './util';

/** The API server's limit on the total size of an object's annotations (keys + values). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function checkAnnotations(annotations: unknown, path: string, report: Report): void {
  if (annotations === undefined || annotations === null) return;
  if (!isObject(annotations)) {
    report({ field: path, message: 'must be a map of strings', value: annotations, fix: 'write annotations as key: "value" pairs' });
    return;
  }
  // A UTF-16 code unit takes at most 3 bytes in UTF-8, so 3 × the length bounds the size; the
  // exact size is only counted when that bound is over the limit.
  let bound = 0;
  for (const k of Object.keys(annotations)) {
    const v = annotations[k];
    if (!validLabelKey(k)) {
      report({ field: fieldPath(path, k), message: 'has an invalid annotation key', value: k, allowed: "an optional DNS subdomain prefix and '/', then a name of at most 63 characters: letters, digits, '-', '_' and '.'", fix: "use a key such as 'example.com/owner'" });
    }
    if (typeof v !== 'string') report({ field: fieldPath(path, k), message: 'must be a string', value: v, fix: quoteFix(v) });
    bound += 3 * (k.length + String(v ?? '').length);
  }
  if (bound <= ANNOTATIONS_MAX_BYTES) return;
  let size = 0;
  for (const k of Object.keys(annotations)) size += Buffer.byteLength(k) + Buffer.byteLength(String(annotations[k] ?? ''));
  if (size > ANNOTATIONS_MAX_BYTES) {
    report({
      field: path, message: `total ${size} bytes, over the 262144-byte (256 KiB) limit`,
      fix: 'move large content into a ConfigMap; avoid kubectl.kubernetes.io/last-applied-configuration by using server-side apply',
    });
  }
}

/** Annotation keys and the 256 KiB total size, on objects and pod templates. */
export default defineRule({
  id: 'api-annotations',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects invalid annotation keys and annotations over 256 KiB in total.',
  check(o, report) {
    checkAnnotations(o.metadata.annotations, 'metadata.annotations', report);
    if (o.pod && o.kind !== 'Pod') checkAnnotations(o.pod.metadata.annotations, fieldPath(o.pod.metadataPath, 'annotations'), report);
  },
});
