import { DEFAULTS } from '../../core/defaults';
import { parseImage } from '../../core/image';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { minReplicas } from './refs';

// Docker Hub's official images, written short or in full.
const OFFICIAL = /^(?:docker\.io\/|index\.docker\.io\/|registry-1\.docker\.io\/)?(?:library\/)?/;

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
      const repository = parseImage(c.container.image)?.repository.replace(OFFICIAL, '');
      if (repository === undefined || !(DEFAULTS.singleInstanceImages as readonly string[]).includes(repository)) continue;
      report({
        field: fieldPath(c.path, 'image'),
        message: `runs ${replicas} replicas of '${repository}' in ${c.label}: each pod is an independent server with its own data, not a replica`,
        value: c.container.image,
        fix: "run one pod (timonel's Redis or PostgreSQL preset, or replicas: 1), or use an operator for replication",
      });
    }
  },
});
