import { firstFolderBelowCommon, runPoliciesPerSet } from './apply-sets';
import { Profile, ProfileLike } from '../policies/profiles';
import { RULES_BY_ID } from '../policies/rules';
import { Finding, PolicySubject } from '../policies/types';

/**
 * The parts of cdk8s-cli's validation contract (lib/plugins/validation.d.ts) the plugin uses,
 * declared here so the plugin does not depend on cdk8s-cli at runtime.
 */
export interface ValidationContextLike {
  /** The manifest files of the synthesized app. */
  readonly manifests: readonly string[];
  /** Construct metadata: object name -> construct path (when the app recorded it). */
  readonly metadata?: { readonly [name: string]: { readonly path: string } };
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: Array<{ resourceName: string; locations: string[]; manifestPath: string }>;
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger: { log(message: string): void };
  parseManifest(manifestPath: string): any[];
}

/** Properties of the plugin (the `properties:` of its `validations:` entry in cdk8s.yaml). */
export interface TimonelValidationProps {
  /** @default 'restricted' */
  readonly profile?: 'restricted' | 'baseline';
  /** Rules to turn off. */
  readonly disable?: readonly string[];
  /** Severity changes, as in `Profile.custom`. */
  readonly severity?: Readonly<Record<string, 'error' | 'warning' | 'off'>>;
}

/**
 * A cdk8s-cli validation plugin running timonel's policy rules over the synthesized manifests:
 * errors fail `cdk8s synth` (the report's status is 'failure'), warnings are listed.
 * Load it from a local path in cdk8s.yaml (see bin/cdk8s-validation-plugin.js).
 */
export class TimonelValidation {
  private readonly profile: Profile;

  constructor(props: TimonelValidationProps = {}) {
    const base: ProfileLike = props.profile ?? 'restricted';
    this.profile = props.disable?.length || props.severity
      ? Profile.custom({ name: `${base} (customised)`, extends: base, disable: props.disable, severity: props.severity })
      : Profile.of(base);
  }

  public async validate(context: ValidationContextLike): Promise<void> {
    const subjects: PolicySubject[] = [];
    for (const file of context.manifests) {
      for (const doc of context.parseManifest(file)) {
        if (doc && typeof doc === 'object' && typeof doc.apiVersion === 'string' && typeof doc.kind === 'string' && doc.kind !== 'Kustomization') {
          subjects.push({ manifest: doc, file });
        }
      }
    }
    // timonel mirrors each environment into its own folder: each folder is its own set of objects.
    const setOf = firstFolderBelowCommon(context.manifests);
    const report = runPoliciesPerSet(subjects, (s) => setOf(s.file ?? ''), { profile: this.profile, namespacePodSecurity: true, unknownCustomRules: true });
    // cdk8s maps a violation to its construct path by object name alone (construct-metadata.json is
    // keyed by name), so a shared name would show another object's path: name those by kind instead.
    const names = new Map<string, number>();
    for (const s of subjects) names.set(s.manifest.metadata?.name, (names.get(s.manifest.metadata?.name) ?? 0) + 1);
    const byRule = new Map<string, Finding[]>();
    for (const f of [...report.errors, ...report.warnings]) {
      const key = `${f.ruleId}\0${f.severity}`;
      byRule.set(key, [...(byRule.get(key) ?? []), f]);
    }
    for (const findings of byRule.values()) {
      const { ruleId, severity } = findings[0];
      const resources = new Map<string, { resourceName: string; locations: string[]; manifestPath: string }>();
      for (const f of findings) {
        const key = `${f.file}\0${f.object}`;
        const resourceName = f.name && names.get(f.name) === 1 ? f.name : f.object ?? '';
        const r = resources.get(key) ?? { resourceName, locations: [], manifestPath: f.file ?? '' };
        r.locations.push(`${f.object}${f.field ? ` ${f.field}` : ''}: ${f.detail}${f.fix ? ` (fix: ${f.fix})` : ''}`);
        resources.set(key, r);
      }
      const fixes = [...new Set(findings.map((f) => f.fix).filter((x): x is string => !!x))];
      context.report.addViolation({
        ruleName: `${ruleId} (${severity})`,
        recommendation: RULES_BY_ID.get(ruleId)?.rationale ?? ruleId,
        fix: fixes.slice(0, 3).join('; ') || 'see the locations',
        violatingResources: [...resources.values()],
      });
    }
    context.logger.log(`timonel policies (profile ${this.profile.name}): ${report.errors.length} errors, ${report.warnings.length} warnings, ${report.suppressed.length} suppressed in ${report.objects} objects`);
    context.report.submit(report.errors.length ? 'failure' : 'success', {
      profile: this.profile.name,
      errors: String(report.errors.length),
      warnings: String(report.warnings.length),
      suppressed: String(report.suppressed.length),
    });
  }
}
