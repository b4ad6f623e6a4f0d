import { fail } from '../core/errors';
import { levelRank, PodSecurityLevel } from '../core/pod-security';
import { Rule } from './rule';
import { RULE_IDS, RULE_INDEX, RULES } from './rules';
import { suggestRule } from './suppression';
import { RuleLevel, Severity } from './types';

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
}

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
      fail({ path: 'Profile.custom', message: 'needs an object of options', value: opts, allowed: '{ name?, extends?, disable?, severity? }', fix: "e.g. Profile.custom({ severity: { 'practice-probes': 'off' } })" });
    }
    if (opts.disable !== undefined && !Array.isArray(opts.disable)) {
      fail({ path: 'Profile.custom', prop: 'disable', message: 'must be a list of rule ids', value: opts.disable, fix: `wrap it in brackets: [${JSON.stringify(opts.disable)}]` });
    }
    const overrides: Record<string, RuleLevel> = {};
    for (const id of opts.disable ?? []) overrides[id] = 'off';
    for (const [id, level] of Object.entries(opts.severity ?? {})) {
      if (level !== 'error' && level !== 'warning' && level !== 'off') {
        fail({ prop: `severity.${id}`, message: 'is not a severity', value: level, allowed: "'error', 'warning' or 'off'" });
      }
      overrides[id] = level;
    }
    return Profile.derive(opts.name ?? 'custom', Profile.of(opts.extends ?? 'restricted'), overrides);
  }

  /** A built-in profile by name, or the profile itself. */
  public static of(p: ProfileLike): Profile {
    if (p instanceof Profile) return p;
    if (p === 'restricted') return Profile.RESTRICTED;
    if (p === 'baseline') return Profile.BASELINE;
    return fail({ prop: 'profile', message: 'is not a known profile', value: p, allowed: "'restricted', 'baseline' or a Profile.custom(...)" });
  }

  private static derive(name: string, base: Profile, overrides: Record<string, RuleLevel>, declared = base._declaredPodSecurity): Profile {
    const levels = [...base.levels];
    for (const [id, level] of Object.entries(overrides)) {
      const i = RULE_INDEX.get(id);
      if (i === undefined) fail({ prop: 'profile', message: `names the unknown rule '${id}'`, value: id, fix: suggestRule(id, RULE_IDS) });
      levels[i] = level;
    }
    return new Profile(name, levels, declared);
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
  ) {}

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
      p = new Profile(this.name, this.levels.map((l, i) => (off.includes(RULES[i].category) ? 'off' : l)), level);
      this.admitted.set(level, p);
    }
    return p;
  }

  /** The level of a rule ('off' when it does not run). */
  public levelOf(ruleId: string): RuleLevel {
    const i = RULE_INDEX.get(ruleId);
    return i === undefined ? 'off' : this.levels[i];
  }

  /** The severity of a rule, or undefined when it is off. */
  public severityOf(ruleId: string): Severity | undefined {
    const l = this.levelOf(ruleId);
    return l === 'off' ? undefined : l;
  }

  /** Every rule with its level in this profile. */
  public rules(): ProfileRule[] {
    return RULES.map((r, i) => ({ id: r.id, level: this.levels[i], category: r.category, rationale: r.rationale }));
  }
}
