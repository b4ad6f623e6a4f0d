import { isValidName, NameRule } from '../../core/names';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, obj, volumesOf } from './util';

/** Container, port and volume names in a pod: valid, and unique. */
export default defineRule({
  id: 'api-pod-names',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects pods with invalid or duplicate container or volume names; duplicate port names make named ports ambiguous.',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const containers = new Map<string, string>();
    const ports = new Map<string, string>();
    for (const c of pod.containers) {
      const field = fieldPath(c.path, 'name');
      if (!c.name) {
        report({ field, message: 'is required', fix: "name the container, e.g. 'main'" });
      } else if (!isValidName(c.name, NameRule.DNS_1123_LABEL)) {
        report({ field, message: 'is not a valid container name', value: c.name, allowed: "a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters", fix: `rename it, e.g. '${c.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'main'}'` });
      } else if (containers.has(c.name)) {
        report({ field, message: `repeats the container name '${c.name}' (also ${containers.get(c.name)})`, value: c.name, fix: 'give every container, init container and ephemeral container its own name' });
      } else {
        containers.set(c.name, c.path);
      }
      arr(c.container.ports).forEach((p, i) => {
        const name = obj(p).name;
        if (typeof name !== 'string' || name === '') return;
        const portField = fieldPath(`${fieldPath(c.path, 'ports')}[${i}]`, 'name');
        if (ports.has(name)) {
          report({ field: portField, message: `repeats the port name '${name}' (also ${ports.get(name)})`, value: name, fix: 'give every port of the pod its own name, so Services and probes that refer to it by name are unambiguous' });
        } else {
          ports.set(name, portField);
        }
      });
    }
    const volumes = new Map<string, string>();
    for (const v of volumesOf(pod)) {
      const field = fieldPath(v.path, 'name');
      if (!v.name) {
        report({ field, message: 'is required', fix: 'name the volume' });
      } else if (!isValidName(v.name, NameRule.DNS_1123_LABEL)) {
        report({ field, message: 'is not a valid volume name', value: v.name, allowed: "a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters", fix: 'rename the volume and its mounts' });
      } else if (volumes.has(v.name)) {
        report({ field, message: `repeats the volume name '${v.name}' (also ${volumes.get(v.name)})`, value: v.name, fix: 'rename one of the volumes' });
      } else {
        volumes.set(v.name, v.path);
      }
    }
  },
});
