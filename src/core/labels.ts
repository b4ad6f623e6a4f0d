import { DEFAULTS } from './defaults';

/** The Kubernetes recommended labels timonel puts on every object. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The prefix of Kubernetes' recommended labels: timonel's to set, from the workload. */
export const RECOMMENDED_LABEL_PREFIX = 'app.kubernetes.io/';

/**
 * On a workload's extra Services (`<name>-<suffix>`): a ServiceMonitor selects the pods' main
 * Service only (`DoesNotExist` on it), so that a pod is scraped once, not once per Service.
 */
export const EXTRA_SERVICE_LABEL = 'timonel.dev/extra-service';

/** What a workload's labels are made of. */
export interface LabelInputs {
  /** The application name (the construct id): `web`. */
  readonly name: string;
  /** The unique instance name (the Kubernetes object name): `shop-web`. */
  readonly instance: string;
  /** The version (usually the image tag). Not in selectors, so it may change per release. */
  readonly version?: string;
  /** The role in the architecture: `frontend`, `api`, `database`. */
  readonly component?: string;
  /** The larger application this is part of (the chart id): `shop`. */
  readonly partOf?: string;
}

/** Selector labels: name + instance only, so a new version keeps them (a renamed construct id does not). */
export function selectorLabels(l: LabelInputs): Record<string, string> {
  return { [LABELS.name]: l.name, [LABELS.instance]: l.instance };
}

/** All recommended labels, in a fixed order (selector labels first). */
export function standardLabels(l: LabelInputs): Record<string, string> {
  const out: Record<string, string> = selectorLabels(l);
  if (l.version) out[LABELS.version] = l.version;
  if (l.component) out[LABELS.component] = l.component;
  if (l.partOf) out[LABELS.partOf] = l.partOf;
  out[LABELS.managedBy] = DEFAULTS.managedBy;
  return out;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `v` is a valid label value (at most 63 chars, alphanumeric ends, `-_.` inside). */
export function isValidLabelValue(v: string): boolean {
  return v.length <= 63 && LABEL_VALUE.test(v);
}

/** True when `k` is a valid label or annotation key (`[prefix/]name`). */
export function isValidLabelKey(k: string): boolean {
  const parts = k.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length > 63 || !LABEL_NAME.test(name)) return false;
  if (parts.length === 2) return parts[0].length <= 253 && DNS_SUBDOMAIN.test(parts[0]);
  return true;
}

/** The version label value from an image reference: its tag, or the first 12 hex of its digest. */
export function versionFromImage(image: string): string | undefined {
  const at = image.indexOf('@');
  if (at >= 0) {
    const digest = image.slice(at + 1).split(':')[1];
    return digest ? digest.slice(0, 12) : undefined;
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  const tag = image.slice(colon + 1);
  return isValidLabelValue(tag) ? tag : undefined;
}

/**
 * A valid label or annotation key close to `k` for a fix: its prefix lowercased with other
 * characters made '-', its name with characters other than letters, digits, '-', '_' and '.' made
 * '-', both trimmed and cut to their limits. Undefined when nothing valid is left.
 */
export function suggestLabelKey(k: string): string | undefined {
  const slash = k.lastIndexOf('/');
  const prefix = slash >= 0 ? k.slice(0, slash).toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/-*\.-*/g, '.').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 253) : '';
  const name = k.slice(slash + 1).replace(/[^-A-Za-z0-9_.]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const fixed = prefix ? `${prefix}/${name}` : name;
  return fixed !== k && isValidLabelKey(fixed) ? fixed : undefined;
}
