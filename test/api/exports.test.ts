import * as api from '../../src/index';

// What `import { … } from 'timonel'` offers at run time. A change here is a change of the public
// API: add a name on purpose (with TSDoc and docs/api), never an internal helper by `export *`
// (the storage helpers presetData, resolveClaims, annotateEphemeral, oneOf and ACCESS_MODES were).
test('the public entry exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'APPLYSET_PART_OF', 'ARGOCD_HOOK', 'ARGOCD_HOOK_DELETE_POLICY', 'ARGOCD_SYNC_WAVE', 'App', 'BatchJob', 'ConfigExposure', 'ConfigSource',
    'DEFAULTS', 'EgressTarget', 'EnvValue', 'Environments', 'ExternalSecret', 'HttpRoute', 'LABELS', 'Migration', 'NameRule', 'NetworkAccess', 'NodeAgent',
    'PodBuilder', 'Policy', 'PolicyError', 'PostgreSQL', 'Probe', 'Profile', 'Redis', 'ServedWorkload', 'StatefulStore', 'StoreCredentials',
    'TimonelChart', 'TimonelError', 'TrafficEvaluator', 'WebApp', 'Worker', 'Workload', 'applySetId', 'defineRule', 'deriveName', 'enforcePolicies',
    'envPrefixFromId', 'helmChartFiles', 'isConnectable', 'isSecretSource', 'parseQuantity', 'patchManifest', 'runPolicies', 'selectorLabels', 'shortenName', 'standardLabels',
    'syncWaves', 'validateCronSchedule', 'validateName', 'validateProps', 'validateTimeZone', 'writeHelmChart',
  ]);
});
