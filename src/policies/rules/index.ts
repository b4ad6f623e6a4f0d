import { Rule } from '../rule';
import apiContainerImage from './api-container-image';
import apiObjectName from './api-object-name';
import apiLabels from './api-labels';
import apiAnnotations from './api-annotations';
import apiPortName from './api-port-name';
import apiPortNumber from './api-port-number';
import apiPodNames from './api-pod-names';
import apiPodContainers from './api-pod-containers';
import apiSelectorMatch from './api-selector-match';
import apiRestartPolicy from './api-restart-policy';
import apiResources from './api-resources';
import apiEnvNames from './api-env-names';
import apiVolumeMounts from './api-volume-mounts';
import apiConfigData from './api-config-data';
import apiCronSchedule from './api-cron-schedule';
import apiHpaReplicas from './api-hpa-replicas';
import apiPdbSpec from './api-pdb-spec';
import apiWorkloadCounts from './api-workload-counts';
import apiRollingUpdate from './api-rolling-update';
import apiIpBlock from './api-ip-block';
import pssBaselineHostNamespaces from './pss-baseline-host-namespaces';
import pssBaselinePrivileged from './pss-baseline-privileged';
import pssBaselineCapabilities from './pss-baseline-capabilities';
import pssBaselineHostPath from './pss-baseline-host-path';
import pssBaselineHostPorts from './pss-baseline-host-ports';
import pssBaselineApparmor from './pss-baseline-apparmor';
import pssBaselineSelinux from './pss-baseline-selinux';
import pssBaselineProcMount from './pss-baseline-proc-mount';
import pssBaselineSeccomp from './pss-baseline-seccomp';
import pssBaselineSysctls from './pss-baseline-sysctls';
import pssRestrictedVolumeTypes from './pss-restricted-volume-types';
import pssRestrictedPrivilegeEscalation from './pss-restricted-privilege-escalation';
import pssRestrictedRunAsNonRoot from './pss-restricted-run-as-non-root';
import pssRestrictedRunAsUser from './pss-restricted-run-as-user';
import pssRestrictedSeccomp from './pss-restricted-seccomp';
import pssRestrictedCapabilities from './pss-restricted-capabilities';
import refDuplicateObject from './ref-duplicate-object';
import refServiceSelector from './ref-service-selector';
import refBackendService from './ref-backend-service';
import refBackendPort from './ref-backend-port';
import refScaleTarget from './ref-scale-target';
import refPdbSelector from './ref-pdb-selector';
import refMissingDependency from './ref-missing-dependency';
import refUnreachableService from './ref-unreachable-service';
import practiceRequests from './practice-requests';
import practiceMemoryLimit from './practice-memory-limit';
import practiceProbes from './practice-probes';
import practiceImagePinned from './practice-image-pinned';
import practiceReadOnlyRootFs from './practice-read-only-root-fs';
import practiceDisruptionBudget from './practice-disruption-budget';
import practicePdbBlocksEviction from './practice-pdb-blocks-eviction';
import practiceReplicasWithAutoscaler from './practice-replicas-with-autoscaler';
import practiceProgressDeadline from './practice-progress-deadline';
import practiceRevisionHistory from './practice-revision-history';
import practiceStatefulsetPartition from './practice-statefulset-partition';
import practiceSurgeHostPort from './practice-surge-host-port';
import practicePodSecurityLowered from './practice-pod-security-lowered';
import practiceSpread from './practice-spread';
import practiceEphemeralData from './practice-ephemeral-data';
import practiceSingleInstance from './practice-single-instance';
import practicePreStopSleep from './practice-prestop-sleep';
import practicePrivilegedPort from './practice-privileged-port';
import practiceGracefulStop from './practice-graceful-stop';
import practiceNetworkPolicy from './practice-network-policy';
import practiceEgressEveryAddress from './practice-egress-every-address';
import practiceSecretLiteral from './practice-secret-literal';
import practiceEnvSecretLiteral from './practice-env-secret-literal';
import practiceServiceExposure from './practice-service-exposure';
import practiceDuplicateCertificate from './practice-duplicate-certificate';
import practiceRbacWildcard from './practice-rbac-wildcard';
import practiceRbacClusterAdmin from './practice-rbac-cluster-admin';
import practiceRbacSecrets from './practice-rbac-secrets';
import policySuppression from './policy-suppression';

/** Every built-in rule, in the order findings are reported: API rejections, Pod Security baseline and restricted, consistency, practice. */
export const RULES: readonly Rule[] = [
  apiObjectName,
  apiLabels,
  apiAnnotations,
  apiPortName,
  apiPortNumber,
  apiPodContainers,
  apiPodNames,
  apiContainerImage,
  apiSelectorMatch,
  apiRestartPolicy,
  apiResources,
  apiEnvNames,
  apiVolumeMounts,
  apiConfigData,
  apiCronSchedule,
  apiHpaReplicas,
  apiPdbSpec,
  apiWorkloadCounts,
  apiRollingUpdate,
  apiIpBlock,
  pssBaselineHostNamespaces,
  pssBaselinePrivileged,
  pssBaselineCapabilities,
  pssBaselineHostPath,
  pssBaselineHostPorts,
  pssBaselineApparmor,
  pssBaselineSelinux,
  pssBaselineProcMount,
  pssBaselineSeccomp,
  pssBaselineSysctls,
  pssRestrictedVolumeTypes,
  pssRestrictedPrivilegeEscalation,
  pssRestrictedRunAsNonRoot,
  pssRestrictedRunAsUser,
  pssRestrictedSeccomp,
  pssRestrictedCapabilities,
  refDuplicateObject,
  refServiceSelector,
  refBackendService,
  refBackendPort,
  refScaleTarget,
  refPdbSelector,
  refMissingDependency,
  refUnreachableService,
  practiceRequests,
  practiceMemoryLimit,
  practiceProbes,
  practiceImagePinned,
  practiceReadOnlyRootFs,
  practiceDisruptionBudget,
  practicePdbBlocksEviction,
  practiceReplicasWithAutoscaler,
  practiceProgressDeadline,
  practiceRevisionHistory,
  practiceStatefulsetPartition,
  practiceSurgeHostPort,
  practicePodSecurityLowered,
  practiceSpread,
  practiceSingleInstance,
  practicePreStopSleep,
  practicePrivilegedPort,
  practiceGracefulStop,
  practiceEphemeralData,
  practiceNetworkPolicy,
  practiceEgressEveryAddress,
  practiceSecretLiteral,
  practiceEnvSecretLiteral,
  practiceServiceExposure,
  practiceDuplicateCertificate,
  practiceRbacWildcard,
  practiceRbacClusterAdmin,
  practiceRbacSecrets,
  policySuppression(() => RULE_IDS),
];

/** Rules by id. */
/** Every rule's id, in catalogue order. */
export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));

/** The position of each rule in RULES (profiles store levels in that order). */
export const RULE_INDEX: ReadonlyMap<string, number> = new Map(RULES.map((r, i) => [r.id, i]));
