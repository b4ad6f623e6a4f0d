import { Testing } from 'cdk8s';
import { TimonelChart } from '../../src/app/chart';
import { BatchJob } from '../../src/constructs/batch-job';
import { WebApp } from '../../src/constructs/web-app';
import { Worker, WorkerProps } from '../../src/constructs/worker';
import { TimonelError } from '../../src/core/errors';
import { findObject, findObjects, podSpecOf, synth } from '../../src/testing';
import '../../src/testing/jest';
import { expectValidManifests } from '../support/schema';

const IMAGE = 'ghcr.io/acme/operator:0.4.0';
const LEASES = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] as const };

function chart(namespace: string | null = 'ops'): TimonelChart {
  return new TimonelChart(Testing.app(), 'ops', namespace ? { namespace } : {});
}

function worker(props: Partial<WorkerProps> = {}, c = chart()): Worker {
  return new Worker(c, 'ctl', { image: IMAGE, replicas: 1, ...props });
}

describe('grant', () => {
  test('no grant: no RBAC objects and no token in the pods', () => {
    const objs = synth(worker());
    expect(findObjects(objs, 'Role')).toEqual([]);
    expect(podSpecOf(findObject(objs, 'Deployment')).automountServiceAccountToken).toBe(false);
  });

  test('a namespaced grant: a Role and RoleBinding <name>, and the token mounted', () => {
    const w = worker({ permissions: [{ rules: [{ ...LEASES, verbs: [...LEASES.verbs] }] }] });
    const objs = synth(w);
    expect(objs).toHaveObject('Role', 'ops-ctl', {
      metadata: { namespace: 'ops' },
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }],
    });
    expect(objs).toHaveObject('RoleBinding', 'ops-ctl', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ops-ctl' },
      subjects: [{ kind: 'ServiceAccount', name: 'ops-ctl' }],
    });
    expect(podSpecOf(findObject(objs, 'Deployment')).automountServiceAccountToken).toBe(true);
    expect(findObject(objs, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(objs.map((o) => o.kind).filter((k) => k !== 'NetworkPolicy').slice(0, 3)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
  });

  test('later grants add rules to the same Role; named objects; the core group by default', () => {
    const w = worker();
    w.grant({ rules: [{ resources: ['configmaps'], verbs: ['get'], resourceNames: ['ctl-state'] }] });
    w.grant({ rules: [{ resources: ['pods'], verbs: ['list', 'watch'] }] });
    const role = findObject(synth(w), 'Role');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['ctl-state'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
    ]);
  });

  test('a cluster grant: ClusterRole and ClusterRoleBinding <namespace>-<name>, subject with its namespace', () => {
    const w = worker().grant({ scope: 'cluster', rules: [{ resources: ['nodes'], verbs: ['get', 'list', 'watch'] }] });
    const objs = synth(w);
    expect(objs).toHaveObject('ClusterRole', 'ops-ops-ctl', { rules: [{ resources: ['nodes'] }] });
    expect(findObject(objs, 'ClusterRole').metadata.namespace).toBeUndefined();
    expect(objs).toHaveObject('ClusterRoleBinding', 'ops-ops-ctl', {
      roleRef: { kind: 'ClusterRole', name: 'ops-ops-ctl' }, subjects: [{ kind: 'ServiceAccount', name: 'ops-ctl', namespace: 'ops' }],
    });
    expectValidManifests(objs);
  });

  test('a grant in another namespace: a Role there, bound to the ServiceAccount of this one', () => {
    const objs = synth(worker().grant({ namespace: 'shop', rules: [{ resources: ['configmaps'], verbs: ['get'] }] }));
    const rb = findObject(objs, 'RoleBinding');
    expect([findObject(objs, 'Role').metadata.namespace, rb.metadata.namespace]).toEqual(['shop', 'shop']);
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'ops-ctl', namespace: 'ops' }]);
  });

  test('bindClusterRole: a RoleBinding <name>-<role>, or a ClusterRoleBinding', () => {
    const w = worker().bindClusterRole('view').bindClusterRole('system:auth-delegator', { scope: 'cluster' });
    const objs = synth(w);
    expect(objs).toHaveObject('RoleBinding', 'ops-ctl-view', { roleRef: { kind: 'ClusterRole', name: 'view' } });
    expect(objs).toHaveObject('ClusterRoleBinding', 'ops-ops-ctl-system-auth-delegator', { roleRef: { name: 'system:auth-delegator' } });
    expect(podSpecOf(findObject(objs, 'Deployment')).automountServiceAccountToken).toBe(true);
    expectValidManifests(objs);
  });

  test('works on every workload: WebApp and a CronJob through props or the verb', () => {
    const c = chart();
    new WebApp(c, 'web', { image: IMAGE, permissions: [{ rules: [{ resources: ['configmaps'], verbs: ['get'] }] }] });
    new BatchJob(c, 'gc', { image: IMAGE, schedule: '@daily', permissions: [{ rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'delete'] }] }] });
    const objs = synth(c);
    expect(findObjects(objs, 'Role').map((r) => r.metadata.name)).toEqual(['ops-web', 'ops-gc']);
    expect(podSpecOf(findObject(objs, 'CronJob')).automountServiceAccountToken).toBe(true);
    expect(c).toPassPolicies();
  });

  test('the policies flag wildcards, Secrets access and cluster-admin', () => {
    const c = chart();
    worker({}, c).grant({ rules: [{ resources: ['secrets'], verbs: ['*'] }] });
    expect(c).toPassPolicies();
    const c2 = chart();
    worker({}, c2).bindClusterRole('cluster-admin', { scope: 'cluster' });
    expect(c2).not.toPassPolicies();
    expect(() => synth(c2)).toThrow(/practice-rbac-cluster-admin/);
  });
});

describe('grant bad input', () => {
  test.each<[string, (w: Worker) => void, RegExp]>([
    ['there are no rules', (w) => w.grant({ rules: [] }), /\[ops\/ctl\] 'grant\.rules' must list at least one permission/],
    ['a verb is unknown', (w) => w.grant({ rules: [{ resources: ['pods'], verbs: ['read' as any] }] }), /'grant\.rules\[0\]\.verbs\[0\]' is not one of the allowed values, got 'read'. Allowed: 'get', 'list'/],
    ['a verb is in capitals', (w) => w.grant({ rules: [{ resources: ['pods'], verbs: ['get', 'LIST' as any] }] }), /'grant\.rules\[0\]\.verbs\[1\]' is not one of the allowed values, got 'LIST'\. Allowed: .*\. Fix: did you mean 'list'\?$/],
    ['a resource is a kind', (w) => w.grant({ rules: [{ resources: ['ConfigMap'], verbs: ['get'] }] }), /'grant\.rules\[0\]\.resources' has an invalid resource, got 'ConfigMap'.*Fix: resources are lowercase plurals: write 'configmaps'$/],
    ['a resource is a kind of another group', (w) => w.grant({ rules: [{ resources: ['Deployment'], verbs: ['get'] }] }), /got 'Deployment'.*Fix: resources are lowercase plurals: write 'deployments' with apiGroups: \['apps'\]$/],
    ['a built-in resource is singular (grants nothing)', (w) => w.grant({ rules: [{ resources: ['configmap'], verbs: ['get'] }] }),
      /^\[ops\/ctl\] 'grant\.rules\[0\]\.resources\[0\]' is not a resource of API group '' \(core\) in Kubernetes 1\.28: the rule grants nothing, got 'configmap'\. Allowed: .*'configmaps'.*\. Fix: did you mean 'configmaps'\?$/],
    ['a built-in resource is misspelt', (w) => w.grant({ rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leasess'], verbs: ['get'] }] }), /'grant\.rules\[0\]\.resources\[0\]' is not a resource of API group 'coordination\.k8s\.io'.*got 'leasess'.*Fix: did you mean 'leases'\?$/],
    ['a built-in resource is in the core group by default but belongs to apps', (w) => w.grant({ rules: [{ resources: ['deployments'], verbs: ['get'] }] }),
      /^\[ops\/ctl\] 'grant\.rules\[0\]\.resources\[0\]' is not in the API group '' \(core\) of the rule but in 'apps': the rule grants nothing, got 'deployments'\. Allowed: .*\. Fix: write apiGroups: \['apps'\]$/],
    ['a singular resource of another group', (w) => w.grant({ rules: [{ resources: ['deployment'], verbs: ['get'] }] }), /got 'deployment'.*Fix: did you mean 'deployments' with apiGroups: \['apps'\]\?$/],
    ['one resource of a rule is in another group', (w) => w.grant({ rules: [{ apiGroups: ['apps'], resources: ['deployments', 'configmaps'], verbs: ['get'] }] }),
      /'grant\.rules\[0\]\.resources\[1\]' is not in the API group 'apps' of the rule but in '': .*got 'configmaps'.*Fix: put 'configmaps' in a rule with apiGroups: \[''\] \(or add '' to this rule's apiGroups\)$/],
    ['a subresource is misspelt', (w) => w.grant({ rules: [{ resources: ['pods/logs'], verbs: ['get'] }] }), /'grant\.rules\[0\]\.resources\[0\]' names a subresource that 'pods' does not have in Kubernetes 1\.28.*got 'pods\/logs'.*Fix: did you mean 'pods\/log'\?$/],
    ['a resource removed from Kubernetes is granted', (w) => w.grant({ rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] }] }), /got 'podsecuritypolicies'.*Fix: PodSecurityPolicy was removed in Kubernetes 1\.25/],
    ['an API group is invalid', (w) => w.grant({ rules: [{ apiGroups: ['Apps'], resources: ['deployments'], verbs: ['get'] }] }), /'grant\.rules\[0\]\.apiGroups' has an invalid API group, got 'Apps'/],
    ['names restrict list', (w) => w.grant({ rules: [{ resources: ['configmaps'], verbs: ['get', 'list'], resourceNames: ['a'] }] }), /'grant\.rules\[0\]\.resourceNames' cannot restrict 'list': Kubernetes does not check names for list, watch, create or deletecollection/],
    ['a cluster grant has a namespace', (w) => w.grant({ scope: 'cluster', namespace: 'x', rules: [{ resources: ['nodes'], verbs: ['get'] }] }), /'grant\.namespace' is only for scope 'namespace'/],
    ['the scope is unknown', (w) => w.grant({ scope: 'global' as any, rules: [{ resources: ['nodes'], verbs: ['get'] }] }), /'grant.scope' is not a grant scope, got 'global'/],
    ['a ClusterRole is bound twice', (w) => { w.bindClusterRole('view'); w.bindClusterRole('view'); }, /'bindClusterRole' binds the ClusterRole 'view' twice/],
    ['a ClusterRole name is invalid', (w) => w.bindClusterRole('View'), /'bindClusterRole' is not a ClusterRole name, got 'View'/],
    ['the grant is undefined', (w) => w.grant(undefined as any), /^\[ops\/ctl\] 'grant' needs the permissions to grant, got undefined\..*Fix: e\.g\. grant\(\{ rules:/],
    ['the grant is null', (w) => w.grant(null as any), /^\[ops\/ctl\] 'grant' needs the permissions to grant, got null/],
    ['a rule is null', (w) => w.grant({ rules: [null as any] }), /^\[ops\/ctl\] 'grant\.rules\[0\]' must be a permission, got null/],
    ['resourceNames is not a list', (w) => w.grant({ rules: [{ resources: ['configmaps'], verbs: ['get'], resourceNames: 'app' as any }] }), /'grant\.rules\[0\]\.resourceNames' must be a list of object names, got 'app'.*Fix: wrap it in brackets: \["app"\]/],
    ['apiGroups is not a list', (w) => w.grant({ rules: [{ resources: ['pods'], verbs: ['get'], apiGroups: 'apps' as any }] }), /'grant\.rules\[0\]\.apiGroups' must be a list of API groups, got 'apps'/],
    ['a ClusterRole name is a number', (w) => w.bindClusterRole(123 as any), /^\[ops\/ctl\] 'bindClusterRole' is not a ClusterRole name, got 123\..*Fix: pass the name of an existing ClusterRole/],
    ['bindClusterRole options are null', (w) => w.bindClusterRole('view', null as any), /^\[ops\/ctl\] 'bindClusterRole\.options' must be an object, got null/],
  ])('fails when %s', (_what, call, message) => {
    expect(() => call(worker())).toThrow(message);
    expect(() => call(worker())).toThrow(TimonelError);
  });

  test('built-in resources in their groups, subresources, custom resources and wildcards pass', () => {
    const w = worker();
    w.grant({ rules: [
      { apiGroups: ['', 'apps'], resources: ['pods', 'deployments', 'deployments/scale', 'pods/log', 'pods/*', 'endpoints'], verbs: ['get'] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: ['get'] },
      { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'prometheusrules/status'], verbs: ['get'] },
      { apiGroups: ['*'], resources: ['anything'], verbs: ['get'] },
      { resources: ['*'], verbs: ['get'] },
      { resources: ['serviceaccounts', 'users', 'groups'], verbs: ['impersonate'] },
      { apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['example.com/signer'], verbs: ['approve'] },
    ] });
    expect(findObject(synth(w, { policies: false }), 'Role').rules).toHaveLength(7);
  });

  test('fails when a cluster grant is made in a chart without a namespace', () => {
    expect(() => worker({}, chart(null)).grant({ scope: 'cluster', rules: [{ resources: ['nodes'], verbs: ['get'] }] })).toThrow(
      /'grant' needs the chart to have a namespace: a ClusterRoleBinding names the ServiceAccount with its namespace/,
    );
  });

  test('fails when permissions in props are malformed (the props spec)', () => {
    expect(() => worker({ permissions: [{ rules: [{ resources: ['pods'], verbs: ['read' as any] }] }] })).toThrow(/'permissions\[0\]\.rules\[0\]\.verbs\[0\]'/);
  });
});

describe('grant and bindClusterRole option keys', () => {
  const NODES = [{ resources: ['nodes'], verbs: ['get' as const] }];
  const rbacKinds = (w: Worker) => synth(w, { policies: false }).map((o) => o.kind).filter((k) => /Role/.test(k));

  test('fails when a grant option is misspelt (it wrote a namespaced Role), and the fix writes the ClusterRole', () => {
    expect(() => worker().grant({ rules: NODES, scop: 'cluster' } as any)).toThrow(
      "[ops/ctl] 'grant.scop' is not a known option of grant, got 'cluster'. Allowed: 'rules', 'scope', 'namespace'. Fix: did you mean 'scope'?",
    );
    expect(rbacKinds(worker().grant({ rules: NODES, scope: 'cluster' }))).toEqual(['ClusterRole', 'ClusterRoleBinding']);
  });

  test("fails when 'rules' is misspelt, with a did-you-mean rather than 'rules' missing", () => {
    expect(() => worker().grant({ rule: [{ resources: ['configmaps'], verbs: ['get'] }] } as any)).toThrow(
      /^\[ops\/ctl\] 'grant\.rule' is not a known option of grant, got \[\{"resources":\["configmaps"\],"verbs":\["get"\]\}\]\. Allowed: 'rules', 'scope', 'namespace'\. Fix: did you mean 'rules'\?$/,
    );
    expect(rbacKinds(worker().grant({ rules: [{ resources: ['configmaps'], verbs: ['get'] }] }))).toEqual(['Role', 'RoleBinding']);
  });

  test('fails when a permission field is misspelt', () => {
    expect(() => worker().grant({ rules: [{ resource: ['configmaps'], verbs: ['get'] }] } as any)).toThrow(
      "[ops/ctl] 'grant.rules[0].resource' is not a known permission field, got [\"configmaps\"]. Allowed: 'apiGroups', 'resources', 'verbs', 'resourceNames'. Fix: did you mean 'resources'?",
    );
  });

  test("fails when a permission's field sits beside 'rules'", () => {
    expect(() => worker().grant({ rules: NODES, verbs: ['list'] } as any)).toThrow(
      "[ops/ctl] 'grant.verbs' is not a known option of grant: it is a field of a permission, and the permissions go in the list 'rules', got [\"list\"]. "
      + "Allowed: 'rules', 'scope', 'namespace'. Fix: move it into a permission: rules: [{ resources: […], verbs: […] }]",
    );
  });

  test.each([
    ['scop', 'cluster', 'scope', ['ClusterRoleBinding']],
    ['namespce', 'shop', 'namespace', ['RoleBinding']],
  ])('fails when a bindClusterRole option is misspelt (%s: it wrote a RoleBinding in the own namespace), and the fix works', (typo, value, meant, kinds) => {
    expect(() => worker().bindClusterRole('view', { [typo]: value } as any)).toThrow(
      `[ops/ctl] 'bindClusterRole.${typo}' is not a known option of bindClusterRole, got '${value}'. Allowed: 'scope', 'namespace'. Fix: did you mean '${meant}'?`,
    );
    const objs = synth(worker().bindClusterRole('view', { [meant]: value }), { policies: false });
    expect(objs.filter((o) => /Role/.test(o.kind)).map((o) => o.kind)).toEqual(kinds);
    if (meant === 'namespace') expect(findObject(objs, 'RoleBinding').metadata.namespace).toBe('shop');
  });
});
