import { configKeyProblem } from '../../core/config-keys';
import { fieldPath } from '../model';
import { defineRule, Report } from '../rule';
import { isObject, quoteFix } from './util';

/** The API server's limit on a ConfigMap's or Secret's data. */
export const CONFIG_MAX_BYTES = 1024 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function checkKeys(map: unknown, path: string, report: Report, seen: Map<string, string>): void {
  if (map === undefined || map === null) return;
  if (!isObject(map)) {
    report({ field: path, message: 'must be a map', value: map, fix: 'write the data as key: "value" pairs' });
    return;
  }
  for (const [k, v] of Object.entries(map)) {
    const field = fieldPath(path, k);
    const invalid = configKeyProblem(k);
    if (invalid) report({ field, value: k, ...invalid });
    if (seen.has(k)) report({ field, message: `repeats the key '${k}' of ${seen.get(k)}`, value: k, fix: 'keep the key in one of the two maps' });
    seen.set(k, path);
    if (typeof v !== 'string') report({ field, message: 'must be a string', value: v, fix: quoteFix(v) });
  }
}

function size(map: unknown, decode: boolean): number {
  if (!isObject(map)) return 0;
  let n = 0;
  for (const v of Object.values(map)) n += decode ? Buffer.from(String(v), 'base64').length : Buffer.byteLength(String(v ?? ''));
  return n;
}

/** ConfigMap and Secret keys, base64 Secret data and the 1 MiB total. */
export default defineRule({
  id: 'api-config-data',
  severity: 'error',
  category: 'api',
  rationale: "The API server rejects ConfigMap/Secret keys outside [-._a-zA-Z0-9]+ (or '.', '..', or starting with '..'), data over 1 MiB, and Secret data that is not base64.",
  kinds: ['ConfigMap', 'Secret'],
  check(o, report) {
    const m = o.manifest;
    const seen = new Map<string, string>();
    let total: number;
    if (o.kind === 'ConfigMap') {
      checkKeys(m.data, 'data', report, seen);
      checkKeys(m.binaryData, 'binaryData', report, seen);
      total = size(m.data, false) + size(m.binaryData, true);
    } else {
      checkKeys(m.data, 'data', report, seen);
      // stringData is merged over data by the API server: repeating a key there is allowed.
      checkKeys(m.stringData, 'stringData', report, new Map());
      if (isObject(m.data)) {
        for (const [k, v] of Object.entries(m.data)) {
          if (typeof v === 'string' && !BASE64.test(v.replace(/\s+/g, ''))) {
            report({ field: fieldPath('data', k), message: 'is not base64', fix: "base64-encode the value, or move it to 'stringData'" });
          }
        }
      }
      total = size(m.data, true) + size(m.stringData, false);
    }
    if (total > CONFIG_MAX_BYTES) {
      report({ field: 'data', message: `holds ${total} bytes, over the 1048576-byte (1 MiB) limit`, fix: 'split it into several objects or mount the content from a volume' });
    }
  },
});
