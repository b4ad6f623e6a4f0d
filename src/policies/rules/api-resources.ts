import { parseQuantity, QuantityKind, validateQuantity, validateRequestWithinLimit } from '../../core/quantity';
import { fieldPath } from '../model';
import { defineRule, Report } from '../rule';
import { arr, fromValidator, isObject, obj, runnableContainers, volumesOf } from './util';

const KINDS: Record<string, QuantityKind> = { 'cpu': 'cpu', 'memory': 'memory', 'ephemeral-storage': 'storage', 'storage': 'storage' };

function checkQuantity(name: string, q: unknown, field: () => string, report: Report): boolean {
  // The path is built only for a quantity to report.
  return reportQuantity(name, q, '', () => undefined) || reportQuantity(name, q, field(), report);
}

function reportQuantity(name: string, q: unknown, field: string, report: Report): boolean {
  const kind = KINDS[name];
  if (typeof q !== 'string' && typeof q !== 'number') {
    report({ field, message: 'must be a quantity', value: q, fix: "write a quantity such as '250m' or '128Mi'" });
    return false;
  }
  const issue = kind
    ? fromValidator(field, () => validateQuantity(q, { prop: field, kind, allowZero: true }))
    : parseQuantity(q) === undefined || parseQuantity(q)! < 0
      ? { field, message: 'is not a valid quantity', value: q, allowed: "a non-negative number with an optional suffix: '1', '500m', '2Gi'" }
      : undefined;
  if (issue) report(issue);
  return !issue;
}

/** An extended resource (a device plugin's 'nvidia.com/gpu'): a prefixed name outside kubernetes.io. */
function isExtended(name: string): boolean {
  const slash = name.indexOf('/');
  return slash > 0 && !/(^|\.)kubernetes\.io$/.test(name.slice(0, slash)) && !name.startsWith('requests.');
}

/** Checks `requests` and `limits` of a resource requirements block. */
function checkRequirements(resources: unknown, path: string, report: Report): void {
  if (!isObject(resources)) return;
  const requests = obj(resources.requests);
  const limits = obj(resources.limits);
  const ok = new Set<string>();
  for (const [section, map] of [['requests', requests], ['limits', limits]] as const) {
    for (const [name, q] of Object.entries(map)) {
      if (q === undefined) continue; // dropped from the YAML
      if (checkQuantity(name, q, () => fieldPath(fieldPath(path, section), name), report)) ok.add(`${section}.${name}`);
    }
  }
  for (const [section, map] of [['requests', requests], ['limits', limits]] as const) {
    for (const name of Object.keys(map)) {
      if (!isExtended(name) || !ok.has(`${section}.${name}`) || Number.isInteger(parseQuantity(map[name]))) continue;
      report({ field: fieldPath(fieldPath(path, section), name), message: 'must be a whole number of devices: an extended resource cannot be shared', value: map[name], fix: 'use a whole number such as 1' });
    }
  }
  for (const name of Object.keys(requests)) {
    if (!ok.has(`requests.${name}`) || !ok.has(`limits.${name}`)) continue;
    if (isExtended(name) && parseQuantity(requests[name]) !== parseQuantity(limits[name])) {
      report({
        field: fieldPath(fieldPath(path, 'requests'), name), message: `must equal its limit (${String(limits[name])}): extended resources are not overcommitted`, value: requests[name],
        fix: `set both to the same number, or give only the limit (the request defaults to it); timonel's resources.extended writes both`,
      });
      continue;
    }
    // Both parse (checked above): compared here, the message built only for a finding.
    if (parseQuantity(requests[name])! <= parseQuantity(limits[name])!) continue;
    const field = fieldPath(fieldPath(path, 'requests'), name);
    const issue = fromValidator(field, () => validateRequestWithinLimit(requests[name], limits[name], { prop: field, kind: KINDS[name] ?? 'storage' }));
    if (issue) report(issue);
  }
}

/** Resource quantities parse, and requests do not exceed limits. */
export default defineRule({
  id: 'api-resources',
  severity: 'error',
  category: 'api',
  rationale: "The API server rejects malformed quantities and requests above limits; '128m' of memory (0.128 bytes) or '512' (512 bytes) is accepted but always a mistake.",
  check(o, report) {
    if (o.pod) {
      for (const c of runnableContainers(o.pod)) checkRequirements(c.container.resources, fieldPath(c.path, 'resources'), report);
      for (const v of volumesOf(o.pod)) {
        const size = obj(v.volume.emptyDir).sizeLimit;
        if (size !== undefined) checkQuantity('storage', size, () => fieldPath(fieldPath(v.path, 'emptyDir'), 'sizeLimit'), report);
      }
    }
    if (o.kind === 'PersistentVolumeClaim') checkRequirements(obj(o.manifest.spec).resources, 'spec.resources', report);
    if (o.kind === 'StatefulSet') {
      arr(obj(o.manifest.spec).volumeClaimTemplates).forEach((t, i) => {
        checkRequirements(obj(obj(t).spec).resources, `spec.volumeClaimTemplates[${i}].spec.resources`, report);
      });
    }
  },
});
