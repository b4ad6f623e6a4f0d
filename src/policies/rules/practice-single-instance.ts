import { DEFAULTS } from '../../core/defaults';
import { parseImage } from '../../core/image';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { minReplicas } from './refs';


/** A Deployment with 2 or more replicas of a database or Redis image: independent servers, not replicas. */
export default defineRule({
  id: 'practice-single-instance',
  severity: 'warning',
  category: 'practice',
  rationale: 'Pods of a Deployment running a database or Redis image are independent servers, each with its own data: clients behind one Service see different data.',
  kinds: ['Deployment', 'ReplicaSet'],
  check(o, report, set) {
    const replicas = minReplicas(o, set);
    if (replicas < 2) return;
    for (const c of o.pod!.containers) {
      if (c.list !== 'containers' || typeof c.container?.image !== 'string') continue;
      // By the last part of the repository, so mirrors of the official images count too.
      const parts = parseImage(c.container.image)?.repository.split('/') ?? [];
      const repository = parts[parts.length - 1];
      if (repository === undefined || !(DEFAULTS.singleInstanceImages as readonly string[]).includes(repository)) continue;
      if (parts.length >= 2 && (DEFAULTS.replicatingImageNamespaces as readonly string[]).includes(parts[parts.length - 2])) continue;
      report({
        field: fieldPath(c.path, 'image'),
        message: `runs ${replicas} replicas of '${repository}' in ${c.label}: each pod is an independent server with its own data, not a replica`,
        value: c.container.image,
        fix: "run one pod (timonel's Redis or PostgreSQL preset, or replicas: 1), or use an operator for replication",
      });
    }
  },
});
