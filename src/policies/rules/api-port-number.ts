import { validatePortNumber } from '../../core/ports';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, fromValidator, handlerPorts, obj, probesOf } from './util';

/** Port numbers of containers, Services and probes are 1–65535. */
export default defineRule({
  id: 'api-port-number',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects port numbers outside 1–65535.',
  kinds: ['Service', 'Pod', 'PodTemplate', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'],
  check(o, report) {
    const number = (port: unknown, field: string, required = false) => {
      if (port === undefined || port === null) {
        if (required) report({ field, message: 'is required', allowed: 'an integer from 1 to 65535', fix: 'set the port number' });
        return;
      }
      if (typeof port === 'string' && !/^\d+$/.test(port)) return; // a named port
      const issue = fromValidator(field, () => validatePortNumber(Number(port), undefined, field), 'use a port from 1 to 65535');
      if (issue) report({ ...issue, value: port });
    };
    if (o.kind === 'Service') {
      arr(obj(o.manifest.spec).ports).forEach((p, i) => {
        const base = `spec.ports[${i}]`;
        number(obj(p).port, fieldPath(base, 'port'), true);
        if (typeof p?.targetPort === 'number') number(p.targetPort, fieldPath(base, 'targetPort'));
        if (p?.nodePort !== undefined && p.nodePort !== 0) number(p.nodePort, fieldPath(base, 'nodePort'));
      });
      return;
    }
    for (const c of o.pod!.containers) {
      arr(c.container.ports).forEach((p, i) => {
        const base = `${fieldPath(c.path, 'ports')}[${i}]`;
        number(obj(p).containerPort, fieldPath(base, 'containerPort'), true);
        if (p?.hostPort !== undefined && p.hostPort !== 0) number(p.hostPort, fieldPath(base, 'hostPort'));
      });
      for (const probe of probesOf(c)) {
        for (const h of handlerPorts(probe.probe, probe.path)) if (typeof h.port === 'number') number(h.port, h.path);
      }
    }
  },
});
