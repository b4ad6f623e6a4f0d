import { k8s } from 'cdk8s-plus-28';

/**
 * The IP families of a Service (IPv4, IPv6 or both), as WebApp's and StatefulStore's `service` take them.
 * @see https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services
 */
export interface ServiceIpFamilyOptions {
  /** Serve IPv4 and IPv6 (`ipFamilyPolicy: PreferDualStack`, families IPv4 + IPv6). @default false */
  readonly dualStack?: boolean;
  /** Explicit IP family policy; with `dualStack`, a dual-stack one. @default - 'PreferDualStack' with `dualStack` or two `ipFamilies`, else the cluster default (SingleStack) */
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  /** Explicit IP families, primary first. @default - from `dualStack` */
  readonly ipFamilies?: Array<'IPv4' | 'IPv6'>;
}

/** The `ipFamilyPolicy` and `ipFamilies` of a Service spec (both undefined: the cluster's default). */
export function ipFamilySpec(s: ServiceIpFamilyOptions = {}): Pick<k8s.ServiceSpec, 'ipFamilyPolicy' | 'ipFamilies'> {
  // Two families need a dual-stack policy (the API server refuses them under the SingleStack default).
  const dual = s.dualStack === true || s.ipFamilies?.length === 2;
  return {
    ipFamilyPolicy: s.ipFamilyPolicy ?? (dual ? 'PreferDualStack' : undefined),
    ipFamilies: s.ipFamilies ? [...s.ipFamilies] : s.dualStack ? ['IPv4', 'IPv6'] : undefined,
  };
}
