import { isZeroIntOrPercent } from '../../core/specs';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, obj } from './util';

/**
 * A DaemonSet that holds a port of its node (a hostPort, or the host network with container ports)
 * and updates with a surge: the surge pod starts on the same node while the old pod holds the port.
 */
export default defineRule({
  id: 'practice-surge-host-port',
  severity: 'error',
  category: 'practice',
  rationale: "A DaemonSet update with maxSurge above 0 starts the new pod beside the old one on each node; when the pods hold a port of the node (hostPort, or hostNetwork with ports) the new pod never schedules, and a DaemonSet has no progress deadline: the update stalls forever.",
  kinds: ['DaemonSet'],
  pods: true,
  check(o, report) {
    const strategy = obj(obj(o.manifest.spec).updateStrategy);
    if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const maxSurge = obj(strategy.rollingUpdate).maxSurge ?? 0;
    if (isZeroIntOrPercent(maxSurge)) return;
    const hostNetwork = o.pod!.spec.hostNetwork === true;
    const held: string[] = [];
    for (const c of o.pod!.containers) {
      for (const p of arr(c.container.ports)) {
        const { hostPort, containerPort } = obj(p);
        if (hostPort !== undefined && hostPort !== 0) held.push(`hostPort ${hostPort}`);
        else if (hostNetwork && containerPort !== undefined) held.push(`port ${containerPort} on the host network`);
      }
    }
    if (!held.length) return;
    report({
      field: fieldPath('spec.updateStrategy.rollingUpdate', 'maxSurge'),
      message: `must be 0 when the pods hold a port of the node (${held.join(', ')}): the surge pod would start on the same node while the old pod holds it, so it never schedules and the update stalls forever`,
      value: maxSurge,
      allowed: '0 (the default)',
      fix: 'update one node at a time: maxSurge: 0, maxUnavailable: 1 (timonel: NodeAgent update: { maxSurge: 0, maxUnavailable: 1 })',
    });
  },
});
