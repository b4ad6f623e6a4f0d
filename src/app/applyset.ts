import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { NameRule, validateName } from '../core/names';

/** The label that makes an object a member of an ApplySet (KEP-3659). */
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';

/** The ApplySet whose members timonel labels, for `kubectl apply --prune --applyset=<name>`. */
export interface ApplySetOptions {
  /** The name of the ApplySet's parent Secret, which kubectl creates and keeps up to date. */
  readonly name: string;
  /**
   * The namespace of the parent Secret: the namespace kubectl applies to (`-n`, else the
   * context's), which must exist before the first apply.
   * @default 'default' (DEFAULTS.app.applySetNamespace)
   */
  readonly namespace?: string;
}

/**
 * The ApplySet id kubectl gives a parent object (KEP-3659): `applyset-` + the unpadded base64url
 * SHA-256 of `<name>.<namespace>.<kind>.<group>` + `-v1`. Members carry it in `applyset.kubernetes.io/part-of`.
 */
export function applySetId(name: string, namespace: string, kind = 'Secret', group = ''): string {
  const hash = createHash('sha256').update([name, namespace, kind, group].join('.')).digest('base64url');
  return `applyset-${hash}-v1`;
}

/** Validates the options and returns the id of their parent Secret. */
export function resolveApplySet(scope: IConstruct, options: ApplySetOptions): string {
  validateName(options.name, NameRule.DNS_1123_SUBDOMAIN, { scope, prop: 'applySet.name' });
  const namespace = options.namespace ?? DEFAULTS.app.applySetNamespace;
  validateName(namespace, NameRule.DNS_1123_LABEL, { scope, prop: 'applySet.namespace' });
  return applySetId(options.name, namespace);
}

/** Copies of `docs` labelled as members of the ApplySet `id`. */
export function withApplySetLabel(docs: readonly any[], id: string): any[] {
  return docs.map((doc) => ({ ...doc, metadata: { ...doc.metadata, labels: { ...doc.metadata?.labels, [APPLYSET_PART_OF]: id } } }));
}
