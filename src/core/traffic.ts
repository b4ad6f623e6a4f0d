/** The pods of an ingress controller (or Gateway implementation) that forward an app's public traffic. */
export interface IngressControllerRef {
  /** The controller's namespace. */
  readonly namespace: string;
  /** Labels that select the controller's pods; `{}` selects every pod of the namespace. */
  readonly podLabels: Record<string, string>;
}

/**
 * Pods that are not a timonel workload, such as every pod of an operations namespace: what
 * `allowFrom` admits besides a workload.
 */
export interface PodsRef {
  /** Their namespace. */
  readonly namespace: string;
  /** Only the pods with these labels. @default - every pod of the namespace */
  readonly podLabels?: Record<string, string>;
}

/**
 * The Kubernetes API server as a pod's egress reaches it. NetworkPolicies match egress after the
 * `kubernetes` Service's DNAT, so these are the addresses and ports of its endpoints
 * (`kubectl get endpoints kubernetes -n default`), not the Service's cluster IP and port 443.
 */
export interface ApiServerRef {
  /** The endpoints' addresses as networks: one host ('172.18.0.2/32') or the control plane's subnet. */
  readonly cidrs: readonly string[];
  /** The endpoints' ports: usually 6443 (kubeadm, k3s, kind) or 443 (EKS, GKE). */
  readonly ports: readonly number[];
}

/**
 * Whose pods an app's own exposure admits once the app is isolated, and the cluster's own ranges,
 * for every app of an App or a chart (an app's own `ingress.controller`, `route.controller` or
 * `metrics.scraper` wins).
 */
export interface TrafficDefaults {
  /**
   * The pods an app's Ingress admits (the ingress controller); also a route's when `gateway` is
   * not set, for a controller that serves both (Traefik, Envoy Gateway for both kinds).
   * @default - DEFAULTS.traffic.ingressController: ingress-nginx's controller in namespace 'ingress-nginx' (Ingresses only)
   */
  readonly ingressController?: IngressControllerRef;
  /**
   * The data-plane pods of the Gateway that serves the apps' HTTPRoutes (`route`), admitted to
   * the routed ports once an app is isolated. Implementations differ in where those pods run and
   * how they are labelled, so there is no default: Envoy Gateway runs them in
   * 'envoy-gateway-system' labelled `gateway.envoyproxy.io/owning-gateway-name: <gateway>`,
   * Istio in the Gateway's namespace labelled `gateway.networking.k8s.io/gateway-name: <gateway>`.
   * @default - `ingressController` when it is set; else none, and an isolated app with a route
   *   and no `route.controller` is an error
   */
  readonly gateway?: IngressControllerRef;
  /**
   * The pods a WebApp's or Worker's `metrics` admits to its metrics port.
   * @default - DEFAULTS.traffic.prometheus: prometheus-operator's Prometheus in namespace 'monitoring'
   */
  readonly prometheus?: IngressControllerRef;
  /**
   * The cluster's own address ranges (pods, Services, nodes; IPv4 and IPv6), which
   * `EgressTarget.internet` excludes besides the private ranges. Needed where they are global
   * addresses, as in IPv6 and dual-stack clusters (EKS IPv6, GKE dual-stack), whose pods and nodes
   * "the internet" would otherwise include. Each is a network ('2600:1f14:abc:de00::/56'), not a
   * whole family ('::/0', which `EgressTarget.internet` could not except from itself).
   * @default - none: only the private ranges are excluded
   */
  readonly clusterCidrs?: readonly string[];
  /**
   * The Kubernetes API server, which a workload with permissions (`grant`, `permissions`,
   * `bindClusterRole`) may reach once its egress is restricted (a `connectTo`, an `allowEgress`):
   * its `<name>-apiserver` NetworkPolicy. Find the endpoints with
   * `kubectl get endpoints kubernetes -n default`.
   * @default - none: a workload with permissions whose egress is restricted is an error
   */
  readonly apiServer?: ApiServerRef;
}
