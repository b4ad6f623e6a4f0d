import { fieldPath, ObjectSet, PolicyObject, runRulesOf, SUPPRESS_PREFIX } from '../model';
import { BUILT_IN_PREFIXES, defineRule, Rule } from '../rule';
import { checkSuppressionReason, suggestRule } from '../suppression';

/** Suppression annotations name a known rule (one of `knownIds()`) and give a written reason. */
export default function policySuppression(knownIds: () => readonly string[]): Rule {
  return defineRule({
    id: 'policy-suppression',
    severity: 'error',
    category: 'policy',
    rationale: 'A suppression must say why, so reviewers can judge it; one that names no known rule is a typo that suppresses nothing.',
    check(o, report, set) {
      const all: Array<[string, string, string]> = [...o.suppressions].map(([ruleId, reason]) => [ruleId, reason, ruleId]);
      for (const [ruleId, byContainer] of o.containerSuppressions) {
        for (const [container, reason] of byContainer) all.push([ruleId, reason, `${ruleId}.${container}`]);
      }
      for (const [ruleId, reason, key] of all) {
        const field = fieldPath('metadata.annotations', `${SUPPRESS_PREFIX}${key}`);
        const unknown = knownRule(ruleId, o, set, knownIds);
        if (unknown) report({ field, message: `suppresses the unknown rule '${ruleId}'`, fix: unknown });
        const problem = checkSuppressionReason(reason);
        if (problem) report({ field, message: problem, value: reason, fix: 'write why the rule does not apply here, e.g. "vendor image runs as root; isolated namespace"' });
      }
    },
  });
}

/**
 * For a suppressed id that no rule of the object's profile has, the fix (a did-you-mean); undefined
 * when the profile has the rule, or when the run takes an id outside the built-in prefixes for a
 * rule of your own it does not have (YAML checked without the app's profile).
 */
function knownRule(ruleId: string, o: PolicyObject, set: ObjectSet, builtIn: () => readonly string[]): string | undefined {
  const custom = runRulesOf(set).customRuleIds(o);
  const unknown = suggestRule(ruleId, custom.length ? [...builtIn(), ...custom] : builtIn());
  if (!unknown || (runRulesOf(set).foreignRuleIds && !BUILT_IN_PREFIXES.some((p) => ruleId.startsWith(p)))) return undefined;
  return unknown.startsWith('did you mean') || BUILT_IN_PREFIXES.some((p) => ruleId.startsWith(p))
    ? unknown
    : `${unknown}; for a rule of your own, add it to the profile of the object: Profile.custom({ rules: [...] })`;
}
