/**
 * The Pod Security Standards as timonel uses them in every layer: the levels, the Namespace label
 * that enforces one, and the capabilities "baseline" allows adding.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

/** A Pod Security Standards level. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** The levels from the least to the most strict. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** The Namespace label whose value is the level Pod Security admission enforces there. */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Whether `x` is a Pod Security level. */
export function isPodSecurityLevel(x: unknown): x is PodSecurityLevel {
  return (POD_SECURITY_LEVELS as readonly unknown[]).includes(x);
}

/** How strict a level is: privileged 0, baseline 1, restricted 2. */
export function levelRank(level: PodSecurityLevel): number {
  return POD_SECURITY_LEVELS.indexOf(level);
}

/** The capabilities Pod Security baseline allows adding (the container runtime's defaults). */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** The one capability Pod Security restricted allows adding. */
export const RESTRICTED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];

/**
 * The level an annotation `timonel.dev/suppress.<rule>` needs its Namespace to enforce at most:
 * suppressing a `pss-restricted-*` rule needs 'baseline', a `pss-baseline-*` rule 'privileged'.
 */
export function levelNeededBySuppression(ruleId: string): PodSecurityLevel | undefined {
  if (ruleId.startsWith('pss-restricted-')) return 'baseline';
  if (ruleId.startsWith('pss-baseline-')) return 'privileged';
  return undefined;
}
