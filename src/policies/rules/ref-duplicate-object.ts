import { PolicyObject } from '../model';
import { defineRule } from '../rule';

const CHART_NAMESPACE = /^(.+)\/Namespace$/;

/** Two charts that each create their namespace (a chart's Namespace is its child 'Namespace'): the second one should not. */
function chartNamespaceFix(first: PolicyObject, second: PolicyObject): string | undefined {
  if (second.kind !== 'Namespace') return undefined;
  const a = CHART_NAMESPACE.exec(first.subject.constructPath ?? '')?.[1];
  const b = CHART_NAMESPACE.exec(second.subject.constructPath ?? '')?.[1];
  if (a === undefined || b === undefined) return undefined;
  return `two charts share the namespace '${second.name}': let one create it, and give the other createNamespace: false `
    + `(new TimonelChart(app, '${b.split('/').pop()}', { namespace: '${second.name}', createNamespace: false })), or give them namespaces of their own`;
}

/** No two objects share group, kind, namespace and name. */
export default defineRule({
  id: 'ref-duplicate-object',
  severity: 'error',
  category: 'consistency',
  rationale: 'Two objects with the same kind, namespace and name overwrite each other when applied; only the last one survives.',
  checkSet(set, report) {
    const seen = new Map<string, PolicyObject>();
    for (const o of set.objects) {
      if (!o.kind || !o.name) continue;
      const key = `${o.group}\0${o.kind}\0${o.ns}\0${o.name}`;
      const first = seen.get(key);
      if (first) {
        const where = first.subject.constructPath ?? first.subject.file;
        report(o, {
          field: 'metadata.name', message: `is defined twice${where ? ` (first at ${where})` : ''}`, value: o.name,
          fix: chartNamespaceFix(first, o) ?? 'give one of them another name or namespace, or remove the copy',
        });
      } else {
        seen.set(key, o);
      }
    }
  },
});
