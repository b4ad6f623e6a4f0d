// Benchmark child (b): the same construct tree in a plain cdk8s App, plain `App.synth()`.
import { App } from 'cdk8s';
import { runSynth } from './platform';

// cdk8s's defaults are timonel's: one file per chart, '.k8s.yaml'.
runSynth((outdir) => new App({ outdir }));
