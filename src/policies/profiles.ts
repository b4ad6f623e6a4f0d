import { fail } from '../core/errors';
import { checkProps, closest, knownKeys, v } from '../core/validation';
import { levelRank, PodSecurityLevel } from '../core/pod-security';
import { checkRule, Rule } from './rule';
import { RULE_IDS, RULE_INDEX, RULES, RULES_BY_ID } from './rules';
import { suggestRule } from './suppression';
import { RuleLevel, Severity } from './types';

const LEVELS = ['error', 'warning', 'off'];

/** A profile, or the name of a built-in one. */
export type ProfileLike = Profile | 'restricted' | 'baseline';

/** Options of a custom profile. */
export interface CustomProfileOptions {
  /** Shown in messages and `timonel check` output. @default 'custom' */
  readonly name?: string;
  /** The profile to start from. @default 'restricted' */
  readonly extends?: ProfileLike;
  /** Rules to turn off. @default - none: the rules of `extends` as they are */
  readonly disable?: readonly string[];
  /** Severities to change ('off' turns a rule off; 'error'/'warning' also turn a disabled rule back on). @default - none */
  readonly severity?: Readonly<Record<string, RuleLevel>>;
  /**
   * Rules of your own (`defineRule`), at their own severity; `disable` and `severity` may name them.
   * Their ids must differ from every other rule's. A profile that extends this one has them too.
   * @default - none: the rules of `extends`
   */
  readonly rules?: readonly Rule[];
}

// The keys of Profile.custom's options (an unknown one is an error with a did-you-mean) and its
// name; the other values are checked by Profile.custom, in the words of profiles.
const CUSTOM_OPTIONS = v.object<CustomProfileOptions>()({
  name: v.string({ nonEmpty: true, allowed: "a name for messages and 'timonel check' output, e.g. 'team-a'", samples: ['team-a'] }),
  extends: v.unchecked("'restricted', 'baseline' or a Profile"),
  disable: v.unchecked('a list of rule ids'),
  severity: v.unchecked("an object of rule ids to 'error', 'warning' or 'off'"),
  rules: v.unchecked('a list of rules made by defineRule({ ... })'),
}, { what: 'option of Profile.custom' });

/** One rule as a profile applies it. */
export interface ProfileRule {
  readonly id: string;
  readonly level: RuleLevel;
  readonly category: Rule['category'];
  readonly rationale: string;
}

/**
 * Which rules run and how severe their findings are.
 *
 * - `restricted` (the default): every rule at its own severity. Pods must meet Pod Security
 *   "restricted" (what timonel's namespaces enforce) and production practice.
 * - `baseline`: Pod Security "baseline" only (the `pss-restricted-*` rules are off), and
 *   `practice-requests` is a warning. For third-party workloads that cannot meet "restricted".
 * - custom: `Profile.custom({ extends: 'restricted', disable: [...], severity: {...} })`.
 */
export class Profile {
  /** Every rule at its own severity. */
  public static readonly RESTRICTED: Profile = new Profile('restricted', RULES.map((r) => r.severity), 'restricted');

  /** Pod Security baseline: restricted-only rules off, missing requests as a warning. */
  public static readonly BASELINE: Profile = Profile.derive('baseline', Profile.RESTRICTED, {
    ...Object.fromEntries(RULES.filter((r) => r.category === 'pss-restricted').map((r) => [r.id, 'off' as const])),
    'practice-requests': 'warning',
  }, 'baseline');

  /** A profile based on another one with some rules turned off or re-graded. Unknown rule ids are an error. */
  public static custom(opts: CustomProfileOptions): Profile {
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
      fail({ path: 'Profile.custom', message: 'needs an object of options', value: opts, allowed: '{ name?, extends?, disable?, severity?, rules? }', fix: "e.g. Profile.custom({ severity: { 'practice-probes': 'off' } })" });
    }
    checkProps(CUSTOM_OPTIONS, opts, 'Profile.custom');
    if (opts.disable !== undefined && !Array.isArray(opts.disable)) {
      fail({ path: 'Profile.custom', prop: 'disable', message: 'must be a list of rule ids', value: opts.disable, allowed: "a list of rule ids, e.g. ['practice-probes']", fix: `wrap it in brackets: [${JSON.stringify(opts.disable)}]` });
    }
    const base = Profile.of(opts.extends ?? 'restricted', { path: 'Profile.custom', prop: 'extends' });
    const custom = addRules(base._custom, opts.rules);
    const overrides: Record<string, RuleLevel> = {};
    // Where each id was written, for the error of an unknown one.
    const written: Record<string, string> = {};
    (opts.disable ?? []).forEach((id, i) => {
      overrides[id] = 'off';
      written[id] = `disable[${i}]`;
    });
    for (const [id, level] of Object.entries(opts.severity ?? {})) {
      if (level !== 'error' && level !== 'warning' && level !== 'off') {
        const near = typeof level === 'string' ? closest(level, LEVELS) : undefined;
        fail({
          path: 'Profile.custom', prop: `severity.${id}`, message: 'is not a severity', value: level, allowed: "'error', 'warning' or 'off'",
          fix: near !== undefined ? `write '${near}'` : "use 'error' to fail the synth, 'warning' to report, 'off' to skip the rule",
        });
      }
      overrides[id] = level;
      written[id] = `severity.${id}`;
    }
    return Profile.derive(opts.name ?? 'custom', base, overrides, base._declaredPodSecurity, custom, written);
  }

  /** A built-in profile by name, or the profile itself; `at` names where it was given, for the error. */
  public static of(p: ProfileLike, at: { readonly path?: string; readonly prop: string } = { prop: 'profile' }): Profile {
    if (p instanceof Profile) return p;
    if (p === 'restricted') return Profile.RESTRICTED;
    if (p === 'baseline') return Profile.BASELINE;
    const near = typeof p === 'string' ? closest(p, ['restricted', 'baseline']) : undefined;
    const options = p !== null && typeof p === 'object' && !Array.isArray(p);
    return fail({
      path: at.path, prop: at.prop, message: 'is not a known profile', value: p, allowed: "'restricted', 'baseline' or a Profile.custom(...)",
      fix: near !== undefined ? `write '${near}'`
        : options ? 'build the profile from these options: Profile.custom({ extends: \'restricted\', … })'
          : "use 'restricted' (the default) or 'baseline', or a profile of your own: Profile.custom({ extends: 'restricted', severity: { … } })",
    });
  }

  private static derive(
    name: string, base: Profile, overrides: Record<string, RuleLevel>, declared = base._declaredPodSecurity, custom = base._custom, written: Record<string, string> = {},
  ): Profile {
    const levels = [...base.levels, ...custom.slice(base._custom.length).map((r) => r.severity)];
    const profile = new Profile(name, levels, declared, custom);
    // `levels` is the new profile's own array, finished here before anyone sees the profile.
    for (const [id, level] of Object.entries(overrides)) {
      const i = profile.indexOf(id);
      if (i === undefined) {
        fail({ path: written[id] !== undefined ? 'Profile.custom' : undefined, prop: written[id] ?? 'profile', message: `names the unknown rule '${id}'`, value: id,
          allowed: knownKeys(id, profile.ruleIds(), { what: 'rule', owner: `the profile '${name}'`, docs: 'docs/policies.md' }), fix: suggestRule(id, profile.ruleIds()) });
      }
      levels[i] = level;
    }
    return profile;
  }

  private constructor(
    /** The profile's name: 'restricted', 'baseline' or a custom name. */
    public readonly name: string,
    /** The level of each rule, in the order of `RULES`. */
    public readonly levels: readonly RuleLevel[],
    /**
     * The Pod Security level of the built-in profile this one extends ('restricted' or 'baseline'),
     * which a custom profile's severities may lower without saying so. @internal
     */
    public readonly _declaredPodSecurity: PodSecurityLevel,
    /** The rules of your own this profile adds to the built-in ones, in order (their levels follow RULES'). @internal */
    public readonly _custom: readonly Rule[] = [],
  ) {
    this._rules = _custom.length ? [...RULES, ..._custom] : RULES;
  }

  /** Every rule of the profile, built-in then custom, in the order of `levels`. @internal */
  public readonly _rules: readonly Rule[];

  /** The index of a rule id in `levels`, or undefined. */
  private indexOf(ruleId: string): number | undefined {
    const i = RULE_INDEX.get(ruleId);
    if (i !== undefined || this._custom.length === 0) return i;
    const j = this._custom.findIndex((r) => r.id === ruleId);
    return j < 0 ? undefined : RULES.length + j;
  }

  /** The level of this very rule (not another with its id) in the profile; `index` is where it may be. @internal */
  public _levelOfRule(rule: Rule, index?: number): RuleLevel {
    const i = index !== undefined && this._rules[index] === rule ? index : this.indexOf(rule.id);
    return i !== undefined && this._rules[i] === rule ? this.levels[i] : 'off';
  }

  /** The ids of every rule of the profile (the built-in ones, then the custom ones). */
  public ruleIds(): readonly string[] {
    return this._custom.length ? this._rules.map((r) => r.id) : RULE_IDS;
  }

  /**
   * The Pod Security level this profile holds pods to: the strictest level whose Pod Security rules
   * (`pss-baseline-*`, and for 'restricted' also `pss-restricted-*`) are all errors. A chart's
   * Namespace enforces it unless the chart's `podSecurity` says otherwise.
   */
  public podSecurityLevel(): PodSecurityLevel {
    const all = (category: string) => RULES.every((r, i) => r.category !== category || this.levels[i] === 'error');
    if (!all('pss-baseline')) return 'privileged';
    return all('pss-restricted') ? 'restricted' : 'baseline';
  }

  /**
   * The Pod Security rules this profile relaxes (turns off or to a warning) below the level of the
   * built-in profile it extends, with their levels ('pss-restricted-seccomp: off'); empty when it
   * holds pods to that level. A chart's Namespace follows such a profile only when the chart says
   * so with `podSecurity`. @internal
   */
  public _relaxedPodSecurity(): string[] {
    if (levelRank(this.podSecurityLevel()) >= levelRank(this._declaredPodSecurity)) return [];
    const held = this._declaredPodSecurity === 'restricted' ? ['pss-baseline', 'pss-restricted'] : ['pss-baseline'];
    return RULES.flatMap((r, i) => (held.includes(r.category) && this.levels[i] !== 'error' ? [`${r.id}: ${this.levels[i]}`] : []));
  }

  private readonly admitted = new Map<PodSecurityLevel, Profile>();

  /**
   * This profile for the objects of a namespace whose Pod Security admission enforces `level`:
   * the Pod Security rules that level does not hold are off ('baseline': every `pss-restricted-*`
   * rule; 'privileged': every `pss-*` rule), every other rule is as it is here. Same name.
   */
  public admittedBy(level: PodSecurityLevel): Profile {
    if (level === 'restricted') return this;
    let p = this.admitted.get(level);
    if (!p) {
      const off = level === 'baseline' ? ['pss-restricted'] : ['pss-restricted', 'pss-baseline'];
      p = new Profile(this.name, this.levels.map((l, i) => (off.includes(this._rules[i].category) ? 'off' : l)), level, this._custom);
      this.admitted.set(level, p);
    }
    return p;
  }

  /** The level of a rule ('off' when it does not run). */
  public levelOf(ruleId: string): RuleLevel {
    const i = this.indexOf(ruleId);
    return i === undefined ? 'off' : this.levels[i];
  }

  /** The severity of a rule, or undefined when it is off. */
  public severityOf(ruleId: string): Severity | undefined {
    const l = this.levelOf(ruleId);
    return l === 'off' ? undefined : l;
  }

  /** Every rule with its level in this profile. */
  public rules(): ProfileRule[] {
    return this._rules.map((r, i) => ({ id: r.id, level: this.levels[i], category: r.category, rationale: r.rationale }));
  }
}

/** The custom rules of a base profile with `rules` added: each checked, its id unique among all rules. */
function addRules(inherited: readonly Rule[], rules: readonly Rule[] | undefined): readonly Rule[] {
  if (rules === undefined) return inherited;
  if (!Array.isArray(rules)) {
    fail({ path: 'Profile.custom', prop: 'rules', message: 'must be a list of rules', value: rules, allowed: 'a list of rules made by defineRule({ ... })', fix: 'wrap it in brackets: rules: [myRule]' });
  }
  const out = [...inherited];
  rules.forEach((rule, i) => {
    checkRule(rule, `Profile.custom rules[${i}]`);
    const where = `Profile.custom rules[${i}] '${rule.id}'`;
    if (RULES_BY_ID.get(rule.id) === rule) {
      fail({ path: where, message: 'is a built-in rule, which every profile has already', value: rule.id, allowed: 'rules of your own; a built-in rule is set by severity', fix: `leave it out of 'rules'; change its level with severity: { '${rule.id}': 'error' }` });
    }
    if (RULES_BY_ID.has(rule.id)) {
      fail({ path: where, prop: 'id', message: "is the id of one of timonel's rules", value: rule.id, allowed: "an id that is not a built-in rule's, e.g. 'org-…'", fix: `give your rule another id, e.g. 'org-${rule.id}'` });
    }
    if (rule.category !== 'custom') {
      fail({ path: where, prop: 'category', message: "must be 'custom' for a rule of your own", value: rule.category, allowed: "'custom'", fix: "leave 'category' out of defineRule({ ... })" });
    }
    const same = out.find((r) => r.id === rule.id);
    if (same === rule) return; // already there (from `extends`, or listed twice): once is enough
    if (same) {
      fail({
        path: where, prop: 'id', message: `is also the id of another rule of the profile${inherited.includes(same) ? ' it extends' : ''}`, value: rule.id,
        allowed: 'an id of its own in the profile', fix: 'give each rule its own id (ids name rules in profiles, suppressions and output)',
      });
    }
    out.push(rule);
  });
  return out;
}
