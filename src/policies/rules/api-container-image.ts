import { parseImage } from '../../core/image';
import { fieldPath } from '../model';
import { defineRule } from '../rule';

/** Every container has an image, and it is a valid image reference. */
export default defineRule({
  id: 'api-container-image',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects a container without an image; a malformed reference fails every pull (InvalidImageName).',
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      const field = fieldPath(c.path, 'image');
      const image = c.container.image;
      if (typeof image !== 'string' || image.trim() === '') {
        report({ field, message: `is required for ${c.label}`, ...(image === undefined ? {} : { value: image }), fix: "set an image pinned to a version, e.g. 'nginx:1.27.2'" });
      } else if (!parseImage(image)) {
        report({
          field, message: `is not a valid image reference for ${c.label}`, value: image,
          allowed: "'[registry/]repository:tag' or '[registry/]repository@sha256:<digest>' with a lowercase repository",
          fix: "write the image as '[registry/]repository:tag', e.g. 'ghcr.io/acme/web:1.4.2'",
        });
      }
    }
  },
});
