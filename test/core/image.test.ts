import { Construct } from 'constructs';
import { parseImage, pullPolicyFor, validateImage } from '../../src/core/image';
import { newChart, thrown } from '../support/util';

const HEX = '0123456789abcdef'.repeat(4);

describe('parseImage', () => {
  test('splits repository, tag and digest', () => {
    expect(parseImage('nginx:1.27.2')).toEqual({ repository: 'nginx', tag: '1.27.2', digest: undefined, pinned: true });
    expect(parseImage('ghcr.io/a/b:1.0')).toEqual({ repository: 'ghcr.io/a/b', tag: '1.0', digest: undefined, pinned: true });
    expect(parseImage('registry:5000/x/y:v2')).toEqual({ repository: 'registry:5000/x/y', tag: 'v2', digest: undefined, pinned: true });
    expect(parseImage(`nginx@sha256:${HEX}`)).toEqual({ repository: 'nginx', tag: undefined, digest: `sha256:${HEX}`, pinned: true });
    expect(parseImage(`nginx:1.27.2@sha256:${HEX}`)).toMatchObject({ tag: '1.27.2', digest: `sha256:${HEX}`, pinned: true });
  });

  test('a tag that is not a version moves, so it does not pin', () => {
    for (const tag of ['alpine', 'stable', 'latest', 'main', 'edge']) expect(parseImage(`redis:${tag}`)).toMatchObject({ tag, pinned: false });
    for (const tag of ['7.4.1', 'v2', '3.19-alpine', 'alpine3.19']) expect(parseImage(`redis:${tag}`)).toMatchObject({ tag, pinned: true });
    expect(parseImage(`redis:alpine@sha256:${HEX}`)).toMatchObject({ pinned: true });
  });

  test('a moving tag with an architecture or variant suffix still moves; a version with one pins', () => {
    for (const tag of ['latest-amd64', 'latest-arm64', 'nonroot-amd64', 'debug-nonroot', 'stable-slim', 'debug-nonroot-arm64', 'latest_x86_64', 'arm64v8', 'nonroot-s390x']) {
      expect(parseImage(`gcr.io/distroless/static:${tag}`)).toMatchObject({ tag, pinned: false });
    }
    for (const tag of ['1.27', 'v2.3.4-alpine', '20240101', '3.12-slim', 'v2-amd64', '1.27-arm64v8', 'latest-1.2', 'amd64-3.19', 'alpine3.19-amd64']) {
      expect(parseImage(`redis:${tag}`)).toMatchObject({ tag, pinned: true });
    }
  });

  test('an untagged or :latest image is not pinned', () => {
    expect(parseImage('nginx')).toEqual({ repository: 'nginx', tag: undefined, digest: undefined, pinned: false });
    expect(parseImage('nginx:latest')).toMatchObject({ tag: 'latest', pinned: false });
    expect(parseImage('registry:5000/x/y')).toMatchObject({ repository: 'registry:5000/x/y', tag: undefined, pinned: false });
  });

  test.each(['Nginx:1.0', 'nginx:', 'nginx:-1', 'nginx@sha256:abc', 'nginx:1.0 ', '', 'a//b:1', 'ghcr.io/Acme/web:1'])('%j is not an image reference', (ref) => {
    expect(parseImage(ref)).toBeUndefined();
  });
});

describe('validateImage', () => {
  test.each(['nginx:1.27.2', 'ghcr.io/a/b:1.0', 'registry:5000/x/y:v2', `nginx@sha256:${HEX}`])('accepts %s', (ref) => {
    expect(validateImage(ref).pinned).toBe(true);
  });

  test('fails when the image has no tag, suggesting a pinned version', () => {
    expect(() => validateImage('nginx')).toThrow(
      /^'image' has no tag or digest \(it means :latest\), got 'nginx'\. Allowed: a pinned tag or a digest\. Fix: pin a version such as 'nginx:1\.2\.3'.*'allowUnpinnedImage: true'/,
    );
  });

  test("fails when the image uses a moving tag such as 'alpine'", () => {
    expect(() => validateImage('redis:alpine')).toThrow(/'image' uses the moving tag 'alpine', got 'redis:alpine'.*Fix: pin a version such as 'redis:1\.2\.3'/);
  });

  test("fails when the image uses 'latest'", () => {
    expect(() => validateImage('nginx:latest')).toThrow(/'image' uses the moving tag 'latest', got 'nginx:latest'.*Fix: pin a version such as 'nginx:1\.2\.3'/);
  });

  test("fails when the image uses a moving tag with an architecture suffix such as 'latest-amd64'", () => {
    expect(thrown(() => validateImage('gcr.io/distroless/static:latest-amd64')).message).toBe(
      "'image' uses the moving tag 'latest-amd64' ('amd64' names an architecture, not a version), got 'gcr.io/distroless/static:latest-amd64'. "
      + "Allowed: a pinned tag or a digest. Fix: pin a version such as 'gcr.io/distroless/static:1.2.3' or 'gcr.io/distroless/static@sha256:…', or set 'allowUnpinnedImage: true'",
    );
    expect(() => validateImage('gcr.io/distroless/static:nonroot-amd64')).toThrow(/'image' uses the moving tag 'nonroot-amd64' \('amd64' names an architecture, not a version\)/);
    expect(() => validateImage('gcr.io/distroless/static:debug-nonroot')).toThrow(/^'image' uses the moving tag 'debug-nonroot', got/);
    expect(validateImage('gcr.io/distroless/static:latest-amd64', { allowUnpinned: true })).toMatchObject({ pinned: false });
  });

  test('fails when the reference is malformed', () => {
    expect(() => validateImage('Nginx:1.0')).toThrow(/'image' is not a valid image reference, got 'Nginx:1\.0'\. Allowed: '\[registry\/\]repository:tag'/);
  });

  test('names the scope and prop', () => {
    const web = new Construct(newChart('shop'), 'web');
    expect(() => validateImage('nginx', { scope: web, prop: 'sidecars[0].image' })).toThrow(/^\[shop\/web\] 'sidecars\[0\]\.image' has no tag/);
  });

  test('accepts an unpinned image when allowUnpinned is set', () => {
    expect(validateImage('nginx', { allowUnpinned: true })).toMatchObject({ repository: 'nginx', pinned: false });
    expect(validateImage('nginx:latest', { allowUnpinned: true })).toMatchObject({ tag: 'latest', pinned: false });
  });

  test('still fails on a malformed reference when allowUnpinned is set', () => {
    expect(() => validateImage('NGINX', { allowUnpinned: true })).toThrow(/is not a valid image reference/);
  });
});

describe('pullPolicyFor', () => {
  test('is IfNotPresent for pinned images and Always for unpinned ones', () => {
    expect(pullPolicyFor(validateImage('nginx:1.27.2'))).toBe('IfNotPresent');
    expect(pullPolicyFor(validateImage(`nginx@sha256:${HEX}`))).toBe('IfNotPresent');
    expect(pullPolicyFor(validateImage('nginx', { allowUnpinned: true }))).toBe('Always');
    expect(pullPolicyFor(validateImage('nginx:latest', { allowUnpinned: true }))).toBe('Always');
  });
});
