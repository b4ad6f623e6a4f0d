import { ApiObject, Chart, ChartProps, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { setChartContext, timonelChartOf } from '../core/chart-context';
import { DEFAULTS } from '../core/defaults';
import { LABELS } from '../core/labels';
import { NameRule, validateName } from '../core/names';
import { checkChart, configureChartPolicy, PolicyOptions } from '../policies/policy';
import { orderForApply } from './order';

/** Props of a timonel chart: one chart, one file in `dist/`. */
export interface TimonelChartProps extends ChartProps {
  /**
   * Namespace of every object in the chart. A Namespace object is emitted for it
   * unless `createNamespace` is false.
   * @default - no namespace (objects land in the namespace kubectl is pointed at)
   */
  readonly namespace?: string;
  /**
   * Whether to emit the Namespace object (with Pod Security "restricted" enforced).
   * @default true when `namespace` is set
   */
  readonly createNamespace?: boolean;
  /**
   * `app.kubernetes.io/part-of` for everything in this chart.
   * @default - the chart id
   */
  readonly partOf?: string;
  /**
   * Policy settings: the profile for this chart's objects ('restricted', 'baseline' or
   * `Profile.custom(...)`). The policies run over the chart in `toJson()` (so in
   * `Testing.synth`) and over the whole app in `App.synth()`.
   * @default - the profile set with `Policy.setDefault` on the app, else 'restricted'
   */
  readonly policy?: PolicyOptions;
}

/**
 * The base of every timonel chart: readable names without hashes, output in apply
 * order, the chart's namespace created with Pod Security "restricted" enforced.
 */
export class TimonelChart extends Chart {
  /** Finds the timonel chart a construct belongs to. */
  public static of(c: IConstruct): TimonelChart {
    return timonelChartOf(c).chart as TimonelChart;
  }

  /** The value of `app.kubernetes.io/part-of` for this chart's objects. */
  public readonly partOf: string;
  /** The Namespace object, when the chart creates one. */
  public readonly namespaceObject?: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: TimonelChartProps = {}) {
    super(scope, id, { ...props, disableResourceNameHashes: true });
    this.partOf = props.partOf ?? id.toLowerCase();
    setChartContext(this, { partOf: this.partOf });
    configureChartPolicy(this, props.policy);
    if (props.namespace) {
      validateName(props.namespace, NameRule.DNS_1123_LABEL, { scope: this, prop: 'namespace' });
      if (props.createNamespace ?? true) {
        this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
          metadata: {
            name: props.namespace,
            labels: {
              [LABELS.name]: props.namespace,
              [LABELS.partOf]: this.partOf,
              [LABELS.managedBy]: DEFAULTS.managedBy,
              'pod-security.kubernetes.io/enforce': 'restricted',
              'pod-security.kubernetes.io/enforce-version': 'v1.28',
            },
          },
        });
        // A Namespace is cluster-scoped; cdk8s would stamp the chart namespace on it.
        ApiObject.of(this.namespaceObject).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
  }

  /**
   * Renders the chart's objects in apply order (used by `Testing.synth` and `App.synth`) and
   * runs the policies over them: a PolicyError lists every error at once.
   */
  public toJson(): any[] {
    const docs = orderForApply(super.toJson());
    checkChart(this, docs);
    return docs;
  }
}
