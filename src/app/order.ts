/**
 * Apply order: what must exist before what refers to it. Objects of kinds not listed
 * (custom resources) come last. Within a rank, the construct order is kept (stable sort).
 */
export const APPLY_ORDER: readonly string[] = [
  'Namespace',
  'ResourceQuota',
  'LimitRange',
  'PriorityClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'ExternalSecret',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Service',
  'Pod',
  // Stores before the apps that connect to them (connectTo keeps targets first within a kind).
  'StatefulSet',
  'Deployment',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
  'HTTPRoute',
  'NetworkPolicy',
];

const RANK = new Map(APPLY_ORDER.map((k, i) => [k, i]));

/** The position of a kind in the apply order; unknown kinds (custom resources) sort last. */
export function applyRank(kind: string): number {
  return RANK.get(kind) ?? APPLY_ORDER.length;
}

/** Returns a new array with the manifests in apply order; equal ranks keep their order. */
export function orderForApply<T extends { kind?: string }>(manifests: readonly T[]): T[] {
  return manifests
    .map((m, i) => ({ m, i, r: applyRank(m?.kind ?? '') }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.m);
}
