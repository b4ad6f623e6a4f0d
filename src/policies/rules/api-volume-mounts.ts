import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { arr, list, obj, volumesOf } from './util';

/** Every volume mount names a volume of the pod (or a StatefulSet claim template), once per path. */
export default defineRule({
  id: 'api-volume-mounts',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects a container that mounts a volume the pod does not define, or two volumes at one path.',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const names = new Set(volumesOf(pod).map((v) => v.name));
    if (o.kind === 'StatefulSet') {
      for (const t of arr(obj(o.manifest.spec).volumeClaimTemplates)) if (typeof obj(obj(t).metadata).name === 'string') names.add(t.metadata.name);
    }
    for (const c of pod.containers) {
      const paths = new Map<string, number>();
      for (const key of ['volumeMounts', 'volumeDevices'] as const) {
        arr(c.container[key]).forEach((m, i) => {
          const base = `${fieldPath(c.path, key)}[${i}]`;
          const mount = obj(m);
          if (!names.has(mount.name)) {
            report({
              field: fieldPath(base, 'name'),
              message: `names the volume '${mount.name}', but the pod has no such volume`,
              ...(names.size ? { allowed: list([...names]) } : {}),
              fix: `add a volume named '${mount.name}' to ${fieldPath(pod.path, 'volumes')} or fix the name`,
            });
          }
          const at = key === 'volumeMounts' ? mount.mountPath : mount.devicePath;
          const atField = fieldPath(base, key === 'volumeMounts' ? 'mountPath' : 'devicePath');
          if (typeof at !== 'string' || at === '') {
            report({ field: atField, message: 'is required', fix: 'set an absolute path' });
          } else if (paths.has(at)) {
            report({ field: atField, message: `is used by another mount of ${c.label} (${key}[${paths.get(at)}])`, value: at, fix: 'mount each path once; use subPath to combine volumes in one folder' });
          } else {
            paths.set(at, i);
          }
        });
      }
    }
  },
});
