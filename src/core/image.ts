import { IConstruct } from 'constructs';
import { DEFAULTS } from './defaults';
import { fail } from './errors';

/** A parsed image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** True when a digest, or a version tag (one with a digit: `1.27`, `v2`, `3.19-alpine`), pins the image. */
  readonly pinned: boolean;
}

// The distribution reference grammar, simplified to what registries accept.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

/** Parses an image reference; `undefined` when it is not one. */
export function parseImage(image: string): ImageReference | undefined {
  const m = REFERENCE.exec(image);
  if (!m) return undefined;
  const [, repository, tag, digest] = m;
  return { repository, tag, digest, pinned: !!digest || (!!tag && isVersionTag(tag)) };
}

/**
 * Whether a tag names a version. A tag without a digit (`latest`, `alpine`, `stable`, `main`,
 * `edge`, `bookworm`) is moved to new builds by its publisher, so it pins nothing.
 */
export function isVersionTag(tag: string): boolean {
  return /[0-9]/.test(tag);
}

/** Options for image validation. */
export interface ImageCheckOptions {
  readonly scope?: IConstruct;
  readonly prop?: string;
  /** Accept an untagged or `:latest` image. @default false */
  readonly allowUnpinned?: boolean;
}

/** Validates an image reference; untagged or `:latest` is an error unless allowed. */
export function validateImage(image: string, opts: ImageCheckOptions = {}): ImageReference {
  const prop = opts.prop ?? 'image';
  const allowed = "'[registry/]repository:tag' or '[registry/]repository@sha256:<digest>' with a lowercase repository";
  // Custom workloads reach here without the props specs: a missing or non-string image is named as such.
  if (image === undefined || image === null || image === '') {
    fail({ scope: opts.scope, prop, message: 'is required', ...(image === undefined ? {} : { value: image }), allowed, fix: "give the container's image, pinned: e.g. image: 'ghcr.io/acme/app:1.2.3'" });
  }
  if (typeof image !== 'string') {
    fail({
      scope: opts.scope, prop, message: `must be a string, but is ${Array.isArray(image) ? 'an array' : `a ${typeof image}`}`, value: image, allowed,
      fix: "write the image reference as a string, e.g. 'ghcr.io/acme/app:1.2.3'",
    });
  }
  const ref = parseImage(image);
  if (!ref) {
    fail({
      scope: opts.scope, prop, message: 'is not a valid image reference', value: image, allowed,
    });
  }
  if (!ref.pinned && !opts.allowUnpinned) {
    fail({
      scope: opts.scope, prop,
      message: ref.tag !== undefined ? `uses the moving tag '${ref.tag}'` : 'has no tag or digest (it means :latest)',
      value: image,
      allowed: 'a pinned tag or a digest',
      fix: `pin a version such as '${ref.repository}:1.2.3' or '${ref.repository}@sha256:…', or set 'allowUnpinnedImage: true'`,
    });
  }
  return ref;
}

/** The pull policy for an image: IfNotPresent when pinned, Always otherwise. */
export function pullPolicyFor(ref: ImageReference): string {
  return ref.pinned ? DEFAULTS.image.pinnedPullPolicy : DEFAULTS.image.unpinnedPullPolicy;
}
