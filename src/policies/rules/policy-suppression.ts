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
      const all: Array<[string, string, string]> = [...o.suppressions].map(([ruleId, reason]) => [ruleId, reason, ruleId]);
      for (const [ruleId, byContainer] of o.containerSuppressions) {
        for (const [container, reason] of byContainer) all.push([ruleId, reason, `${ruleId}.${container}`]);
      }
      for (const [ruleId, reason, key] of all) {
        const field = fieldPath('metadata.annotations', `${SUPPRESS_PREFIX}${key}`);
        const unknown = suggestRule(ruleId, knownIds());
        if (unknown) report({ field, message: `suppresses the unknown rule '${ruleId}'`, fix: unknown });
        const problem = checkSuppressionReason(reason);
        if (problem) report({ field, message: problem, value: reason, fix: 'write why the rule does not apply here, e.g. "vendor image runs as root; isolated namespace"' });
      }
    },
  });
}
