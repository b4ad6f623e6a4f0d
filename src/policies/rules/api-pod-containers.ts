import { fieldPath } from '../model';
import { defineRule } from '../rule';

/** Every pod (template) has at least one container. */
export default defineRule({
  id: 'api-pod-containers',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects a pod without containers, and a workload whose pod template has none (init containers do not count).',
  pods: true,
  check(o, report) {
    const pod = o.pod!;
    const containers = pod.spec.containers;
    if (Array.isArray(containers) && containers.length > 0) return;
    const inits = Array.isArray(pod.spec.initContainers) && pod.spec.initContainers.length > 0;
    report({
      field: fieldPath(pod.path, 'containers'),
      message: `is required: the pod has no containers${inits ? ' (init containers do not count)' : ''}`,
      ...(containers === undefined ? {} : { value: containers }),
      allowed: 'a list of at least one container',
      // The usual cause in timonel: a spread or read of a Workload's lazy pod spec.
      fix: "add a container; in a Workload of your own, pass this.podTemplate() on whole (podTemplate().spec is rendered at synth: don't spread or read it; "
        + "give fields as podTemplate options, e.g. podTemplate({ hostname: 'poller' }), or use patchManifest; see docs/custom-workloads.md)",
    });
  },
});
