/** The pods of an ingress controller (or Gateway implementation) that forward an app's public traffic. */
export interface IngressControllerRef {
  /** The controller's namespace. */
  readonly namespace: string;
  /** Labels that select the controller's pods. */
  readonly podLabels: Record<string, string>;
}

/**
 * Whose pods an app's own exposure admits once the app is isolated, for every app of an App or a
 * chart (an app's own `ingress.controller` or `metrics.scraper` wins).
 */
export interface TrafficDefaults {
  /**
   * The pods an app's Ingress or Gateway route admits (the ingress controller, the Gateway's pods).
   * @default - DEFAULTS.traffic.ingressController: ingress-nginx's controller in namespace 'ingress-nginx'
   */
  readonly ingressController?: IngressControllerRef;
  /**
   * The pods a WebApp's `metrics` admits to its metrics port.
   * @default - DEFAULTS.traffic.prometheus: prometheus-operator's Prometheus in namespace 'monitoring'
   */
  readonly prometheus?: IngressControllerRef;
}
