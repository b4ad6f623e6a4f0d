import { createHash } from 'crypto';
import { isIP } from 'net';
import { domainToASCII } from 'url';
import { IConstruct } from 'constructs';
import { DEFAULTS } from './defaults';
import { fail } from './errors';

/** The Kubernetes naming rules timonel checks. */
/**
 * The namespaces Kubernetes creates itself. timonel never writes a Namespace object for them: it
 * would relabel them (Pod Security enforcement on the cluster's own pods), and a delete of the
 * output would delete them.
 */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export enum NameRule {
  /** RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', at most 253 chars (most objects). */
  DNS_1123_SUBDOMAIN = 'DNS-1123 subdomain',
  /** RFC 1123 label: lowercase alphanumerics and '-', at most 63 chars (namespaces, ports' targets). */
  DNS_1123_LABEL = 'DNS-1123 label',
  /** RFC 1035 label: like a 1123 label but must start with a letter (Services). */
  DNS_1035_LABEL = 'DNS-1035 label',
}

const RULES: Record<NameRule, { re: RegExp; max: number; allowed: string }> = {
  [NameRule.DNS_1123_SUBDOMAIN]: {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    max: 253,
    allowed: "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
  },
  [NameRule.DNS_1123_LABEL]: {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    allowed: "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  },
  [NameRule.DNS_1035_LABEL]: {
    re: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    allowed: "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters",
  },
};

/** Where a name is checked, for the error message. */
export interface NameCheckOptions {
  readonly scope?: IConstruct;
  readonly prop?: string;
  /** Maximum length, when stricter than the rule's (CronJobs: 52). */
  readonly maxLength?: number;
  /** Check the characters only (the name is shortened afterwards). @default false */
  readonly charactersOnly?: boolean;
}

/** True when `name` satisfies `rule` (and the optional length limit). */
export function isValidName(name: string, rule: NameRule, maxLength?: number): boolean {
  const r = RULES[rule];
  return name.length <= Math.min(r.max, maxLength ?? r.max) && r.re.test(name);
}

/**
 * A valid name close to `name` for a "did you mean": lowercased, every run of other characters
 * ('_', ' ', ...) made one '-', trimmed to a letter or digit at both ends. Undefined when that is
 * not a valid name of the rule either (or is `name` itself), so a suggestion is always valid.
 */
export function suggestName(name: string, rule: NameRule, maxLength?: number): string | undefined {
  if (typeof name !== 'string') return undefined;
  const other = rule === NameRule.DNS_1123_SUBDOMAIN ? /[^a-z0-9.]+/g : /[^a-z0-9]+/g;
  const fixed = name.toLowerCase().replace(other, '-').replace(/-*\.-*/g, '.').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return fixed !== name && isValidName(fixed, rule, maxLength) ? fixed : undefined;
}

/** Validates a name as the given rule; throws a TimonelError that explains the rule otherwise. */
export function validateName(name: string, rule: NameRule, opts: NameCheckOptions = {}): string {
  const r = RULES[rule];
  if (typeof name !== 'string') {
    fail({
      scope: opts.scope, prop: opts.prop ?? 'name', message: name === undefined ? 'is required' : `must be a string, but is ${name === null ? 'null' : `a ${typeof name}`}`,
      ...(name === undefined ? {} : { value: name }), allowed: `a ${rule}: ${r.allowed}`,
    });
  }
  const max = Math.min(r.max, opts.maxLength ?? r.max);
  if (name.length > max && !opts.charactersOnly) {
    fail({
      scope: opts.scope,
      prop: opts.prop ?? 'name',
      message: `must be at most ${max} characters for a ${rule}, but is ${name.length}`,
      value: name,
      allowed: r.allowed,
      fix: opts.prop === 'id' || opts.prop === undefined ? `choose a shorter id or name (at most ${max} characters)` : `shorten it to ${max} characters`,
    });
  }
  if (!r.re.test(name)) {
    fail({
      scope: opts.scope,
      prop: opts.prop ?? 'name',
      message: `is not a valid ${rule}`,
      value: name,
      allowed: r.allowed,
      fix: rule === NameRule.DNS_1035_LABEL && /^[0-9]/.test(name)
        ? 'start the name with a letter'
        : opts.prop !== 'id' && suggestName(name, rule, max) !== undefined
          ? `write '${suggestName(name, rule, max)}'`
          : "use lowercase letters, digits and '-' only (ids become names: 'BadName' -> 'badname', 'Bad_Name' is invalid)",
    });
  }
  return name;
}

/**
 * Shortens `name` to at most `max` characters, deterministically:
 * keep the first `max - 9` characters, drop trailing '-' or '.', then append '-' and the
 * first 8 hex characters of the sha256 of the full name. Names within the limit are unchanged.
 * Two different long names with the same prefix get different suffixes.
 */
export function shortenName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hashLen = DEFAULTS.names.hashLength;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, hashLen);
  const head = name.slice(0, max - hashLen - 1).replace(/[-.]+$/, '');
  return `${head}-${hash}`;
}

/** Options for deriving a name from construct ids. */
export interface DeriveNameOptions {
  /** The rule the final name must satisfy. @default NameRule.DNS_1123_LABEL */
  readonly rule?: NameRule;
  /** Maximum length; longer derived names are shortened with `shortenName`. @default the rule's limit */
  readonly maxLength?: number;
  /** A suffix added after shortening (e.g. '-config'); counts towards the limit. */
  readonly suffix?: string;
}

/**
 * The Kubernetes name for a construct: its ids from the chart down, lowercased and joined
 * with '-' (`App/shop/web` -> `shop-web`). Ids are lowercased and otherwise not sanitised: an id
 * that yields an invalid name is an error. A name over the limit is shortened by `shortenName`.
 */
export function deriveName(scope: IConstruct, opts: DeriveNameOptions = {}): string {
  const ids = scope.node.scopes.map((s) => s.node.id).filter((id) => id !== '');
  return nameFromParts(scope, ids, opts);
}

/** Like `deriveName`, from explicit parts (used when a user gives a base name). */
export function nameFromParts(scope: IConstruct, parts: string[], opts: DeriveNameOptions = {}): string {
  const rule = opts.rule ?? NameRule.DNS_1123_LABEL;
  const max = Math.min(RULES[rule].max, opts.maxLength ?? RULES[rule].max);
  const suffix = opts.suffix ?? '';
  const base = parts.map((p) => p.toLowerCase()).join('-');
  // Characters are checked on the whole name (with no length limit), so nothing invalid hides past the cut.
  if (!RULES[rule].re.test(base + suffix)) {
    validateName(base + suffix, rule, { scope, prop: 'id', charactersOnly: true });
  }
  const name = shortenName(base, max - suffix.length) + suffix;
  return validateName(name, rule, { scope, prop: 'id', maxLength: max });
}

/**
 * Validates a name the user gave explicitly. Explicit names are never shortened: a name
 * over the limit is an error, since a silent change would break references to it.
 */
export function explicitName(scope: IConstruct, prop: string, name: string, rule: NameRule, maxLength?: number): string {
  return validateName(name, rule, { scope, prop, maxLength });
}

/** What an Ingress host or a route's hostname may be, for an error's "Allowed:". */
export const HOST_NAME_ALLOWED = "a lowercase DNS name such as 'shop.example.com', optionally starting with '*.' (no IP addresses)";

/** Whether `host` is an Ingress host: a DNS name with a dot (or 'localhost'), optionally starting with '*.'. */
export function isHostName(host: unknown): boolean {
  const bare = typeof host === 'string' && host.startsWith('*.') ? host.slice(2) : host;
  // An IPv4 address is a valid subdomain by its characters, but the API server refuses it as a host.
  return typeof bare === 'string' && isValidName(bare, NameRule.DNS_1123_SUBDOMAIN) && (bare.includes('.') || bare === 'localhost') && isIP(bare) === 0;
}

/**
 * How to fix a string that is no host name (an Ingress host, a route's hostnames): the host of a
 * URL, lowercased, an international name in its ASCII (punycode) form, without a trailing dot,
 * '_' made '-' — when that gives a valid name — else what a host name looks like.
 */
export function hostNameFix(host: unknown): string {
  if (typeof host !== 'string') return "write the host name as a string, e.g. 'shop.example.com'";
  const wild = host.trim().startsWith('*.') ? '*.' : '';
  // 'https://Shop.example.com:443/x' -> 'shop.example.com'
  const hostOnly = host.trim().slice(wild.length).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[/?#].*$/, '').replace(/:[0-9]*$/, '');
  const urlParts = hostOnly !== host.trim().slice(wild.length);
  let name = hostOnly.replace(/\.$/, '').replace(/_/g, '-');
  if (isIP(name) || /^\[.*\]$/.test(name)) return 'use a DNS name: a host rule matches names, not addresses (without TLS, leaving the host out matches every host)';
  name = domainToASCII(name.toLowerCase()) || name.toLowerCase();
  const bare = name.startsWith('*.') ? name.slice(2) : name;
  if (isValidName(bare, NameRule.DNS_1123_SUBDOMAIN) && bare.includes('.') && `${wild}${name}` !== host) {
    return `write '${wild}${name}'${urlParts ? ' (the host name only: no scheme, port or path)' : /[^\x00-\x7f]/.test(host) ? ' (the ASCII form of an international name)' : ''}`;
  }
  if (isValidName(bare, NameRule.DNS_1123_LABEL)) return `write the full name, e.g. '${wild}${bare}.example.com'`;
  return "write a lowercase DNS name such as 'shop.example.com' (no scheme, port or path)";
}
