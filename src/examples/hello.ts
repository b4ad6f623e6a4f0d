import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TimonelChart } from '../app/chart';
import { Workload, WorkloadProps } from '../workload/workload';

/**
 * The classic first example: a busybox Pod that prints "¡¡Hola, mundo!" and stays up.
 * busybox runs as root by default; the restricted security context runs it as user 10001,
 * which busybox needs nothing more for. SIGTERM ends it at once.
 */
class HelloPod extends Workload {
  public readonly resource: k8s.KubePod;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id, props);
    // The spec renders at synth, so later additions (addEnv, connectTo) reach it. A Pod's own
    // metadata cannot wait for synth: its annotations are fixed here, and a later one is an error.
    const template = this.podTemplate({ restartPolicy: 'Always' });
    this.resource = new k8s.KubePod(this, 'Resource', {
      metadata: { ...this.metadata(), labels: template.metadata.labels, annotations: this.pod.renderAnnotations() },
      spec: template.spec,
    });
  }
}

/** The hello-world chart: namespace `hello`, one Pod. */
export function helloChart(scope: Construct): TimonelChart {
  const chart = new TimonelChart(scope, 'hello', { namespace: 'hello' });
  new HelloPod(chart, 'pod', {
    image: 'busybox:1.36.1',
    command: ['sh', '-c', "trap 'exit 0' TERM INT; echo '¡¡Hola, mundo!'; while true; do sleep 3600 & wait $!; done"],
    resources: { cpu: { request: '10m' }, memory: { request: '16Mi', limit: '32Mi' } },
  });
  return chart;
}
