import { parseImage, validateImage } from '../../core/image';
import { fieldPath } from '../model';
import { defineRule } from '../rule';
import { fromValidator } from './util';

/**
 * Images are pinned by a version tag (one with a version number, as `isVersionTag` says), or by digest. A warning: timonel's constructs
 * already refuse unpinned images unless `allowUnpinnedImage: true` says otherwise. (Missing and
 * malformed images are api-container-image errors.)
 */
export default defineRule({
  id: 'practice-image-pinned',
  severity: 'warning',
  category: 'practice',
  rationale: "An untagged or ':latest' image changes under you: rollbacks and node restarts may run different code than was reviewed.",
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      const image = c.container.image;
      if (typeof image !== 'string' || !parseImage(image)) continue;
      const field = fieldPath(c.path, 'image');
      const issue = fromValidator(field, () => validateImage(image, { prop: field }));
      if (issue) report(issue.fix ? { ...issue, fix: issue.fix.replace(", or set 'allowUnpinnedImage: true'", '') } : issue);
    }
  },
});
