import { DEFAULTS } from '../core/defaults';
import { isValidName, NameRule, suggestName } from '../core/names';
import { chartLabelMap, labelValue, nameSpec, trafficDefaults } from '../core/specs';
import { closest, keyPath, Spec, v } from '../core/validation';
import { PolicyOptions, PROFILE } from '../policies/policy';
import type { AppProps } from './app';
import type { ApplySetOptions } from './applyset';
import {
  DELIVERY_OPTION_TOOLS, DeliveryProps, DeliveryRepository, DeliveryTool, FLUX_DURATION_ALLOWED, fluxDurationProblem, relativePathProblem,
  repositoryUrlProblem,
} from './delivery';
import type { EnvironmentProps, EnvironmentsProps, Overrides } from './environments';
import type { PodSecurityChoice, TimonelChartProps } from './chart';
import { checkSuppressionReason, MIN_REASON_LENGTH } from '../policies/suppression';

/** The spec of TimonelChartProps. */
export const CHART_PROPS = v.object<TimonelChartProps>()({
  namespace: nameSpec(NameRule.DNS_1123_LABEL),
  createNamespace: v.boolean(),
  podSecurity: v.union(
    v.oneOf(['restricted', 'baseline', 'privileged'] as const),
    v.object<PodSecurityChoice>()({
      level: v.required(v.oneOf(['restricted', 'baseline', 'privileged'] as const)),
      reason: v.required(v.string({
        allowed: `a reason of at least ${MIN_REASON_LENGTH} characters`,
        check: (r) => { const p = checkSuppressionReason(r); return p ? { message: p, fix: "say why the namespace admits pods below 'restricted', e.g. 'the vendor agent runs as root (OPS-12)'" } : undefined; },
      })),
    }, { what: 'podSecurity option' }),
    "'restricted', 'baseline' or 'privileged', or { level, reason }",
  ),
  partOf: labelValue,
  policy: v.object<PolicyOptions>()({ profile: PROFILE }, { what: 'policy option' }),
  traffic: trafficDefaults,
  labels: chartLabelMap,
  disableResourceNameHashes: v.boolean(),
});

/** An output folder: the `outdir` of App and Environments, and $TIMONEL_OUTDIR. */
export const OUTDIR = v.string({
  nonEmpty: true, samples: ['dist'],
  check: (s) => (s.trim() === ''
    ? { message: 'is only whitespace', allowed: "a folder path such as 'dist'", fix: "write a folder such as 'dist', or leave it out for 'dist' (an empty TIMONEL_OUTDIR counts as unset)" }
    : s.includes('\0')
      ? { message: 'contains a NUL byte (\\0), which no file system allows in a path', allowed: "a folder path such as 'dist'", fix: 'remove the NUL byte' }
      : undefined),
});

// AppProps' fields; Environments' appProps takes them but the ones it sets itself.
const APP_FIELDS = {
  outdir: OUTDIR,
  outputFileExtension: v.string({ nonEmpty: true, samples: ['.k8s.yaml'] }),
  recordConstructMetadata: v.boolean(),
  delivery: v.oneOf(['kubectl', 'argocd', 'flux'] as const),
  traffic: trafficDefaults,
  name: v.string({ nonEmpty: true, samples: ['prod'] }),
  applySet: v.object<ApplySetOptions>()({
    name: v.required(nameSpec(NameRule.DNS_1123_SUBDOMAIN)),
    namespace: nameSpec(NameRule.DNS_1123_LABEL),
  }, { what: 'ApplySet option' }),
  resolvers: v.array(v.custom<NonNullable<AppProps['resolvers']>[number]>(
    'a resolver: an object with a resolve(context) method',
    (x) => (x !== null && typeof x === 'object' && typeof (x as { resolve?: unknown }).resolve === 'function' ? undefined : { message: 'is not a resolver' }),
    () => [],
  )),
};

/** The spec of AppProps. */
export const APP_PROPS = v.object<AppProps>()(APP_FIELDS);

const TOOL_NAMES: Record<DeliveryTool, string> = { kubectl: 'kubectl', argocd: 'Argo CD', flux: 'Flux' };

/** A Flux duration (`interval`, `timeout`): Flux's CRDs take units ms, s, m and h only. */
const fluxDuration: Spec<string> = v.string({ allowed: FLUX_DURATION_ALLOWED, samples: ['5m', '10m', '1h30m'], check: fluxDurationProblem });

/** The problem with an Argo CD destination server: the cluster's API server URL. */
function clusterServerProblem(s: string): { message: string; fix: string } | undefined {
  if (/^https?:\/\/[^/\s]+/.test(s)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return { message: 'is not an https:// URL', fix: `write 'https://${s.replace(/^[^:]+:\/\//, '')}'` };
  // 'prod.example.com:6443' is a server without its scheme; 'prod' is more likely a cluster's name in Argo CD.
  return /[.:]/.test(s)
    ? { message: 'has no scheme', fix: `write 'https://${s}'` }
    : { message: "is not a URL: Argo CD's destination is the cluster's API server URL", fix: "write the URL that 'argocd cluster list' shows for it, e.g. 'https://prod.example.com'" };
}

/** The spec of DeliveryProps. */
export const DELIVERY_PROPS = v.object<DeliveryProps>()({
  tool: v.required(v.oneOf(['kubectl', 'argocd', 'flux'] as const)),
  repository: v.object<DeliveryRepository>()({
    // Its form depends on the tool and the Flux source: checked with them, below.
    url: v.required(v.string({ nonEmpty: true, samples: ['https://github.com/acme/platform.git'] })),
    revision: v.string({ nonEmpty: true, samples: ['main', 'v1.2.0'] }),
    path: v.string({
      nonEmpty: true, samples: ['dist', 'deploy'], allowed: "a path from the repository root, such as 'dist' or 'deploy/dist' ('.' for the root)",
      check: (p) => relativePathProblem(p, 'dist', true),
    }),
  }, { what: 'repository option' }),
  folder: v.string({
    nonEmpty: true, samples: ['delivery'], allowed: "a folder inside the output folder, such as 'delivery'",
    check: (p) => relativePathProblem(p, 'delivery', false),
  }),
  namespace: nameSpec(NameRule.DNS_1123_LABEL),
  name: nameSpec(NameRule.DNS_1123_LABEL, 40),
  project: v.string({ nonEmpty: true, samples: ['default', 'platform'] }),
  clusters: v.record(v.string({
    nonEmpty: true, samples: ['https://kubernetes.default.svc'], allowed: "the cluster's API server URL, e.g. 'https://prod.example.com'", check: clusterServerProblem,
  }), { keys: ['dev', 'prod'] }),
  sourceRef: v.object<NonNullable<DeliveryProps['sourceRef']>>()({
    kind: v.required(v.oneOf(['GitRepository', 'OCIRepository'] as const)),
    name: v.required(nameSpec(NameRule.DNS_1123_SUBDOMAIN)),
  }, { what: 'sourceRef option' }),
  interval: fluxDuration,
  timeout: fluxDuration,
}, {
  what: 'delivery option',
  check: (d, r) => {
    // An option of another tool would be ignored without a word (clusters under Flux).
    for (const [option, value] of Object.entries(d)) {
      const tools = DELIVERY_OPTION_TOOLS[option];
      if (value === undefined || tools === undefined || tools.includes(d.tool)) continue;
      r.issue(option, {
        message: `is used by ${tools.map((t) => TOOL_NAMES[t]).join(' and ')} only, but 'tool' is '${d.tool}'`, value,
        allowed: `${option} with tool ${tools.map((t) => `'${t}'`).join(' or ')} only`, fix: `remove it, or set tool: '${tools[0]}'`,
      });
    }
    if (d.tool !== 'kubectl' && d.repository === undefined) {
      r.issue('repository', {
        message: `is required for ${d.tool}`, allowed: 'an object with \'url\', \'revision\', \'path\'',
        fix: "give the Git repository that holds the output, e.g. { url: 'https://github.com/acme/platform.git' }",
      });
    }
    if (d.tool !== 'kubectl' && d.repository !== undefined) {
      const problem = repositoryUrlProblem(d.repository.url, d.tool, d.sourceRef?.kind ?? 'GitRepository');
      if (problem) r.issue('repository.url', { ...problem, value: d.repository.url });
    }
    const revision = d.repository?.revision;
    if (d.tool === 'flux' && revision !== undefined) {
      // A Flux Kustomization has no revision: it applies what its source fetched.
      const source = d.sourceRef ?? DEFAULTS.delivery.flux.sourceRef;
      r.issue('repository.revision', {
        message: `is not used by Flux: its Kustomizations apply the revision their source (${source.kind} '${source.name}') fetches`, value: revision,
        allowed: "repository.revision with tool 'argocd' only", fix: `remove it, and set the ${source.kind === 'OCIRepository' ? 'tag' : 'branch or tag'} on the ${source.kind}'s spec.ref`,
      });
    }
    if (d.tool === 'argocd' && revision === undefined && typeof d.repository?.url === 'string' && /^oci:\/\//i.test(d.repository.url)) {
      // Argo CD reads an OCI source's targetRevision as a tag or digest: the Git default 'main' is a tag nobody pushed.
      r.issue('repository.revision', {
        message: `is required for an oci:// repository: Argo CD reads it as the artifact's tag or digest (the default '${DEFAULTS.delivery.argocd.revision}' is a Git branch)`,
        allowed: "a tag such as '1.4.2', or a digest 'sha256:…'", fix: "set revision to the tag you pushed, e.g. revision: '1.4.2'",
      });
    }
  },
});

// A field Environments sets itself: any value is an error that says where to set it instead.
function setByEnvironments(what: string, fix: string): Spec<never> {
  return v.custom<never>(`nothing: ${what}`, () => ({ message: `is set by Environments: ${what}`, fix }), () => []);
}

const isObject = (x: unknown): boolean => x !== null && typeof x === 'object' && !Array.isArray(x);

/** The spec of EnvironmentsProps (the values themselves are checked against `defaults` later). */
export const ENVIRONMENTS_PROPS = v.object<EnvironmentsProps<object>>()({
  defaults: v.required(v.custom<object>('an object of values', (x) => (isObject(x) ? undefined : { message: 'must be an object of values' }), () => [{ replicas: 1 }])),
  environments: v.required(v.record(v.object<EnvironmentProps<object>>()({
    values: v.custom<Overrides<object>>('an object of overrides', (x) => (isObject(x) ? undefined : { message: 'must be an object of overrides' }), () => [{}]),
    valuesFile: v.string({ nonEmpty: true, samples: ['values/prod.yaml'] }),
  }, { what: 'environment option' }), { keys: ['dev', 'prod'] })),
  build: v.required(v.custom<EnvironmentsProps<object>['build']>(
    'a function (app, env) => void that builds the platform',
    (x) => (typeof x === 'function' ? undefined : { message: 'must be a function', fix: 'build: (app, env) => { new TimonelChart(app, ...) }' }),
    () => [() => undefined],
  )),
  outdir: OUTDIR,
  only: v.string({ nonEmpty: true, samples: ['dev'] }),
  appProps: v.object<AppProps>()({
    ...APP_FIELDS,
    outdir: setByEnvironments('<outdir>/<environment>', "set 'outdir' on Environments"),
    delivery: setByEnvironments("'delivery.tool'", "set 'delivery: { tool }' on Environments"),
    name: setByEnvironments("the environment's name", 'remove it'),
  }, { what: 'App prop' }),
  delivery: DELIVERY_PROPS,
}, {
  // What needs the environments' names: the names themselves, and the keys of delivery.clusters.
  check: (e, r) => {
    const names = Object.keys(e.environments);
    const allowed = names.map((n) => `'${n}'`).join(', ');
    for (const n of names) {
      if (isValidName(n, NameRule.DNS_1123_LABEL)) continue;
      const near = suggestName(n, NameRule.DNS_1123_LABEL);
      r.issue(keyPath('environments', n), {
        message: `is not a valid ${NameRule.DNS_1123_LABEL}: an environment's name is its folder and part of object names`, value: n,
        allowed: "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
        fix: near !== undefined ? `rename it '${near}'` : "rename it, e.g. 'prod'",
      });
    }
    for (const [k, server] of Object.entries(e.delivery?.clusters ?? {})) {
      if (names.includes(k)) continue;
      const near = closest(k, names);
      r.issue(keyPath('delivery.clusters', k), {
        message: 'is not one of the environments, so no Application is delivered there', value: server, allowed,
        fix: near !== undefined ? `did you mean '${near}'?` : `write one of the environments, or add the environment '${k}'`,
      });
    }
  },
});
