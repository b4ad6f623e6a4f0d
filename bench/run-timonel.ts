// Benchmark child (a): a timonel App with the bench platform, `App.synth()` into a fresh folder.
import { App } from '../src/app/app';
import { runSynth } from './platform';

runSynth((outdir) => new App({ outdir }));
