import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { backendsOf, ROUTE_KINDS } from './refs';
import { arr, list, obj } from './util';

/** Ingress and route backends use a port the Service has. */
export default defineRule({
  id: 'ref-backend-port',
  severity: 'error',
  category: 'consistency',
  rationale: 'A backend port the Service does not expose never receives traffic: the route is broken.',
  kinds: ROUTE_KINDS,
  check(o, report, set) {
    for (const b of backendsOf(o)) {
      const svc = set.get('Service', b.ns, b.name);
      if (!svc) continue;
      const ports = arr(obj(svc.manifest.spec).ports).map(obj);
      const numbers = ports.map((p) => p.port);
      const names = ports.map((p) => p.name).filter((n) => typeof n === 'string');
      if (b.port === undefined || (b.port.number === undefined && b.port.name === undefined)) {
        if (o.kind !== 'Ingress' && ports.length > 0) report({ field: fieldPath(b.field, 'port'), message: 'is required for a Service backend', allowed: list(numbers), fix: 'set the Service port' });
        continue;
      }
      if (b.port.number !== undefined && !numbers.includes(b.port.number)) {
        const field = o.kind === 'Ingress' ? `${b.field}.port.number` : fieldPath(b.field, 'port');
        report({ field, message: `is not a port of the Service '${b.name}'`, value: b.port.number, allowed: list(numbers), fix: `use one of the Service's ports` });
      } else if (b.port.name !== undefined && !names.includes(b.port.name)) {
        report({ field: `${b.field}.port.name`, message: `is not a port name of the Service '${b.name}'`, value: b.port.name, allowed: names.length ? list(names) : 'none (the Service ports have no names)', fix: "use one of the Service's port names, or the port number" });
      }
    }
  },
});
