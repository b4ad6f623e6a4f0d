import { NameRule } from '../core/names';
import { duration, labelMap, labelValue, nameSpec, trafficDefaults } from '../core/specs';
import { Spec, v } from '../core/validation';
import { PolicyOptions, PROFILE } from '../policies/policy';
import type { AppProps } from './app';
import type { ApplySetOptions } from './applyset';
import type { DeliveryProps, DeliveryRepository } from './delivery';
import type { EnvironmentProps, EnvironmentsProps, Overrides } from './environments';
import type { TimonelChartProps } from './chart';

/** The spec of TimonelChartProps. */
export const CHART_PROPS = v.object<TimonelChartProps>()({
  namespace: nameSpec(NameRule.DNS_1123_LABEL),
  createNamespace: v.boolean(),
  podSecurity: v.oneOf(['restricted', 'baseline', 'privileged'] as const),
  partOf: labelValue,
  policy: v.object<PolicyOptions>()({ profile: PROFILE }, { what: 'policy option' }),
  traffic: trafficDefaults,
  labels: labelMap,
  disableResourceNameHashes: v.boolean(),
});

// AppProps' fields; Environments' appProps takes them but the ones it sets itself.
const APP_FIELDS = {
  outdir: v.string({ nonEmpty: true, samples: ['dist'] }),
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

/** The spec of DeliveryProps. */
export const DELIVERY_PROPS = v.object<DeliveryProps>()({
  tool: v.required(v.oneOf(['kubectl', 'argocd', 'flux'] as const)),
  repository: v.object<DeliveryRepository>()({
    url: v.required(v.string({ nonEmpty: true, samples: ['https://github.com/acme/platform.git'] })),
    revision: v.string({ nonEmpty: true, samples: ['main', 'v1.2.0'] }),
    path: v.string({ nonEmpty: true, samples: ['dist', 'deploy'] }),
  }, { what: 'repository option' }),
  folder: v.string({ nonEmpty: true, samples: ['delivery'] }),
  namespace: nameSpec(NameRule.DNS_1123_LABEL),
  name: nameSpec(NameRule.DNS_1123_LABEL, 40),
  project: v.string({ nonEmpty: true, samples: ['default', 'platform'] }),
  clusters: v.record(v.string({ nonEmpty: true, samples: ['https://kubernetes.default.svc'] }), { keys: ['dev', 'prod'] }),
  sourceRef: v.object<NonNullable<DeliveryProps['sourceRef']>>()({
    kind: v.required(v.oneOf(['GitRepository', 'OCIRepository'] as const)),
    name: v.required(nameSpec(NameRule.DNS_1123_SUBDOMAIN)),
  }, { what: 'sourceRef option' }),
  interval: duration,
}, { what: 'delivery option' });

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
  outdir: v.string({ nonEmpty: true, samples: ['dist'] }),
  only: v.string({ nonEmpty: true, samples: ['dev'] }),
  appProps: v.object<AppProps>()({
    ...APP_FIELDS,
    outdir: setByEnvironments('<outdir>/<environment>', "set 'outdir' on Environments"),
    delivery: setByEnvironments("'delivery.tool'", "set 'delivery: { tool }' on Environments"),
    name: setByEnvironments("the environment's name", 'remove it'),
  }, { what: 'App prop' }),
  delivery: DELIVERY_PROPS,
});
