import { ENFORCE_LABEL, isPodSecurityLevel, levelRank, PodSecurityLevel } from '../../core/pod-security';
import { fieldPath, PolicyObject } from '../model';
import { defineRule, Rule } from '../rule';
import pssBaselineHostNamespaces from './pss-baseline-host-namespaces';
import pssBaselinePrivileged from './pss-baseline-privileged';
import pssBaselineCapabilities from './pss-baseline-capabilities';
import pssBaselineHostPath from './pss-baseline-host-path';
import pssBaselineHostPorts from './pss-baseline-host-ports';
import pssBaselineApparmor from './pss-baseline-apparmor';
import pssBaselineSelinux from './pss-baseline-selinux';
import pssBaselineProcMount from './pss-baseline-proc-mount';
import pssBaselineSeccomp from './pss-baseline-seccomp';
import pssBaselineSysctls from './pss-baseline-sysctls';
import pssRestrictedVolumeTypes from './pss-restricted-volume-types';
import pssRestrictedPrivilegeEscalation from './pss-restricted-privilege-escalation';
import pssRestrictedRunAsNonRoot from './pss-restricted-run-as-non-root';
import pssRestrictedRunAsUser from './pss-restricted-run-as-user';
import pssRestrictedSeccomp from './pss-restricted-seccomp';
import pssRestrictedCapabilities from './pss-restricted-capabilities';

// The Pod Security rules, each with the level a pod that breaks it needs its namespace to enforce at most.
const PSS: ReadonlyArray<readonly [Rule, PodSecurityLevel]> = [
  ...[pssBaselineHostNamespaces, pssBaselinePrivileged, pssBaselineCapabilities, pssBaselineHostPath, pssBaselineHostPorts,
    pssBaselineApparmor, pssBaselineSelinux, pssBaselineProcMount, pssBaselineSeccomp, pssBaselineSysctls].map((r) => [r, 'privileged'] as const),
  ...[pssRestrictedVolumeTypes, pssRestrictedPrivilegeEscalation, pssRestrictedRunAsNonRoot, pssRestrictedRunAsUser,
    pssRestrictedSeccomp, pssRestrictedCapabilities].map((r) => [r, 'baseline'] as const),
];

/** The strictest level whose Pod Security rules `pod` passes, and the rule that keeps it from a stricter one. */
function levelNeeded(pod: PolicyObject, set: Parameters<NonNullable<Rule['check']>>[2]): { level: PodSecurityLevel; rule?: string } {
  let needed: { level: PodSecurityLevel; rule?: string } = { level: 'restricted' };
  for (const [rule, level] of PSS) {
    if (levelRank(level) >= levelRank(needed.level)) continue;
    let broken = false;
    rule.check!(pod, () => { broken = true; }, set);
    if (broken) needed = { level, rule: rule.id };
  }
  return needed;
}

/**
 * A Namespace that enforces a Pod Security level below 'restricted' while none of its pods in the
 * set needs it: lowering admission for a whole namespace is a reasoned choice, and the reason is
 * written as this rule's suppression on the Namespace (TimonelChart `podSecurity: { level, reason }`).
 */
export default defineRule({
  id: 'practice-pod-security-lowered',
  severity: 'warning',
  category: 'practice',
  rationale: "A namespace that enforces less than Pod Security 'restricted' admits every pod that the lower level allows, also the next one written by mistake; when none of its pods needs it, the lowering protects nothing and has no stated reason.",
  kinds: ['Namespace'],
  check(o, report, set) {
    const level = o.metadata.labels?.[ENFORCE_LABEL];
    if (!isPodSecurityLevel(level) || level === 'restricted') return;
    const pods = set.podsIn(o.name);
    let needs: { level: PodSecurityLevel; rule?: string; pod?: PolicyObject } = { level: 'restricted' };
    for (const pod of pods) {
      const n = levelNeeded(pod, set);
      if (levelRank(n.level) < levelRank(needs.level)) needs = { ...n, pod };
      if (levelRank(needs.level) <= levelRank(level)) return;
    }
    const which = pods.length === 0 ? 'it holds no pods in this output' : needs.pod
      ? `its pods need '${needs.level}' at most (${needs.pod.display}, for ${needs.rule})`
      : `${pods.length === 1 ? 'its pod passes' : `all ${pods.length} of its pods pass`} 'restricted'`;
    report({
      field: fieldPath(fieldPath('metadata', 'labels'), ENFORCE_LABEL),
      message: `enforces Pod Security '${level}', but ${which}`,
      value: level,
      allowed: `'${needs.level}', the level its pods need; a lower one with its reason`,
      fix: `enforce '${needs.level}' (TimonelChart: ${needs.level === 'restricted' ? 'leave podSecurity out' : `podSecurity: '${needs.level}'`}); or, when pods deployed elsewhere need '${level}', `
        + `say why: podSecurity: { level: '${level}', reason: '…' } (in YAML, the annotation timonel.dev/suppress.practice-pod-security-lowered: <why>)`,
    });
  },
});
