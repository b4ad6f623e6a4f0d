import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BUILTIN_RESOURCES } from '../core/api-resources';
import { fail } from '../core/errors';
import { isValidName, NameRule } from '../core/names';
import { checkArgs, checkValue, closest, tsLiteral, v as spec } from '../core/validation';

/** An RBAC verb. `'*'` (every verb) is allowed but flagged by the `practice-rbac-wildcard` policy. */
export type RbacVerb =
  | 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection'
  | 'use' | 'bind' | 'escalate' | 'impersonate' | 'approve' | 'sign' | '*';

/**
 * One permission: verbs on resources of API groups, optionally on named objects only.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole
 */
export interface PermissionRule {
  /** API groups of the resources: `''` is the core group (pods, configmaps, secrets), `'apps'`, `'batch'`, ... @default [''] */
  readonly apiGroups?: string[];
  /** Resources, lowercase plural (`'configmaps'`), or a subresource (`'pods/log'`). */
  readonly resources: string[];
  readonly verbs: RbacVerb[];
  /**
   * Only these objects. Kubernetes cannot restrict list, watch, create or deletecollection by
   * name, so those verbs are refused with names.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
}

/** Where a grant applies. */
export type GrantScope = 'namespace' | 'cluster';

/** Options of `Workload.grant`. */
export interface GrantOptions {
  /** The permissions. */
  readonly rules: PermissionRule[];
  /**
   * `'namespace'`: a Role and RoleBinding in a namespace; `'cluster'`: a ClusterRole and
   * ClusterRoleBinding (every namespace, and cluster-scoped resources such as nodes).
   * @default 'namespace'
   */
  readonly scope?: GrantScope;
  /** The namespace of a namespaced grant (another than the workload's needs both namespaces set). @default - the workload's */
  readonly namespace?: string;
}

/** Options of `Workload.bindClusterRole`. */
export interface BindClusterRoleOptions {
  /** `'namespace'`: a RoleBinding (the role's permissions in one namespace); `'cluster'`: a ClusterRoleBinding. @default 'namespace' */
  readonly scope?: GrantScope;
  /** The namespace of a namespaced binding. @default - the workload's */
  readonly namespace?: string;
}

/** What a workload's ServiceAccount needs to be granted permissions (the Workload). */
export interface RbacSubject extends Construct {
  readonly name: string;
  readonly namespace?: string;
  readonly serviceAccount: k8s.KubeServiceAccount;
  metadata(suffix?: string): { name?: string; labels?: Record<string, string> };
}

/** Every RBAC verb timonel accepts. */
export const RBAC_VERBS: readonly RbacVerb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'use', 'bind', 'escalate', 'impersonate', 'approve', 'sign', '*'];
const UNNAMEABLE: readonly string[] = ['list', 'watch', 'create', 'deletecollection'];
const PERMISSION_FIELDS = ['apiGroups', 'resources', 'verbs', 'resourceNames'] as const;

// Which keys the options and permissions may have: an unknown one (`scop`, `namespce`, `resource`)
// is the layer's error, with a did-you-mean. Their values are checked below, in RBAC's words
// (`rules` stays optional here: a missing one gets the grant's own fix).
const GRANT_KEYS = spec.object<Partial<GrantOptions>>()({
  rules: spec.unchecked('a list of permissions { resources, verbs }'),
  scope: spec.unchecked("'namespace' or 'cluster'"),
  namespace: spec.unchecked('a namespace name'),
}, {
  what: 'option of grant',
  refused: Object.fromEntries(PERMISSION_FIELDS.map((k) => [k, {
    why: "it is a field of a permission, and the permissions go in the list 'rules'",
    fix: "move it into a permission: rules: [{ resources: […], verbs: […] }]",
  }])),
});
const BIND_CLUSTER_ROLE_KEYS = spec.object<BindClusterRoleOptions>()({
  scope: spec.unchecked("'namespace' or 'cluster'"),
  namespace: spec.unchecked('a namespace name'),
}, { what: 'option of bindClusterRole' });
const PERMISSION_KEYS = spec.object<Partial<PermissionRule>>()({
  apiGroups: spec.unchecked("a list of API groups, e.g. ['', 'apps']"),
  resources: spec.unchecked("a list of resources, e.g. ['configmaps']"),
  verbs: spec.unchecked("a list of verbs, e.g. ['get', 'list']"),
  resourceNames: spec.unchecked("a list of object names, e.g. ['app-config']"),
}, { what: 'permission field' });
const RESOURCE = /^(\*|[a-z][a-z0-9.-]*(\/([a-z][a-z0-9-]*|\*))?)$/;

/**
 * The RBAC objects of one workload: one Role per namespace and one ClusterRole holding every
 * rule granted there, each with its binding to the workload's ServiceAccount; rules are rendered
 * lazily so later grants add to them.
 */
export class Permissions {
  private readonly roles = new Map<string, { rules: k8s.PolicyRule[] }>();
  private readonly bindings = new Set<string>();

  constructor(private readonly subject: RbacSubject) {}

  /** True once any grant or binding exists (the pods then mount the API token). */
  public get any(): boolean {
    return this.roles.size > 0 || this.bindings.size > 0;
  }

  /** Adds rules to the Role (or ClusterRole) of the scope, creating it and its binding on first use. */
  public grant(options: GrantOptions, prop = 'grant'): void {
    const s = this.subject;
    if (!isObject(options)) {
      fail({
        scope: s, prop, message: 'needs the permissions to grant', value: options, allowed: "{ rules: [...], scope?, namespace? }",
        fix: "e.g. grant({ rules: [{ resources: ['configmaps'], verbs: ['get', 'watch'] }] })",
      });
    }
    // A permission written on the grant itself is answered below, with the rule moved into 'rules'.
    const ownRule = options.rules === undefined && PERMISSION_FIELDS.some((k) => (options as unknown as Record<string, unknown>)[k] !== undefined);
    if (!ownRule) checkArgs(s, [[GRANT_KEYS, options, prop]]);
    const scope = checkScope(s, `${prop}.scope`, options.scope);
    if (!Array.isArray(options.rules) || options.rules.length === 0) {
      fail({ scope: s, prop: `${prop}.rules`, message: 'must list at least one permission', value: options.rules, allowed: 'one or more permissions { resources, verbs }', fix: rulesFix(options, prop) });
    }
    const rules = options.rules.map((r, i) => checkRule(s, `${prop}.rules[${i}]`, r));
    if (scope === 'cluster' && options.namespace !== undefined) {
      fail({ scope: s, prop: `${prop}.namespace`, message: "is only for scope 'namespace': a cluster grant applies in every namespace", value: options.namespace, allowed: "namespace with scope 'namespace' only", fix: "drop 'namespace', or use scope: 'namespace'" });
    }
    const ns = scope === 'cluster' ? undefined : this.namespaceOf(prop, options.namespace);
    if (scope === 'cluster') this.requireNamespace(prop, 'a ClusterRoleBinding names the ServiceAccount with its namespace');
    const key = scope === 'cluster' ? '\0cluster' : ns ?? '';
    let role = this.roles.get(key);
    if (!role) {
      role = { rules: [] };
      this.roles.set(key, role);
      const state = role;
      const rendered = Lazy.any({ produce: () => state.rules.map((r) => ({ ...r })) });
      if (scope === 'cluster') {
        const name = this.clusterName();
        clusterScoped(new k8s.KubeClusterRole(s, 'ClusterRole', { metadata: { ...s.metadata(), name }, rules: rendered }));
        clusterScoped(new k8s.KubeClusterRoleBinding(s, 'ClusterRoleBinding', {
          metadata: { ...s.metadata(), name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
          subjects: [this.serviceAccountSubject(true)],
        }));
      } else {
        const id = ns === s.namespace ? '' : `-${ns}`;
        new k8s.KubeRole(s, `Role${id}`, { metadata: { ...s.metadata(), namespace: ns }, rules: rendered });
        new k8s.KubeRoleBinding(s, `RoleBinding${id}`, {
          metadata: { ...s.metadata(), namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: s.name },
          subjects: [this.serviceAccountSubject(ns !== s.namespace)],
        });
      }
    }
    role.rules.push(...rules);
  }

  /** Binds an existing ClusterRole (`view`, `edit`, your own) to the ServiceAccount. */
  public bindClusterRole(clusterRole: string, options: BindClusterRoleOptions = {}, prop = 'bindClusterRole'): void {
    const s = this.subject;
    if (typeof clusterRole !== 'string' || !/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(clusterRole) || clusterRole.length > 253) {
      fail({
        scope: s, prop, message: 'is not a ClusterRole name', value: clusterRole, allowed: "lowercase letters, digits, '-', '.' and ':', e.g. 'view'",
        fix: "pass the name of an existing ClusterRole, e.g. bindClusterRole('view')",
      });
    }
    if (!isObject(options)) {
      fail({ scope: s, prop: `${prop}.options`, message: 'must be an object', value: options, allowed: "{ scope?: 'namespace' | 'cluster', namespace? }", fix: 'leave it out, or pass { scope: \'cluster\' }' });
    }
    checkArgs(s, [[BIND_CLUSTER_ROLE_KEYS, options, prop]]);
    const scope = checkScope(s, `${prop}.scope`, options.scope);
    const ns = scope === 'cluster' ? undefined : this.namespaceOf(prop, options.namespace);
    if (scope === 'cluster') this.requireNamespace(prop, 'a ClusterRoleBinding names the ServiceAccount with its namespace');
    const key = `${scope}\0${ns ?? ''}\0${clusterRole}`;
    if (this.bindings.has(key)) {
      fail({ scope: s, prop, message: `binds the ClusterRole '${clusterRole}' twice`, value: clusterRole, allowed: 'each ClusterRole once', fix: 'remove the second call' });
    }
    this.bindings.add(key);
    const suffix = clusterRole.replace(/[:.]/g, '-');
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole };
    if (scope === 'cluster') {
      clusterScoped(new k8s.KubeClusterRoleBinding(s, `ClusterRoleBinding-${clusterRole}`, {
        metadata: { ...s.metadata(), name: `${this.clusterName()}-${suffix}` }, roleRef, subjects: [this.serviceAccountSubject(true)],
      }));
    } else {
      new k8s.KubeRoleBinding(s, `RoleBinding-${clusterRole}${ns === s.namespace ? '' : `-${ns}`}`, {
        metadata: { ...s.metadata(), name: `${s.name}-${suffix}`, namespace: ns }, roleRef, subjects: [this.serviceAccountSubject(ns !== s.namespace)],
      });
    }
  }

  // Cluster-scoped names are shared by every namespace: the namespace goes in front.
  private clusterName(): string {
    return `${this.subject.namespace}-${this.subject.name}`;
  }

  private serviceAccountSubject(withNamespace: boolean): k8s.Subject {
    const s = this.subject;
    return { kind: 'ServiceAccount', name: s.serviceAccount.name, namespace: withNamespace ? s.namespace : undefined };
  }

  private namespaceOf(prop: string, ns: string | undefined): string | undefined {
    if (ns === undefined || ns === this.subject.namespace) return this.subject.namespace;
    if (!isValidName(ns, NameRule.DNS_1123_LABEL)) fail({ scope: this.subject, prop: `${prop}.namespace`, message: 'is not a valid namespace name', value: ns, allowed: "a namespace name: lowercase letters, digits and '-', at most 63 characters", fix: "write the namespace's name, e.g. 'monitoring'" });
    this.requireNamespace(prop, 'a binding in another namespace names the ServiceAccount with its namespace');
    return ns;
  }

  private requireNamespace(prop: string, why: string): void {
    if (this.subject.namespace === undefined) {
      fail({ scope: this.subject, prop, message: `needs the chart to have a namespace: ${why}`, allowed: 'a TimonelChart with a namespace', fix: "set 'namespace' on the TimonelChart" });
    }
  }
}

// The chart stamps its namespace on every object; cluster-scoped ones must not carry it.
function clusterScoped(o: ApiObject): void {
  if (Chart.of(o).namespace !== undefined) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

function isObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkScope(scope: Construct, prop: string, value: GrantScope | undefined): GrantScope {
  const v = value ?? 'namespace';
  if (v !== 'namespace' && v !== 'cluster') fail({ scope, prop, message: 'is not a grant scope', value: v, allowed: "'namespace' or 'cluster'", fix: "leave it out for 'namespace' (a Role), or write 'cluster' (a ClusterRole)" });
  return v;
}

function checkRule(scope: Construct, prop: string, r: PermissionRule): k8s.PolicyRule {
  if (!isObject(r)) fail({ scope, prop, message: 'must be a permission', value: r, allowed: '{ resources, verbs, apiGroups?, resourceNames? }', fix: "e.g. { resources: ['configmaps'], verbs: ['get'] }" });
  checkArgs(scope, [[PERMISSION_KEYS, r, prop]]);
  const nonEmpty = (field: 'resources' | 'verbs', list: unknown) => {
    if (!Array.isArray(list) || list.length === 0) fail({ scope, prop: `${prop}.${field}`, message: 'must list at least one entry', value: list, allowed: field === 'verbs' ? "a list of at least one verb, e.g. ['get', 'list']" : "a list of at least one resource, e.g. ['configmaps']", fix: field === 'verbs' ? "e.g. verbs: ['get']" : "e.g. resources: ['configmaps']" });
  };
  nonEmpty('resources', r.resources);
  nonEmpty('verbs', r.verbs);
  checkValue(spec.array(spec.oneOf(RBAC_VERBS)), r.verbs, scope, `${prop}.verbs`);
  const apiGroups = r.apiGroups ?? [''];
  for (const res of r.resources) {
    if (typeof res !== 'string' || !RESOURCE.test(res)) {
      const near = typeof res === 'string' ? builtinNear(res.toLowerCase().replace(/\s+/g, ''), Array.isArray(apiGroups) ? apiGroups : ['']) : undefined;
      fail({
        scope, prop: `${prop}.resources`, message: 'has an invalid resource', value: res, allowed: "a lowercase plural resource such as 'configmaps', a subresource such as 'pods/log', or '*'",
        fix: near ? `resources are lowercase plurals: write '${near.resource}'${near.groupFix ?? ''}` : 'resources are lowercase plurals, as `kubectl api-resources` lists them',
      });
    }
  }
  if (!Array.isArray(apiGroups)) fail({ scope, prop: `${prop}.apiGroups`, message: 'must be a list of API groups', value: apiGroups, allowed: "a list of API groups, e.g. ['', 'apps']", fix: `wrap it in brackets: [${JSON.stringify(apiGroups)}]` });
  for (const g of apiGroups) {
    if (typeof g !== 'string' || (g !== '' && g !== '*' && !isValidName(g, NameRule.DNS_1123_SUBDOMAIN))) {
      fail({ scope, prop: `${prop}.apiGroups`, message: 'has an invalid API group', value: g, allowed: "'' (the core group), a group such as 'apps' or 'batch', or '*'", fix: "write the group without its version ('apps', not 'apps/v1'; '' for v1): kubectl api-resources lists them" });
    }
  }
  checkBuiltinResources(scope, prop, apiGroups, r.resources);
  if (r.resourceNames !== undefined) {
    if (!Array.isArray(r.resourceNames)) fail({ scope, prop: `${prop}.resourceNames`, message: 'must be a list of object names', value: r.resourceNames, allowed: "a list of object names, e.g. ['app-config']", fix: `wrap it in brackets: [${JSON.stringify(r.resourceNames)}]` });
    const bad = r.verbs.filter((v) => UNNAMEABLE.includes(v) || v === '*');
    if (bad.length) {
      fail({
        scope, prop: `${prop}.resourceNames`, message: `cannot restrict ${bad.map((v) => `'${v}'`).join(', ')}: Kubernetes does not check names for list, watch, create or deletecollection`,
        value: r.resourceNames, allowed: "resourceNames with verbs other than list, watch, create, deletecollection and '*'", fix: 'put those verbs in a rule without resourceNames',
      });
    }
    for (const n of r.resourceNames) {
      if (typeof n !== 'string' || n.length === 0) fail({ scope, prop: `${prop}.resourceNames`, message: 'has an empty name', value: n, allowed: 'non-empty object names', fix: 'remove the empty name' });
    }
  }
  return { apiGroups: [...apiGroups], resources: [...r.resources], verbs: [...r.verbs], resourceNames: r.resourceNames ? [...r.resourceNames] : undefined };
}

// The fix of a grant without rules: a rule written on the grant itself ({ resources, verbs })
// moves into `rules`, with the user's values.
function rulesFix(options: object, prop: string): string {
  const o = options as Record<string, unknown>;
  const own = Object.fromEntries(['apiGroups', 'resources', 'resourceNames', 'verbs'].filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  const rule = Object.keys(own).length ? tsLiteral(own) : "{ resources: ['configmaps'], verbs: ['get', 'watch'] }";
  const rest = ['scope', 'namespace'].filter((k) => o[k] !== undefined).map((k) => `, ${k}: ${tsLiteral(o[k])}`).join('');
  const grant = `{ rules: [${rule}]${rest} }`;
  const written = prop === 'grant' ? `grant(${grant})` : grant;
  return Object.keys(own).length ? `put the rule in a list under 'rules': ${written}` : `list the permissions, e.g. ${written}`;
}

const K8S = 'Kubernetes 1.28';
const REMOVED: Readonly<Record<string, string>> = {
  podsecuritypolicies: 'PodSecurityPolicy was removed in Kubernetes 1.25: Pod Security admission replaces it (the chart\'s podSecurity)',
};

function groupsText(groups: readonly string[]): string {
  return groups.map((g) => (g === '' ? "'' (core)" : `'${g}'`)).join(', ');
}

/** Built-in groups (of `among`, else all) that serve `resource`. */
function groupsServing(resource: string, among?: readonly string[]): string[] {
  return (among ?? Object.keys(BUILTIN_RESOURCES)).filter((g) => BUILTIN_RESOURCES[g]?.[resource] !== undefined);
}

/**
 * The built-in resource closest to a misspelt one ('configmap' -> 'configmaps'): in the rule's
 * groups first, else in any built-in group (then with the apiGroups to write).
 */
function builtinNear(resource: string, ruleGroups: readonly unknown[]): { resource: string; groupFix?: string } | undefined {
  const [base, sub] = resource.split('/');
  const withSub = (r: string) => (sub === undefined ? r : `${r}/${sub}`);
  const own = ruleGroups.filter((g): g is string => typeof g === 'string' && BUILTIN_RESOURCES[g] !== undefined);
  const inRule = closest(base, [...new Set(own.flatMap((g) => Object.keys(BUILTIN_RESOURCES[g])))]);
  if (inRule !== undefined) return { resource: withSub(inRule) };
  const anywhere = closest(base, [...new Set(Object.values(BUILTIN_RESOURCES).flatMap((rs) => Object.keys(rs)))]);
  if (anywhere === undefined) return undefined;
  return { resource: withSub(anywhere), groupFix: ` with apiGroups: ['${groupsServing(anywhere)[0]}']` };
}

/**
 * A built-in resource named in none of the rule's API groups, or misspelt, grants nothing (the
 * API answers 403 at run time). Only rules whose groups are all built-in are checked: a custom
 * resource's group (e.g. 'monitoring.coreos.com') or '*' leaves the rule as written.
 */
function checkBuiltinResources(scope: Construct, prop: string, apiGroups: readonly string[], resources: readonly string[]): void {
  if (apiGroups.length === 0 || apiGroups.some((g) => BUILTIN_RESOURCES[g] === undefined)) return;
  const allowed = `a resource that API group${apiGroups.length > 1 ? 's' : ''} ${groupsText(apiGroups)} serve${apiGroups.length > 1 ? '' : 's'} in ${K8S} (lowercase plural, e.g. '${apiGroups[0] === '' ? 'configmaps' : Object.keys(BUILTIN_RESOURCES[apiGroups[0]])[0]}'), a subresource of one, or '*'`;
  resources.forEach((res, i) => {
    if (res === '*') return;
    const at = `${prop}.resources[${i}]`;
    const [base, sub] = res.split('/');
    const serving = groupsServing(base, apiGroups);
    if (serving.length === 0) {
      const elsewhere = groupsServing(base);
      if (elsewhere.length > 0) {
        const g = elsewhere[0];
        fail({
          scope, prop: at, message: `is not in the API group${apiGroups.length > 1 ? 's' : ''} ${groupsText(apiGroups)} of the rule but in '${g}': the rule grants nothing`,
          value: res, allowed,
          fix: apiGroups.length === 1 && resources.length === 1
            ? `write apiGroups: ['${g}']`
            : `put '${res}' in a rule with apiGroups: ['${g}'] (or add '${g}' to this rule's apiGroups)`,
        });
      }
      const near = builtinNear(base, apiGroups);
      const withSub = (r: string) => (sub === undefined ? r : `${r}/${sub}`);
      fail({
        scope, prop: at, message: `is not a resource of API group${apiGroups.length > 1 ? 's' : ''} ${groupsText(apiGroups)} in ${K8S}: the rule grants nothing`,
        value: res, allowed,
        fix: REMOVED[base] ?? (near
          ? `did you mean '${withSub(near.resource.split('/')[0])}'${near.groupFix ?? ''}?`
          : 'write the lowercase plural `kubectl api-resources` lists; for a custom resource, set apiGroups to its group (e.g. [\'monitoring.coreos.com\'])'),
      });
    }
    if (sub === undefined || sub === '*') return;
    const subs = [...new Set(serving.flatMap((g) => BUILTIN_RESOURCES[g][base]))];
    if (subs.includes('*') || subs.includes(sub)) return;
    const near = closest(sub, subs);
    fail({
      scope, prop: at, message: `names a subresource that '${base}' does not have in ${K8S}: the rule grants nothing`, value: res,
      allowed: subs.length ? `'${base}' or ${subs.map((s) => `'${base}/${s}'`).join(', ')}` : `'${base}' (it has no subresources)`,
      fix: near ? `did you mean '${base}/${near}'?` : `write '${base}'${subs.length ? ` or one of its subresources, e.g. '${base}/${subs[0]}'` : ''}`,
    });
  });
}
