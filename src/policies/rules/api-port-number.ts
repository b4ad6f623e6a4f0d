import { numberInString } from '../../core/numbers';
import { validatePortNumber } from '../../core/ports';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, fromValidator, handlerPorts, obj, probesOf } from './util';

/** Port numbers of containers, Services and probes are 1–65535; a Service has each port once per protocol. */
export default defineRule({
  id: 'api-port-number',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects port numbers outside 1–65535, and a Service with the same port and protocol twice.',
  kinds: ['Service', 'Pod', 'PodTemplate', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'],
  check(o, report) {
    // `named`: an int-or-string field (targetPort, a probe's port), where a string names a port.
    const number = (port: unknown, field: string, required = false, named = false) => {
      if (port === undefined || port === null) {
        if (required) report({ field, message: 'is required', allowed: 'an integer from 1 to 65535', fix: 'set the port number' });
        return;
      }
      if (typeof port === 'string') {
        const digits = numberInString(port);
        if (named && digits === undefined) return; // a named port (api-port-name checks the name)
        // The API server reads a string as a port name, which needs a letter; an int field takes no string at all.
        report({
          field, message: digits !== undefined ? 'is a port number written as a string' : 'must be a port number, not a name', value: port,
          allowed: named ? 'an integer from 1 to 65535, or the name of a container port' : 'an integer from 1 to 65535',
          fix: digits !== undefined ? `write it as a number: ${digits}` : 'write the number the container listens on',
        });
        return;
      }
      const issue = fromValidator(field, () => validatePortNumber(Number(port), undefined, field), 'use a port from 1 to 65535');
      if (issue) report({ ...issue, value: port });
    };
    if (o.kind === 'Service') {
      const seen = new Map<string, number>();
      arr(obj(o.manifest.spec).ports).forEach((p, i) => {
        const base = `spec.ports[${i}]`;
        number(obj(p).port, fieldPath(base, 'port'), true);
        const port = obj(p).port;
        if (typeof port === 'number') {
          const key = `${port}/${obj(p).protocol ?? 'TCP'}`;
          const first = seen.get(key);
          if (first !== undefined) {
            report({
              field: fieldPath(base, 'port'), message: `repeats ${key} of spec.ports[${first}]: the API server refuses a Service with a port twice`, value: port,
              allowed: 'each port and protocol once per Service', fix: 'give the port a number of its own, or remove it',
            });
          } else seen.set(key, i);
        }
        number(obj(p).targetPort, fieldPath(base, 'targetPort'), false, true);
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
        for (const h of handlerPorts(probe.probe, probe.path)) number(h.port, h.path, false, true);
      }
    }
  },
});
