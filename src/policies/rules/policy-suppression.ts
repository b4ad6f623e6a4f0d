import { fieldPath, SUPPRESS_PREFIX } from '../model';
import { defineRule, Rule } from '../rule';
import { checkSuppressionReason, suggestRule } from '../suppression';

/** Suppression annotations name a known rule (one of `knownIds()`) and give a written reason. */
export default function policySuppression(knownIds: () => readonly string[]): Rule {
  return defineRule({
    id: 'policy-suppression',
    severity: 'error',
    category: 'policy',
    rationale: 'A suppression must say why, so reviewers can judge it; one that names no known rule is a typo that suppresses nothing.',
    check(o, report) {
      for (const [ruleId, reason] of o.suppressions) {
        const field = fieldPath('metadata.annotations', `${SUPPRESS_PREFIX}${ruleId}`);
        const unknown = suggestRule(ruleId, knownIds());
        if (unknown) report({ field, message: `suppresses the unknown rule '${ruleId}'`, fix: unknown });
        const problem = checkSuppressionReason(reason);
        if (problem) report({ field, message: problem, value: reason, fix: 'write why the rule does not apply here, e.g. "vendor image runs as root; isolated namespace"' });
      }
    },
  });
}
