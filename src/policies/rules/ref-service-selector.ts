import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, isObject, obj } from './util';

/** A Service selects pods of the set, and its named target ports exist on them. */
export default defineRule({
  id: 'ref-service-selector',
  severity: 'warning',
  category: 'consistency',
  rationale: 'A Service whose selector matches no pod (or whose named targetPort no pod declares) has no endpoints and drops all traffic.',
  kinds: ['Service'],
  check(o, report, set) {
    const spec = obj(o.manifest.spec);
    if (spec.type === 'ExternalName' || !isObject(spec.selector) || Object.keys(spec.selector).length === 0) return;
    const pods = set.selectPods(o.ns, spec.selector);
    if (pods.length === 0) {
      report({
        field: 'spec.selector', message: `selects no pods in this set${o.namespace ? ` (namespace '${o.namespace}')` : ''}`, value: spec.selector,
        fix: "match the workload's pod template labels (typically app.kubernetes.io/name and app.kubernetes.io/instance)",
      });
      return;
    }
    const portNames = new Set<string>();
    for (const p of pods) for (const c of p.pod!.containers) for (const port of arr(c.container.ports)) if (typeof port?.name === 'string') portNames.add(port.name);
    arr(spec.ports).forEach((p, i) => {
      const target = obj(p).targetPort;
      if (typeof target === 'string' && !/^\d+$/.test(target) && !portNames.has(target)) {
        report({
          field: fieldPath(`spec.ports[${i}]`, 'targetPort'), message: `names the port '${target}', but no selected pod (${pods.map((x) => x.display).join(', ')}) declares a container port with that name`,
          value: target, fix: 'name the container port the same, or use the port number',
        });
      }
    });
  },
});
