import { defineRule } from '../policies/rule';

/**
 * A rule of the platform's own (docs/policies.md, "Rules of your own"): every workload says which
 * application it is part of, so dashboards and cost reports can group it. timonel's workloads set
 * `app.kubernetes.io/part-of` to the chart's id; a hand-written ApiObject must set it too.
 */
export const requirePartOf = defineRule({
  id: 'example-part-of',
  severity: 'error',
  rationale: "Every workload names the application it is part of (app.kubernetes.io/part-of), so dashboards and cost reports can group it.",
  pods: true,
  check(o, report) {
    if (!o.metadata.labels?.['app.kubernetes.io/part-of']) {
      report({
        field: 'metadata.labels', message: "has no 'app.kubernetes.io/part-of' label",
        fix: "use a timonel workload (it sets the chart's id), or add the label: metadata.addLabel('app.kubernetes.io/part-of', 'shop')",
      });
    }
  },
});
