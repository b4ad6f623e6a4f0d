import { IConstruct } from 'constructs';
import { DEFAULTS } from './defaults';
import { fail } from './errors';

/** A parsed image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /**
   * True when a digest, or a version tag (one with a version number: `1.27`, `v2`, `3.19-alpine`),
   * pins the image. The digits of an architecture (`latest-amd64`) are no version.
   */
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
 * How to fix a string that is no image reference: the usual slips (a scheme, spaces, an upper-case
 * repository, a doubled ':' or '@') repaired when that gives a valid reference, else its shape.
 */
export function imageFix(image: string): string {
  const unset = unsetPart(image);
  if (unset) return unset.fix;
  const trimmed = image.trim().replace(/^(?:docker|https?|oci):\/\//i, '');
  const at = trimmed.indexOf('@');
  const named = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  const repo = colon >= 0 ? named.slice(0, colon) : named;
  const firstSlash = repo.indexOf('/');
  // A registry host may have capitals; the repository path may not.
  const hasRegistry = firstSlash > 0 && /[.:]|^localhost$/.test(repo.slice(0, firstSlash));
  const fixedRepo = hasRegistry ? repo.slice(0, firstSlash + 1) + repo.slice(firstSlash + 1).toLowerCase() : repo.toLowerCase();
  const candidate = fixedRepo + named.slice(repo.length) + (at >= 0 ? trimmed.slice(at) : '');
  if (candidate !== image && parseImage(candidate)) return `write '${candidate}'`;
  return "write '[registry/]repository:tag' with a lowercase repository, e.g. 'ghcr.io/acme/app:1.2.3'";
}

// Architecture names, as image tags carry them (`latest-amd64`, `nonroot-arm64`, `arm64v8-slim`):
// their digits name a platform, not a version. Matched as whole parts of the tag.
const ARCH = /(^|[-_.])(x86[-_]64|amd64|arm64v8|arm64|aarch64|arm32v[5-7]|armv[5-8]l?|armhf|armel|i386|i686|ppc64le|ppc64|s390x|riscv64|mips64le|mips64el|loong64)(?=$|[-_.])/gi;

/** The architecture names in a tag (`latest-amd64` -> ['amd64']). */
export function archNames(tag: string): string[] {
  return [...tag.matchAll(ARCH)].map((m) => m[2]);
}

/**
 * Whether a tag names a version: it has a digit outside an architecture name. A tag without one
 * (`latest`, `alpine`, `stable`, `main`, `edge`, `bookworm`, and the same with a variant or
 * architecture suffix: `latest-amd64`, `nonroot-arm64`, `debug-nonroot`, `stable-slim`) is moved to
 * new builds by its publisher, so it pins nothing; `1.27`, `v2.3.4-alpine`, `20240101`, `3.12-slim` pin.
 */
export function isVersionTag(tag: string): boolean {
  return /[0-9]/.test(tag.replace(ARCH, '$1'));
}

/** Options for image validation. */
export interface ImageCheckOptions {
  readonly scope?: IConstruct;
  readonly prop?: string;
  /** Accept an untagged image, or one with a moving tag (`:latest`, `:latest-amd64`, `:alpine`). @default false */
  readonly allowUnpinned?: boolean;
}

/** Validates an image reference; an untagged image or a moving tag is an error unless allowed. */
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
      scope: opts.scope, prop, message: 'is not a valid image reference', value: image, allowed, fix: imageFix(image),
    });
  }
  const unset = unsetPart(image);
  if (!ref.pinned && (!opts.allowUnpinned || unset)) {
    fail({
      scope: opts.scope, prop,
      message: unset ? `has the tag '${ref.tag}': ${unset.what}` : ref.tag !== undefined ? `uses the moving tag '${ref.tag}'${archNote(ref.tag)}` : 'has no tag or digest (it means :latest)',
      value: image,
      allowed: 'a pinned tag or a digest',
      fix: unset ? unset.fix : `pin a version such as '${ref.repository}:1.2.3' or '${ref.repository}@sha256:…', or set 'allowUnpinnedImage: true'`,
    });
  }
  return ref;
}

/**
 * The tag or digest of an image built from a template string whose variable is unset
 * (`${repo}:${TAG}` -> 'ghcr.io/acme/app:undefined' or 'ghcr.io/acme/app:'): what it is and how
 * to fix it. Undefined for any other image.
 */
function unsetPart(image: string): { readonly what: string; readonly fix: string } | undefined {
  const m = /^(.*?)([:@])(undefined|null|NaN)?$/.exec(image.trim());
  if (!m || m[1] === '' || m[1].endsWith('/')) return undefined;
  const part = m[2] === ':' ? 'tag' : 'digest';
  const example = `${m[1]}${m[2] === ':' ? ':1.2.3' : '@sha256:…'}`;
  return {
    what: `the variable that gives the ${part} is ${m[3] === undefined ? 'empty' : 'unset'}`,
    fix: `set the variable your code puts after '${m[2]}' (e.g. the environment variable it reads) before the synth, so the image reads like '${example}'`,
  };
}

// Says why a tag with digits still moves: `'amd64' names an architecture, not a version`.
function archNote(tag: string): string {
  const archs = archNames(tag);
  if (!archs.length) return '';
  return ` (${archs.map((a) => `'${a}'`).join(' and ')} ${archs.length === 1 ? 'names an architecture' : 'name architectures'}, not a version)`;
}

/** The pull policy for an image: IfNotPresent when pinned, Always otherwise. */
export function pullPolicyFor(ref: ImageReference): string {
  return ref.pinned ? DEFAULTS.image.pinnedPullPolicy : DEFAULTS.image.unpinnedPullPolicy;
}
