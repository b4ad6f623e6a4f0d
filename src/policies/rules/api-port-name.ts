import { NameRule, validateName } from '../../core/names';
import { validatePortName } from '../../core/ports';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, fromValidator, handlerPorts, obj, probesOf } from './util';

/**
 * Port names: container ports, Service target ports and probe ports are IANA service names
 * (at most 15 characters); Service port names are DNS-1123 labels and required when there
 * are several ports.
 */
export default defineRule({
  id: 'api-port-name',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects port names that are not IANA service names (at most 15 characters) or DNS labels for Service ports.',
  kinds: ['Service', 'Pod', 'PodTemplate', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'],
  check(o, report) {
    const ianaName = (name: unknown, field: string) => {
      if (typeof name !== 'string') return;
      const issue = fromValidator(field, () => validatePortName(name, undefined, field), "use a short lowercase name such as 'http', 'grpc' or 'metrics'");
      if (issue) report(issue);
    };
    if (o.kind === 'Service') {
      const ports = arr(obj(o.manifest.spec).ports);
      ports.forEach((p, i) => {
        const base = `spec.ports[${i}]`;
        const port = obj(p);
        if (port.name === undefined || port.name === '') {
          if (ports.length > 1) report({ field: fieldPath(base, 'name'), message: 'is required when a Service has more than one port', fix: "name every port, e.g. 'http'" });
        } else {
          const issue = fromValidator(fieldPath(base, 'name'), () => validateName(String(port.name), NameRule.DNS_1123_LABEL, { prop: fieldPath(base, 'name') }));
          if (issue) report(issue);
        }
        ianaName(port.targetPort, fieldPath(base, 'targetPort'));
      });
      return;
    }
    for (const c of o.pod!.containers) {
      arr(c.container.ports).forEach((p, i) => {
        if (obj(p).name !== undefined) ianaName(String(p.name), fieldPath(`${fieldPath(c.path, 'ports')}[${i}]`, 'name'));
      });
      for (const probe of probesOf(c)) for (const h of handlerPorts(probe.probe, probe.path)) ianaName(h.port, h.path);
    }
  },
});
