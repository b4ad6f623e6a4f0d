import { NameRule } from '../core/names';
import { labelMap, labelValue, nameSpec, trafficDefaults } from '../core/specs';
import { v } from '../core/validation';
import { PolicyOptions, PROFILE } from '../policies/policy';
import type { AppProps } from './app';
import type { ApplySetOptions } from './applyset';
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

/** The spec of AppProps. */
export const APP_PROPS = v.object<AppProps>()({
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
});
