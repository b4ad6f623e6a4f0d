// The public API of timonel.
export { App } from './app/app';
export type { AppOutput, AppProps, ConstructMetadata, RenderOptions } from './app/app';
export type { RenderedFile } from './synth/synth';
export { patchManifest } from './synth/manifest-patch';
export { ARGOCD_HOOK, ARGOCD_HOOK_DELETE_POLICY, ARGOCD_SYNC_WAVE, syncWaves } from './app/delivery';
export { APPLYSET_PART_OF, applySetId } from './app/applyset';
export type { ApplySetOptions } from './app/applyset';
export type { DeliveryProps, DeliveryRepository, DeliveryStage, DeliveryTool } from './app/delivery';
export { Environments } from './app/environments';
export { helmChartFiles, writeHelmChart } from './app/helm';
export type { HelmChartOptions } from './app/helm';
export type { Environment, EnvironmentProps, EnvironmentsProps, Overrides } from './app/environments';
export { TimonelChart } from './app/chart';
export type { PodSecurityChoice, PodSecurityLevel, TimonelChartProps } from './app/chart';
export type { ApiServerRef, TrafficDefaults } from './core/traffic';
export { DEFAULTS } from './core/defaults';
export { EnvValue } from './core/env';
export { isSecretSource } from './core/secret-source';
export type { ISecretSource } from './core/secret-source';
export type { EnvMap } from './core/env';
export { TimonelError } from './core/errors';
export { validateProps } from './app/validate';
export type { ValidatedConstruct, ValidatePropsOptions } from './app/validate';
export type { TimonelErrorDetails } from './core/errors';
export { LABELS, selectorLabels, standardLabels } from './core/labels';
export { NameRule, deriveName, shortenName, validateName } from './core/names';
export { PodBuilder } from './workload/pod';
export type {
  ContainerProps, LazyAnnotations, LazyPodSpec, MainContainerExtras, MountSpec, PodProps, PodSpecOptions, PodTemplate, PodTemplateMetadata, ResourcesProps, SecurityProps, VolumeSpec,
} from './workload/pod';
export type { PortSpec } from './core/ports';
export { Probe } from './core/probes';
export type { GrpcProbeOptions, HttpProbeOptions, PortProbeOptions, ProbeTiming } from './core/probes';
export { parseQuantity } from './core/quantity';
export { validateCronSchedule, validateTimeZone } from './core/schedule';
export { ConfigExposure, Workload } from './workload/workload';
export type { WorkloadProps, WorkloadNaming } from './workload/workload';
export { ServedWorkload } from './workload/served-workload';
export type { ServingSpec } from './workload/served-workload';
export { ConfigSource } from './workload/config-source';
export type { BindClusterRoleOptions, GrantOptions, GrantScope, PermissionRule, RbacVerb } from './workload/rbac';
export type { ConfigEntry } from './workload/config-source';
export type { AutoscalingOptions, DeploymentRolloutOptions } from './workload/scaling';
export type { DrainOptions } from './workload/drain';
export type { ServiceIpFamilyOptions } from './workload/ip-families';
export type { MetricsOptions } from './workload/metrics';
export * from './constructs/web-app';
export type { IngressHostRule, IngressPath, IngressPathType, IngressTlsOptions } from './workload/ingress';
export type { RouteGatewayRef, RouteOptions, RoutePath } from './workload/route';
// The Gateway API binding (gateway.networking.k8s.io/v1 HTTPRoute), generated from its CRD.
export { HttpRoute } from '../imports/gateway.networking.k8s.io';
export type { HttpRouteSpec } from '../imports/gateway.networking.k8s.io';
export * from './constructs/batch-job';
export * from './constructs/migration';
export * from './constructs/worker';
export * from './constructs/node-agent';
export * from './constructs/external-secret';
export type { SecretStoreKind } from './workload/external-secret';
// Not `export *`: the folder's storage helpers (presetData, resolveClaims, ...) are the presets' own.
export { StatefulStore, StoreCredentials } from './constructs/stateful-store';
export type {
  AccessMode, BoundCredentials, ExternalSecretCredentialsOptions, InsecureLiteralsAcknowledgement, LiteralCredentials, PresetStorageOptions,
  SecretCredentialsOptions, StatefulStoreProps, StatefulStoreServiceOptions, StorageClaimProps,
} from './constructs/stateful-store';
export * from './constructs/presets/postgres';
export * from './constructs/presets/redis';
export { envPrefixFromId, isConnectable } from './workload/connections';
export { EgressTarget, NetworkAccess } from './workload/network';
export type {
  AdmitAnySourceOptions, AdmitIngressControllerOptions, AllowEgressOptions, AppEgressOptions, EgressPortsOptions, IngressControllerRef,
  InternetEgressOptions, ITrafficSubject, NamespaceEgressOptions, PodEgressOptions, TrafficPort, TrafficSubjectData,
} from './workload/network';
export type {
  Connection, ConnectionContainers, ConnectionEndpoint, ConnectionEnvForm, ConnectionEnvNames, ConnectionUrlOptions, ConnectOptions, AllowFromOptions,
  AllowFromPodsOptions, PodsAllowance, PodsRef, IConnectable, CredentialsRef, IConnectionClient,
} from './workload/connections';
export type { CredentialKeys, CredentialRole, DnsEgress } from './workload/endpoint';
export { Policy, Profile, PolicyError, runPolicies, enforcePolicies, defineRule } from './policies';
export type {
  CustomProfileOptions, Finding, PolicyOptions, PolicyReport, PolicyRunOptions, PolicySubject, ProfileLike, ProfileRule, RuleLevel, Severity, SuppressOptions,
  Rule, RuleDefinition, RuleCategory, Issue, Report, ReportOn, PolicyObject, PodView, ContainerView, ContainerList, ObjectSet, Selector,
} from './policies';
export { TrafficEvaluator } from './policies';
export type {
  TrafficEvaluatorOptions, TrafficQuery, TrafficPeer, TrafficPod, TrafficWorkloadRef, TrafficAddress, TrafficProtocol,
  TrafficVerdict, TrafficSide, TrafficWorkload,
} from './policies';
